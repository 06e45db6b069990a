package io.safecached.audit.target;

import java.util.List;
import java.util.Map;

/**
 * Target files for the reader and the probed-address guarantee: each documented format with exactly the targets
 * it must yield, and malformed variants that must be refused. Every address is loopback.
 */
public final class TargetFiles {
  private TargetFiles() {}

  /** Every documented format, as a file body, with what it must yield at --ports 5. */
  public static final Map<String, String[]> FORMATS = Map.of(
      "plain", new String[] {"# targets\n127.0.0.1\n127.0.0.2:7 # the second\n\n127.0.1.0/31\n127.0.2.1-2\n[::1]:9\n",
          "127.0.0.1:5 127.0.0.2:7 127.0.1.0:5 127.0.1.1:5 127.0.2.1:5 127.0.2.2:5 [::1]:9"},
      "masscan-oL", new String[] {"#masscan\nopen tcp 21212 127.0.0.1 1699123456\nopen udp 21213 127.0.0.3 1699123457\n"
          + "closed tcp 11211 127.0.0.4 1699123458\nbanner tcp 21212 127.0.0.1 1699123459 memcached VERSION 1.6\n# end\n",
          "127.0.0.1:21212 127.0.0.3:21213"},
      "masscan-oJ", new String[] {"[\n{   \"ip\": \"127.0.0.10\",   \"timestamp\": \"1699123456\", \"ports\": [ {\"port\": 11211,"
          + " \"proto\": \"tcp\", \"status\": \"open\", \"reason\": \"syn-ack\", \"ttl\": 64} ] },\n"
          + "{   \"ip\": \"127.0.0.11\", \"ports\": [ {\"port\": 11211, \"proto\": \"tcp\", \"status\": \"closed\"} ] }\n"
          + ",\n{\"ip\": \"127.0.0.12\", \"ports\": [{\"port\": 11212, \"proto\": \"tcp\", \"status\": \"open\"}]},\n]\n",
          "127.0.0.10:11211 127.0.0.12:11212"},
      "zmap-addresses", new String[] {"127.0.0.20\n127.0.0.21\n", "127.0.0.20:5 127.0.0.21:5"},
      "zmap-csv", new String[] {"saddr,sport,success\n127.0.0.30,11211,1\n127.0.0.31,11212,1\n127.0.0.32,11213,0\n",
          "127.0.0.30:11211 127.0.0.31:11212"},
      "zmap-json", new String[] {"{\"saddr\": \"127.0.0.40\", \"sport\": 11211}\n{\"saddr\": \"127.0.0.41\"}\n"
          + "{\"ip\":\"127.0.0.42\",\"timestamp\":\"1\",\"port\":11214,\"proto\":\"tcp\",\"rec_type\":\"status\","
          + "\"data\":{\"status\":\"open\"}}\n",
          "127.0.0.40:11211 127.0.0.41:5 127.0.0.42:11214"},
      "zgrab2-csv", new String[] {"127.0.0.50, , memcached, 11211\n, localhost, memcached\n127.0.0.54/31, , x\n",
          "127.0.0.50:11211 localhost:5 127.0.0.54:5 127.0.0.55:5"});

  /** Inputs no reader may accept: each names the file and the line. */
  public static final List<String[]> MALFORMED = List.of(
      new String[] {"127.0.0.1\nopen tcp 21212 127.0.0.1 1699123456\n", "line 2"},
      new String[] {"127.0.0.1 127.0.0.2\n", "line 1"},
      new String[] {"127.0.0.1\n1699123456\n", "line 2"},
      new String[] {"127.1\n", "line 1"},
      new String[] {"0x7f.1\n", "line 1"},
      new String[] {"0177.0.0.1\n", "line 1"},
      new String[] {"# a\n127.0.0.1#x\n", "line 2"},
      new String[] {"open tcp 21212 127.0.0.1 1699123456\nopen tcp 21212 1699123456 1699123456\n", "line 2"},
      new String[] {"open tcp 21212 127.0.0.1\n", "line 1"},
      new String[] {"open tcp 21212 127.0.0.1 1699123456 extra\n", "line 1"},
      new String[] {"open sctp 21212 127.0.0.1 1699123456\n", "line 1"},
      new String[] {"open tcp 0x10 127.0.0.1 1699123456\n", "line 1"},
      new String[] {"open tcp 21212 127.0.0.1 1699123456\n127.0.0.9\n", "line 2"},
      new String[] {"[\n{\"ip\": \"127.0.0.1\", \"ports\": [{\"port\": 1, \"status\": \"open\"}]}\n", "closing"},
      new String[] {"[\n{\"ip\": \"127.0.0.1\", \"ports\": [{\"port\": 1}]}\n]\n", "line 2"},
      new String[] {"[\n{\"ip\": \"127.1\", \"ports\": [{\"port\": 1, \"status\": \"open\"}]}\n]\n", "line 2"},
      new String[] {"[\n]\n127.0.0.1\n", "line 3"},
      new String[] {"{\"saddr\": \"127.0.0.1\"}\n{\"daddr\": \"127.0.0.2\"}\n", "line 2"},
      new String[] {"{\"saddr\": 2130706433}\n", "line 1"},
      new String[] {"{\"saddr\": \"127.0.0.1\", \"sport\": 70000}\n", "line 1"},
      new String[] {"{\"saddr\": \"127.0.0.1\",\n\"sport\": 1}\n", "line 1"},
      new String[] {"saddr,sport\n127.0.0.1,11211\n127.0.0.2\n", "line 3"},
      new String[] {"saddr,sport\n127.0.0.1,11211,1\n", "line 2"},
      new String[] {"saddr,sport\n1699123456,11211\n", "line 2"},
      new String[] {"127.0.0.1, , memcached, 11211\n127.0.0.1,x,y,z,w\n", "line 2"},
      new String[] {"127.0.0.1, , memcached, port\n", "line 1"},
      new String[] {", 1699123456, memcached\n", "line 1"},
      new String[] {"127.0.0.1, 0x7f.1, memcached\n", "line 1"});

}
