package io.safecached.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.testsupport.MemcachedProcess;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Every {@code -o} key the installed memcached's {@code -h} lists is accepted by {@code serve}. */
class ExtendedOptionsMemcachedIT {
  private static final Pattern KEY = Pattern.compile("^\\s+- (\\w+):", Pattern.MULTILINE);

  @Test
  void everyKeyMemcachedDocumentsIsAccepted() throws Exception {
    Assumptions.assumeTrue(MemcachedProcess.available(), "memcached is not installed");
    Process p = new ProcessBuilder(MemcachedProcess.BINARY, "-h").redirectErrorStream(true).start();
    String help = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    List<String> keys = new ArrayList<>();
    Matcher m = KEY.matcher(help);
    while (m.find()) {
      keys.add(m.group(1));
    }
    assertThat(keys).as("memcached -h lists its -o keys").contains("slab_chunk_max", "ext_path", "idle_timeout")
        .hasSizeGreaterThan(40);
    for (String key : keys) {
      ServeCommand.Settings s = ServeCommand.parse(CliFixture.FAKE_DNS, "-o", key + "=1");
      boolean supported = ExtendedOptions.SUPPORTED.contains(key);
      assertThat(s.warnings()).as(key).hasSize(supported && !key.startsWith("ssl_") ? 0 : 1);
      assertThat(ServeCommandTest.MEMCACHED_EXTENDED_KEYS).as("listed in the test's own copy").contains(key);
    }
  }
}
