package io.safecached.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The connections' allocator: pooled direct buffers from 64 KB chunks, unless the JVM was given a type. */
class ConnectionBuffersTest {
  @Test
  void connectionsGetPooledDirectBuffersFromSmallChunks() {
    ByteBufAllocator alloc = ConnectionBuffers.pick(null);
    assertThat(alloc).isInstanceOf(PooledByteBufAllocator.class);
    assertThat(((PooledByteBufAllocator) alloc).metric().chunkSize()).isEqualTo(64 * 1024);
    ByteBuf reply = alloc.buffer(40);
    try {
      assertThat(reply.isDirect()).as("the transport writes it as it is").isTrue();
    } finally {
      reply.release();
    }
  }

  @Test
  void aBufferLargerThanAChunkIsStillServed() {
    ByteBuf big = ConnectionBuffers.pick(null).buffer(300 * 1024);
    try {
      assertThat(big.writeZero(300 * 1024).readableBytes()).isEqualTo(300 * 1024);
    } finally {
      big.release();
    }
  }

  @Test
  void anAllocatorTypeGivenToTheJvmStands() {
    assertThat(ConnectionBuffers.pick("adaptive")).isSameAs(ByteBufAllocator.DEFAULT);
    assertThat(ConnectionBuffers.pick(" ")).isInstanceOf(PooledByteBufAllocator.class);
  }
}
