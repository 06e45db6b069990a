package io.safecached.audit.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.safecached.audit.Target;
import io.safecached.audit.UsageException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetSetTest {
  private static final InputStream NO_STDIN = new ByteArrayInputStream(new byte[0]);

  private static TargetSet set(List<Integer> ports, String... args) {
    return TargetSet.parse(List.of(args), ports, List.of(), NO_STDIN, 1_000_000);
  }

  private static List<String> all(TargetSet s) {
    List<String> out = new ArrayList<>();
    s.forEach(t -> out.add(t.display()));
    return out;
  }

  @Test
  void hostsPortsAndIpv6() {
    TargetSet s = set(List.of(11211), "127.0.0.1", "127.0.0.2:22122", "[::1]:5000", "::1", "cache.example");
    assertThat(all(s)).containsExactly("127.0.0.1:11211", "127.0.0.2:22122", "[::1]:5000", "[::1]:11211",
        "cache.example:11211");
    assertThat(s.size()).isEqualTo(BigInteger.valueOf(5));
    Target named = s.iterator().next();
    assertThat(named.address()).isNotNull();
  }

  @Test
  void hostNamesAreNotResolvedWhileParsing() {
    Iterator<Target> it = set(List.of(1), "no-such-host.invalid").iterator();
    Target t = it.next();
    assertThat(t.address()).isNull();
    assertThat(t.host()).isEqualTo("no-such-host.invalid");
  }

  @Test
  void cidrAndRangesExpandAcrossEveryPort() {
    assertThat(all(set(List.of(1, 2), "127.0.0.0/31"))).containsExactly("127.0.0.0:1", "127.0.0.0:2",
        "127.0.0.1:1", "127.0.0.1:2");
    assertThat(all(set(List.of(1), "10.0.0.254-10.0.1.1"))).containsExactly("10.0.0.254:1", "10.0.0.255:1",
        "10.0.1.0:1", "10.0.1.1:1");
    assertThat(all(set(List.of(1), "192.0.2.7-9"))).hasSize(3).first().isEqualTo("192.0.2.7:1");
    assertThat(all(set(List.of(1), "192.0.2.77/30"))).containsExactly("192.0.2.76:1", "192.0.2.77:1",
        "192.0.2.78:1", "192.0.2.79:1");
    assertThat(all(set(List.of(7), "[2001:db8::/126]"))).containsExactly("[2001:db8::]:7",
        "[2001:db8::1]:7", "[2001:db8::2]:7", "[2001:db8::3]:7");
  }

  @Test
  void hugeNetworksAreCountedNotMaterialised() {
    TargetSet s = set(List.of(11211, 11212), "10.0.0.0/8", "2001:db8::/32");
    assertThat(s.size()).isEqualTo(BigInteger.TWO.pow(25).add(BigInteger.TWO.pow(97)));
    Iterator<Target> it = s.iterator();
    assertThat(it.next().display()).isEqualTo("10.0.0.0:11211");
    assertThat(it.next().display()).isEqualTo("10.0.0.0:11212");
    assertThat(it.next().display()).isEqualTo("10.0.0.1:11211");
  }

  @Test
  void excludesSkipAddresses() {
    TargetSet s = TargetSet.parse(List.of("127.0.0.0/30"), List.of(1), List.of("127.0.0.1", "127.0.0.2/32"),
        NO_STDIN, 100);
    assertThat(all(s)).hasSize(4);
    List<String> permitted = new ArrayList<>();
    s.forEach(t -> {
      if (s.permits(t)) {
        permitted.add(t.display());
      }
    });
    assertThat(permitted).containsExactly("127.0.0.0:1", "127.0.0.3:1");
    assertThatThrownBy(() -> TargetSet.parse(List.of("127.0.0.1"), List.of(1), List.of("example.com"), NO_STDIN,
        10)).isInstanceOf(UsageException.class);
  }

  @Test
  void readsFilesAndStdinInScannerFormats(@TempDir Path dir) throws Exception {
    Path masscanList = dir.resolve("masscan.txt");
    Files.writeString(masscanList, "#masscan\nopen tcp 11211 192.0.2.1 1699123456\n"
        + "open udp 11212 192.0.2.2 1699123457\nclosed tcp 11211 192.0.2.3 1699123458\n# end\n");
    assertThat(all(set(List.of(1), "@" + masscanList))).containsExactly("192.0.2.1:11211", "192.0.2.2:11212");

    Path masscanJson = dir.resolve("masscan.json");
    Files.writeString(masscanJson, "[\n{   \"ip\": \"192.0.2.10\",   \"timestamp\": \"1699123456\", \"ports\": [ "
        + "{\"port\": 11211, \"proto\": \"tcp\", \"status\": \"open\", \"reason\": \"syn-ack\", \"ttl\": 64} ] },\n"
        + "{   \"ip\": \"192.0.2.11\", \"ports\": [ {\"port\": 11211, \"proto\": \"tcp\", \"status\": \"closed\"} ] },\n"
        + "]\n");
    assertThat(all(set(List.of(1), "@" + masscanJson))).containsExactly("192.0.2.10:11211");

    Path zmapJson = dir.resolve("zmap.json");
    Files.writeString(zmapJson, "{\"saddr\": \"192.0.2.20\", \"sport\": 11211}\n{\"saddr\": \"192.0.2.21\"}\n");
    assertThat(all(set(List.of(5), "@" + zmapJson))).containsExactly("192.0.2.20:11211", "192.0.2.21:5");

    Path zmapCsv = dir.resolve("zmap.csv");
    Files.writeString(zmapCsv, "saddr,sport,success\n192.0.2.30,11211,1\n192.0.2.31,11212,1\n");
    assertThat(all(set(List.of(5), "@" + zmapCsv))).containsExactly("192.0.2.30:11211", "192.0.2.31:11212");

    Path zgrab = dir.resolve("zgrab.csv");
    Files.writeString(zgrab, "192.0.2.40, , memcached, 11211\n, cache.example, memcached\n192.0.2.44/31, , x\n");
    assertThat(all(set(List.of(5), "@" + zgrab))).containsExactly("192.0.2.40:11211", "cache.example:5",
        "192.0.2.44:5", "192.0.2.45:5");

    InputStream stdin = new ByteArrayInputStream("192.0.2.50\n\n# comment\n192.0.2.51:7\r\n"
        .getBytes(StandardCharsets.UTF_8));
    assertThat(all(TargetSet.parse(List.of("-"), List.of(5), List.of(), stdin, 10)))
        .containsExactly("192.0.2.50:5", "192.0.2.51:7");
  }

  @Test
  void aFileWithMoreEntriesThanAllowedIsRefused(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("many.txt");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      sb.append("192.0.2.").append(i).append('\n');
    }
    Files.writeString(f, sb);
    assertThatThrownBy(() -> TargetSet.parse(List.of("@" + f), List.of(1), List.of(), NO_STDIN, 10))
        .isInstanceOf(UsageException.class).hasMessageContaining("more than 10");
  }

  @Test
  void badInputIsAUsageError() {
    for (String bad : List.of("300.1.1.1", "10.0.0.0/33", "::1/129", "1.2.3.4:0", "1.2.3.4:70000", "[::1",
        "1.2.3.9-1.2.3.1", "a b", "1.2.3.4:x", "@/no/such/file")) {
      assertThatThrownBy(() -> set(List.of(1), bad)).as(bad).isInstanceOf(UsageException.class);
    }
    assertThatThrownBy(() -> Ports.parse("5-1")).isInstanceOf(UsageException.class);
    assertThatThrownBy(() -> Ports.parse(",")).isInstanceOf(UsageException.class);
    assertThat(Ports.parse("11211, 20000-20002,11211")).containsExactly(11211, 20000, 20001, 20002);
  }
}
