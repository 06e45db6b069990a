package io.safecached.junit;

import io.safecached.embed.Safecached;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link SafecachedTest}: one embedded server per test class, its address (or the
 * server) as a parameter, an optional flush before each test, and the server stopped after the class.
 *
 * <p>The server lives in the class's {@link ExtensionContext.Store}; a {@code @Nested} class finds it there
 * through its parent and shares it. With {@code @ExtendWith(SafecachedExtension.class)} and no
 * {@link SafecachedTest} the annotation's defaults apply. The server is started by the first of
 * {@code beforeAll} and a parameter that needs it (a constructor with {@code PER_CLASS} lifecycle runs first),
 * and closed in {@code afterAll} by the class that started it.
 */
public final class SafecachedExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
    ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SafecachedExtension.class);
  private static final String SERVER = "server";

  @Override
  public void beforeAll(ExtensionContext context) {
    server(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    // removes only what this class's own store holds: a @Nested class leaves its parent's server alone
    Safecached server = context.getStore(NAMESPACE).remove(SERVER, Safecached.class);
    if (server != null) {
      server.close();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (settings(context.getRequiredTestClass()).flushBetweenTests()) {
      server(context).flushAll();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == Safecached.class || type == InetSocketAddress.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Safecached server = server(context);
    return parameter.getParameter().getType() == Safecached.class ? server : server.address();
  }

  /** The server of this test class, or of an enclosing class, started in the class's store when there is none. */
  private static Safecached server(ExtensionContext context) {
    ExtensionContext classContext = context;
    while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
      classContext = classContext.getParent().get();
    }
    Class<?> testClass = classContext.getRequiredTestClass();
    return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(SERVER, key -> start(settings(testClass)),
        Safecached.class);
  }

  private static Safecached start(SafecachedTest settings) {
    Safecached.Builder b = Safecached.builder()
        .memoryMegabytes(settings.memoryMegabytes())
        .maxItemSize(settings.maxItemSize())
        .threads(settings.threads());
    if (!settings.usersFile().isEmpty()) {
      b.usersFile(Path.of(settings.usersFile()));
    }
    try {
      return b.start();
    } catch (IOException e) {
      throw new UncheckedIOException("safecached did not start: " + e.getMessage(), e);
    }
  }

  /** The nearest {@link SafecachedTest} on the class or an enclosing class; the defaults when there is none. */
  private static SafecachedTest settings(Class<?> testClass) {
    for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
      Optional<SafecachedTest> found = AnnotationSupport.findAnnotation(c, SafecachedTest.class);
      if (found.isPresent()) {
        return found.get();
      }
    }
    return Defaults.class.getAnnotation(SafecachedTest.class);
  }

  /** Carries the annotation's defaults, for classes that use {@code @ExtendWith} alone. */
  @SafecachedTest
  private static final class Defaults {
  }
}
