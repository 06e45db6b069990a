package io.safecached.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.safecached.audit.Json;
import io.safecached.audit.target.TargetFiles;
import io.safecached.testsupport.MemcachedProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built {@code safecached.jar}, run as a user runs it ({@code java -jar ... audit @file}), on every input
 * format, inside a network namespace that has only loopback: the JSON report must list exactly the targets the
 * file names, and none may be "unreachable" (which is what a misread address outside 127/8 would give there).
 * A real memcached listens on 127.0.0.1:21212 in that namespace.
 */
class AuditNetnsIT {
  private static final Path JAR = Path.of("target", "safecached.jar");

  @Test
  void everyInputFormatProbesExactlyTheTargetsItNames(@TempDir Path dir) throws Exception {
    Netns.assumeAvailable();
    assumeThat(MemcachedProcess.available()).as("memcached installed").isTrue();
    assumeThat(Files.exists(JAR)).as(JAR + " built (mvn package)").isTrue();
    String java = ProcessHandle.current().info().command().orElse("java");
    String audit = "'" + java + "' -jar '" + JAR.toAbsolutePath() + "' audit --no-progress --format json"
        + " --timeout 1s --retries 0 ";

    Map<String, String> commands = new LinkedHashMap<>();
    Map<String, Set<String>> expected = new LinkedHashMap<>();
    Files.writeString(dir.resolve("issue-masscan.txt"), "open tcp 21212 127.0.0.1 1699123456\n");
    commands.put("issue-masscan", audit + "@issue-masscan.txt");
    expected.put("issue-masscan", Set.of("127.0.0.1:21212"));
    commands.put("issue-masscan-stdin", audit + "- < issue-masscan.txt");
    expected.put("issue-masscan-stdin", Set.of("127.0.0.1:21212"));
    Files.writeString(dir.resolve("issue-zmap.csv"), "saddr,sport\n127.0.0.1,21212\n");
    commands.put("issue-zmap", audit + "@issue-zmap.csv");
    expected.put("issue-zmap", Set.of("127.0.0.1:21212"));
    Files.writeString(dir.resolve("excl.txt"), "127.0.0.5\n127.0.0.6\n127.0.0.7\n");
    commands.put("issue-exclude", audit + "--no-udp --exclude @excl.txt 127.0.0.1:21999");
    expected.put("issue-exclude", Set.of("127.0.0.1:21999"));
    for (Map.Entry<String, String[]> e : TargetFiles.FORMATS.entrySet()) {
      Files.writeString(dir.resolve(e.getKey()), e.getValue()[0]);
      commands.put(e.getKey(), audit + "--ports 5 --max-targets 100 @" + e.getKey());
      expected.put(e.getKey(), new LinkedHashSet<>(Arrays.asList(e.getValue()[1].split(" "))));
    }
    Files.writeString(dir.resolve("malformed.txt"), "127.0.0.1\nopen tcp 21212 127.0.0.1 1699123456\n");
    commands.put("malformed", audit + "@malformed.txt");

    StringBuilder script = new StringBuilder("memcached -l 127.0.0.1 -p 21212 -U 0 -t 1 -u nobody &\n"
        + "for i in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/21212) 2>/dev/null && break; sleep 0.1; done\n"
        + "set +e\n");
    for (String name : commands.keySet()) {
      script.append(commands.get(name)).append(" > ").append(name).append(".out 2> ").append(name)
          .append(".err; echo $? > ").append(name).append(".code\n");
    }
    Netns.Result r = Netns.run(dir, script.toString(), Duration.ofMinutes(4));
    assertThat(r.code()).as(r.err()).isZero();

    for (String name : commands.keySet()) {
      int code = Integer.parseInt(Files.readString(dir.resolve(name + ".code")).strip());
      String out = Files.readString(dir.resolve(name + ".out"));
      String err = Files.readString(dir.resolve(name + ".err"));
      if (name.equals("malformed")) {
        assertThat(code).as(err).isEqualTo(2);
        assertThat(out).isEmpty();
        assertThat(err).contains("malformed.txt line 2");
        continue;
      }
      assertThat(code).as(name + ": " + err).isIn(0, 3);
      List<String> probed = new ArrayList<>();
      for (Object o : Json.parseAll(out)) {
        Map<?, ?> m = (Map<?, ?>) o;
        String host = (String) m.get("host");
        probed.add((host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + m.get("port"));
        assertThat(m.get("tcp")).as(name + " " + m).isNotEqualTo("unreachable");
        assertThat((String) m.get("ip")).as(name + " " + m).matches("127\\..*|::1");
      }
      assertThat(probed).as(name).containsExactlyInAnyOrderElementsOf(expected.get(name));
      if (expected.get(name).contains("127.0.0.1:21212")) {
        assertThat(out).as(name).contains("\"tcp\":\"open\"");
      }
    }
  }
}
