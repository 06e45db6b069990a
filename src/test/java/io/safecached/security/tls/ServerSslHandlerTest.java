package io.safecached.security.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.safecached.testsupport.TestCertificates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS handler in an EmbeddedChannel: what a plaintext peer gets (nothing), what is counted and logged. */
class ServerSslHandlerTest {
  @TempDir
  static Path dir;
  static TestCertificates certs;

  private final Logger logger = Logger.getLogger("io.safecached.security.tls");
  private final List<LogRecord> records = new ArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      synchronized (records) {
        records.add(r);
      }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };
  private Level previousLevel;
  private ServerTls tls;

  @BeforeAll
  static void generate() throws IOException {
    certs = TestCertificates.generate(dir);
  }

  @BeforeEach
  void setUp() {
    previousLevel = logger.getLevel();
    logger.setLevel(Level.FINE);
    logger.addHandler(capture);
    tls = ServerTls.create(TlsSettings.of(certs.server().cert(), certs.server().key()));
  }

  @AfterEach
  void tearDown() {
    logger.removeHandler(capture);
    logger.setLevel(previousLevel);
  }

  private EmbeddedChannel channel() {
    return new EmbeddedChannel(tls.newHandler(ByteBufAllocator.DEFAULT));
  }

  @Test
  void textCommandFedWholeClosesWithoutAByte() {
    assertPlaintextRefused("stats\r\n".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void textCommandClosesAtItsFirstByte() {
    assertPlaintextRefused(new byte[] {'v'});
  }

  @Test
  void binaryRequestHeaderClosesWithoutAByte() {
    byte[] header = new byte[24];
    header[0] = (byte) 0x80;
    header[1] = 0x0b;
    assertPlaintextRefused(header);
  }

  @Test
  void handshakeRecordStartIsLeftToTheTlsEngine() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01}));
    assertThat(ch.isOpen()).as("waits for the rest of the ClientHello").isTrue();
    assertThat(ch.outboundMessages()).isEmpty();
    assertThat(tls.handshakeErrors()).isZero();
    ch.close();
    ch.finishAndReleaseAll();
    assertThat(tls.handshakeErrors()).as("left during the handshake").isEqualTo(1);
    assertThat(messages(Level.FINE)).singleElement().asString().contains("left during the handshake");
  }

  @Test
  void refusedTlsClientLoggedAtInfoOnceWithItsSource() throws Exception {
    ServerTls mutual = ServerTls.create(TlsSettings.of(certs.server().cert(), certs.server().key())
        .withClientCertificates(2, certs.ca().cert()));
    try (TlsEchoServer server = new TlsEchoServer(mutual);
         javax.net.ssl.SSLSocket s = server.connect(certs.clientContext(null))) {
      TlsHandshakeTest.assertNoApplicationData(s);
      TlsHandshakeTest.awaitCount(mutual::handshakeErrors, 1);
      int localPort = s.getLocalPort();
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (messages(Level.INFO).isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(messages(Level.INFO)).singleElement().asString()
          .startsWith("TLS: refused 127.0.0.1:" + localPort + ": ");
    }
  }

  @Test
  void failuresBeyondTwentyASecondAreCountedButNotLogged() {
    AtomicLong clock = new AtomicLong(1_000_000);
    ServerTls limited = ServerTls.create(TlsSettings.of(certs.server().cert(), certs.server().key()), clock::get);
    for (int i = 0; i < 25; i++) {
      limited.handshakeFailed(System.Logger.Level.INFO, "failure " + i);
    }
    assertThat(limited.handshakeErrors()).isEqualTo(25);
    assertThat(messages(Level.INFO)).hasSize(ServerTls.MAX_LOGGED_FAILURES_PER_SECOND).last().isEqualTo("failure 19");
    clock.addAndGet(999);
    limited.handshakeFailed(System.Logger.Level.INFO, "still suppressed");
    assertThat(messages(Level.INFO)).hasSize(20);
    clock.addAndGet(1);
    limited.handshakeFailed(System.Logger.Level.INFO, "next second");
    assertThat(messages(Level.INFO)).hasSize(22)
        .endsWith("TLS: 6 more failed handshakes were not logged", "next second");
    assertThat(limited.handshakeErrors()).isEqualTo(27);
  }

  private void assertPlaintextRefused(byte[] input) {
    EmbeddedChannel ch = channel();
    ch.writeInbound(Unpooled.wrappedBuffer(input));
    Object out = ch.readOutbound();
    assertThat(out).as("nothing written back, not even a TLS alert").isNull();
    assertThat(ch.inboundMessages()).as("nothing passed on").isEmpty();
    assertThat(ch.isOpen()).isFalse();
    assertThat(ch.finishAndReleaseAll()).isFalse();
    assertThat(tls.handshakeErrors()).isEqualTo(1);
    assertThat(messages(Level.FINE)).singleElement().asString().contains("not TLS (a plaintext client?)");
  }

  private List<String> messages(Level level) {
    synchronized (records) {
      return records.stream().filter(r -> r.getLevel().equals(level)).map(LogRecord::getMessage).toList();
    }
  }
}
