package io.safecached.testsupport;

/** A {@link ServerSuite} whose tests drive one client, opened to each fresh server by the subclass's connector. */
public abstract class SingleClientSuite<C extends AutoCloseable> extends ServerSuite {
  private final Connector<? extends C> connector;
  /** The client under test, connected to a fresh server before each test. */
  protected C client;

  protected SingleClientSuite(Target target, Connector<? extends C> connector) {
    super(target);
    this.connector = connector;
  }

  @Override
  protected final void openClients() throws Exception {
    client = open(connector.connect(address()));
  }
}
