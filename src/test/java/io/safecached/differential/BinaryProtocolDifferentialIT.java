package io.safecached.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestReporter;

/**
 * The binary protocol scripts (binary-*.txt, one binary connection each) replayed on two memcached
 * processes and on safecached; see {@link DifferentialSuite}.
 */
class BinaryProtocolDifferentialIT {
  @TestFactory
  Stream<DynamicNode> scripts(TestReporter reporter) throws IOException, URISyntaxException {
    List<DynamicNode> scripts = DifferentialSuite.scripts(DifferentialSuite.Kind.BINARY, reporter).toList();
    if (System.getProperty("differential.scripts", "").isBlank()) {
      // a renamed or missing script must not turn the suite into one that passes without comparing anything
      assertThat(scripts).as("binary scripts found").hasSizeGreaterThanOrEqualTo(4);
    }
    return scripts.stream();
  }
}
