package io.safecached.differential;

import java.io.IOException;
import java.net.URISyntaxException;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestReporter;

/**
 * The meta protocol scripts (meta-*.txt) replayed on two memcached
 * processes and on safecached; see {@link DifferentialSuite}.
 */
class MetaProtocolDifferentialIT {
  @TestFactory
  Stream<DynamicNode> scripts(TestReporter reporter) throws IOException, URISyntaxException {
    return DifferentialSuite.scripts(DifferentialSuite.Kind.META, reporter);
  }
}
