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
 * The classic text protocol scripts (every script but meta-*.txt and binary-*.txt) replayed on two memcached
 * processes and on safecached; see {@link DifferentialSuite}.
 */
class TextProtocolDifferentialIT {
  @TestFactory
  Stream<DynamicNode> scripts(TestReporter reporter) throws IOException, URISyntaxException {
    List<DynamicNode> scripts = DifferentialSuite.scripts(DifferentialSuite.Kind.TEXT, reporter).toList();
    if (System.getProperty("differential.scripts", "").isBlank()) {
      // a renamed or missing script must not turn the suite into one that passes without comparing anything
      assertThat(scripts).as("text scripts found").hasSizeGreaterThanOrEqualTo(15);
    }
    return scripts.stream();
  }
}
