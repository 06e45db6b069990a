package io.safecached.functional;

import io.safecached.testsupport.MemcachedProcess;
import io.safecached.testsupport.TestServer;
import java.io.IOException;
import java.net.InetSocketAddress;

/** Which server a functional test runs against: safecached in-process, or the real memcached as a reference. */
enum Target {
  /** safecached started in this JVM on a free loopback port, with default settings. */
  SAFECACHED {
    @Override
    Running start() throws IOException {
      TestServer server = TestServer.start();
      return new Running(server.address(), server::close);
    }
  },
  /** The memcached binary on a free loopback port (the test is skipped when it is not installed). */
  MEMCACHED {
    @Override
    Running start() throws IOException {
      MemcachedProcess process = MemcachedProcess.start();
      return new Running(process.address(), process::close);
    }
  };

  /** Starts a fresh server of this kind; the caller closes it. */
  abstract Running start() throws IOException;

  /** A started server: where it listens and how to stop it. */
  record Running(InetSocketAddress address, Runnable stopper) implements AutoCloseable {
    @Override
    public void close() {
      stopper.run();
    }
  }
}
