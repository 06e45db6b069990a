package io.safecached.audit.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.safecached.audit.Target;
import io.safecached.audit.UsageException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one reader of @file, stdin and --exclude @file: each documented format, each malformed variant. */
class TargetReaderTest {
  private static final InputStream NO_STDIN = new ByteArrayInputStream(new byte[0]);

  private static List<String> targets(TargetSet s) {
    List<String> out = new ArrayList<>();
    s.forEach(t -> out.add(t.display()));
    return out;
  }

  private static TargetSet file(Path dir, String name, String body) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, body);
    return TargetSet.parse(List.of("@" + f), List.of(5), List.of(), NO_STDIN, 1000);
  }

  @Test
  void everyFormatYieldsExactlyItsTargets(@TempDir Path dir) throws Exception {
    for (Map.Entry<String, String[]> e : TargetFiles.FORMATS.entrySet()) {
      assertThat(targets(file(dir, e.getKey(), e.getValue()[0]))).as(e.getKey())
          .containsExactly(e.getValue()[1].split(" "));
      InputStream stdin = new ByteArrayInputStream(e.getValue()[0].getBytes(StandardCharsets.UTF_8));
      assertThat(targets(TargetSet.parse(List.of("-"), List.of(5), List.of(), stdin, 1000))).as("stdin " + e.getKey())
          .containsExactly(e.getValue()[1].split(" "));
    }
  }

  @Test
  void theMasscanLineFromTheIssueIsOneTarget(@TempDir Path dir) throws Exception {
    assertThat(targets(file(dir, "m.txt", "open tcp 21212 127.0.0.1 1699123456\n")))
        .containsExactly("127.0.0.1:21212");
  }

  @Test
  void aZmapCsvHeaderIsAHeader(@TempDir Path dir) throws Exception {
    assertThat(targets(file(dir, "z.csv", "saddr,sport\n127.0.0.1,21212\n"))).containsExactly("127.0.0.1:21212");
  }

  @Test
  void everyMalformedInputIsRefusedWithFileAndLine(@TempDir Path dir) throws Exception {
    int n = 0;
    for (String[] bad : TargetFiles.MALFORMED) {
      String name = "bad" + n++ + ".txt";
      assertThatThrownBy(() -> file(dir, name, bad[0])).as(bad[0]).isInstanceOf(UsageException.class)
          .hasMessageContaining(name).hasMessageContaining(bad[1]);
    }
  }

  @Test
  void unusualIpv4SpellingsAreRefusedOnTheCommandLine() {
    for (String bad : List.of("1699123456", "0x7f.1", "127.1", "0177.0.0.1", "127.0.0.01", "0x7f000001", "127.0.1",
        "127.0.0.1.", "2130706433:11211", "0x7f.0.0.1", "127.0.0.1/08", "127.0.0.1/+8", "127.0.0.1-0x05",
        "127.0.0.1-1.2", "::ffff:127.0.0.1", "::ffff:127.1", "fe80::1%lo", "1:2:3:4:5:6:7:8:9", "1::2::3",
        "\u0661\u0662\u0667.0.0.1", "127.0.0.1:+80", "127.0.0.1:011211", "[127.0.0.1]:80", "1.2.3.4::1")) {
      assertThatThrownBy(() -> TargetSet.parse(List.of(bad), List.of(1), List.of(), NO_STDIN, 10)).as(bad)
          .isInstanceOf(UsageException.class);
    }
    assertThat(IpLiteral.v4("0.0.0.0")).containsExactly(0, 0, 0, 0);
    assertThat(IpLiteral.v6("::")).hasSize(16);
    assertThat(IpLiteral.v6("1:2:3:4:5:6:1.2.3.4")).hasSize(16);
    assertThat(IpLiteral.v6("::1.2.3.4")).hasSize(16);
    assertThat(IpLiteral.hostname("cache-1.example.")).isTrue();
    assertThat(IpLiteral.hostname("localhost")).isTrue();
  }

  @Test
  void excludeFilesHoldEveryLine(@TempDir Path dir) throws Exception {
    Path ex = dir.resolve("excl.txt");
    StringBuilder sb = new StringBuilder("# never these\n");
    for (int i = 5; i < 200; i++) {
      sb.append("127.0.0.").append(i).append('\n');
    }
    Files.writeString(ex, sb.toString());
    TargetSet s = TargetSet.parse(List.of("127.0.0.0/24"), List.of(11211), List.of("@" + ex), NO_STDIN, 1000);
    List<String> left = new ArrayList<>();
    s.forEach(t -> {
      if (s.permits(t)) {
        left.add(t.display());
      }
    });
    assertThat(left).hasSize(5 + 56).contains("127.0.0.4:11211", "127.0.0.200:11211")
        .doesNotContain("127.0.0.5:11211", "127.0.0.6:11211", "127.0.0.7:11211", "127.0.0.199:11211");
    Files.writeString(ex, "127.0.0.5\ncache.example\n");
    assertThatThrownBy(() -> TargetSet.parse(List.of("127.0.0.1"), List.of(1), List.of("@" + ex), NO_STDIN, 10))
        .isInstanceOf(UsageException.class).hasMessageContaining("cache.example");
    Files.writeString(ex, "127.0.0.5\n127.1\n");
    assertThatThrownBy(() -> TargetSet.parse(List.of("127.0.0.1"), List.of(1), List.of("@" + ex), NO_STDIN, 10))
        .isInstanceOf(UsageException.class).hasMessageContaining("--exclude @" + ex + " line 2");
  }

  @Test
  void stdinIsReadOnce() {
    InputStream in = new ByteArrayInputStream("127.0.0.1\n".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> TargetSet.parse(List.of("-"), List.of(1), List.of("-"), in, 10))
        .isInstanceOf(UsageException.class).hasMessageContaining("only once");
  }

  @Test
  void permitsOnlyWhatWasGivenAndNotExcluded() throws Exception {
    TargetSet s = TargetSet.parse(List.of("127.0.0.0/30", "localhost"), List.of(1), List.of("127.0.0.2"), NO_STDIN,
        10);
    java.net.InetAddress a1 = java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    java.net.InetAddress a2 = java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, 2});
    java.net.InetAddress a9 = java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, 9});
    assertThat(s.permits(Target.remote("127.0.0.1", a1, 1))).isTrue();
    assertThat(s.permits(Target.remote("127.0.0.2", a2, 1))).isFalse();
    assertThat(s.permits(Target.remote("127.0.0.9", a9, 1))).isFalse();
    assertThat(s.permits(Target.remote("localhost", a9, 1))).isTrue();
    assertThat(s.permits(Target.remote("elsewhere.example", a1, 1))).isFalse();
  }
}
