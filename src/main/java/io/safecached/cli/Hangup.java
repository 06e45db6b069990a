package io.safecached.cli;

import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;

/**
 * SIGHUP as "reload the users file and the certificates", as memcached operators expect. Installed through
 * reflection on the JDK's {@code sun.misc.Signal} (module jdk.unsupported), so that the build stays free of the
 * compiler's proprietary-API warning; where that class is missing, reload works only through its other paths.
 */
final class Hangup {
  private static final System.Logger LOG = System.getLogger("io.safecached.cli");

  private Hangup() {}

  /** Runs {@code action} on every SIGHUP from now on; false when signals cannot be handled on this JVM. */
  static boolean onHangup(Runnable action) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      Object hup = signal.getConstructor(String.class).newInstance("HUP");
      InvocationHandler call = (proxy, method, args) -> {
        if (method.getName().equals("handle")) {
          action.run();
          return null;
        }
        return switch (method.getName()) {
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          default -> "SIGHUP handler";
        };
      };
      Object proxy = Proxy.newProxyInstance(Hangup.class.getClassLoader(), new Class<?>[] {handler}, call);
      signal.getMethod("handle", signal, handler).invoke(null, hup, proxy);
      return true;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      LOG.log(Level.WARNING, "SIGHUP cannot be handled on this JVM (" + e + "); reloads happen when the files "
          + "change or on the refresh_certs command");
      return false;
    }
  }
}
