package io.safecached.cli;

import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;

/**
 * The signals {@code serve} handles besides SIGTERM and SIGINT, as memcached does: SIGHUP reloads what can be
 * reloaded (users file, certificates, log file) and never stops the server; SIGUSR1 stops it gracefully (exit
 * 0, like the {@code shutdown graceful} command). Installed through reflection on the JDK's
 * {@code sun.misc.Signal} (module jdk.unsupported), so that the build stays free of the compiler's
 * proprietary-API warning; where that class is missing, the JVM's default action stays in place.
 */
final class Hangup {
  private static final System.Logger LOG = System.getLogger("io.safecached.cli");

  private Hangup() {}

  /** Runs {@code action} on every SIGHUP from now on; false when signals cannot be handled on this JVM. */
  static boolean onHangup(Runnable action) {
    return on("HUP", action);
  }

  /** Runs {@code action} on every SIGUSR1 from now on; false when signals cannot be handled on this JVM. */
  static boolean onUser1(Runnable action) {
    return on("USR1", action);
  }

  private static boolean on(String name, Runnable action) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      Object sig = signal.getConstructor(String.class).newInstance(name);
      InvocationHandler call = (proxy, method, args) -> {
        if (method.getName().equals("handle")) {
          action.run();
          return null;
        }
        return switch (method.getName()) {
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          default -> "SIG" + name + " handler";
        };
      };
      Object proxy = Proxy.newProxyInstance(Hangup.class.getClassLoader(), new Class<?>[] {handler}, call);
      signal.getMethod("handle", signal, handler).invoke(null, sig, proxy);
      return true;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      LOG.log(Level.WARNING, "SIG" + name + " cannot be handled on this JVM (" + e + "); its default action "
          + "stays" + (name.equals("HUP") ? " (it stops the process); reloads happen when the files change or "
          + "on the refresh_certs command" : ""));
      return false;
    }
  }
}
