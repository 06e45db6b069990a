package io.safecached.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class against one embedded safecached server: started before the class's first
 * test, on 127.0.0.1 and a free port, and stopped after its last. Test methods, {@code @BeforeAll} and
 * {@code @BeforeEach} methods and constructors get its address by declaring a parameter of type
 * {@link java.net.InetSocketAddress}, or the server itself ({@link io.safecached.embed.Safecached}). {@code @Nested}
 * classes share their enclosing class's server.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(SafecachedExtension.class)
public @interface SafecachedTest {
  /** Flush the cache before each test, so that every test starts with none of the others' items. */
  boolean flushBetweenTests() default false;

  /** Megabytes for items ({@code -m}). */
  long memoryMegabytes() default 64;

  /** The largest item in bytes ({@code -I}). */
  int maxItemSize() default 1024 * 1024;

  /** Network threads ({@code -t}). */
  int threads() default 2;

  /** A users file ({@code -Y}) relative to the working directory: every connection must log in. Empty: none. */
  String usersFile() default "";
}
