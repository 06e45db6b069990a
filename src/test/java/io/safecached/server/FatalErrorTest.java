package io.safecached.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Which errors end the process: an OutOfMemoryError of the heap (or another VirtualMachineError), also wrapped,
 * but not a refused direct-memory allocation, which leaves the JVM sound and closes only the connection that asked.
 */
class FatalErrorTest {

  @Test
  void heapExhaustionIsFatalAlsoWhenWrapped() {
    assertThat(SafecachedServer.isFatal(new OutOfMemoryError("Java heap space"))).isTrue();
    assertThat(SafecachedServer.isFatal(new DecoderException(new OutOfMemoryError("Java heap space")))).isTrue();
    assertThat(SafecachedServer.isFatal(new StackOverflowError())).isTrue();
  }

  @Test
  void aRefusedDirectBufferAndOrdinaryErrorsAreNot() {
    assertThat(SafecachedServer.isFatal(new OutOfMemoryError(
        "Cannot reserve 1000023 bytes of direct buffer memory (allocated: 267522367, limit: 268435456)"))).isFalse();
    assertThat(SafecachedServer.isFatal(new OutOfMemoryError("Direct buffer memory"))).isFalse();
    assertThat(SafecachedServer.isFatal(new IOException("Connection reset by peer"))).isFalse();
    assertThat(SafecachedServer.isFatal(new IllegalStateException("bug"))).isFalse();
  }
}
