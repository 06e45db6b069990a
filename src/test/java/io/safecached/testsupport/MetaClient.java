package io.safecached.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A raw TCP client for the meta protocol: sends request lines (with an optional data block) and reads one reply
 * at a time, reading the value of a {@code VA} reply by its length. Every read is bounded by a socket timeout.
 */
public final class MetaClient extends SocketClient {

  /** A parsed reply line: its code, the tokens after it (after the length for VA) and the value of a VA. */
  public record Reply(String line, String code, List<String> flags, byte[] value) {
    /** The value of return flag {@code letter} (the token without its letter), or null when it is absent. */
    public String flag(char letter) {
      for (String f : flags) {
        if (!f.isEmpty() && f.charAt(0) == letter) {
          return f.substring(1);
        }
      }
      return null;
    }

    /** True when the reply carries flag {@code letter}. */
    public boolean has(char letter) {
      return flag(letter) != null;
    }

    /** A numeric return flag. */
    public long number(char letter) {
      String v = flag(letter);
      if (v == null) {
        throw new AssertionError("no flag " + letter + " in: " + line);
      }
      return Long.parseLong(v);
    }

    /** The value as ISO-8859-1 text, or null for a reply without value. */
    public String text() {
      return value == null ? null : new String(value, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
      return value == null ? line : line + " <" + text() + ">";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Reply r && r.line.equals(line) && Arrays.equals(r.value, value);
    }

    @Override
    public int hashCode() {
      return line.hashCode() * 31 + Arrays.hashCode(value);
    }
  }

  public MetaClient(InetSocketAddress address) throws IOException {
    super(address);
  }

  /** Sends one request line; {@code \r\n} is appended. */
  public MetaClient send(String line) throws IOException {
    write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    return this;
  }

  /** Sends a request line followed by a data block and its {@code \r\n}. */
  public MetaClient send(String line, byte[] data) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(line.length() + data.length + 4);
    b.writeBytes((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    b.writeBytes(data);
    b.writeBytes(new byte[] {'\r', '\n'});
    write(b.toByteArray());
    return this;
  }

  /** Sends raw bytes as they are (several pipelined requests, malformed input). */
  public MetaClient sendRaw(byte[] bytes) throws IOException {
    write(bytes);
    return this;
  }

  /** Sends a request line and reads its reply. */
  public Reply call(String line) throws IOException {
    return send(line).read();
  }

  /** Sends a request line with a data block and reads its reply. */
  public Reply call(String line, String data) throws IOException {
    return call(line, data.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Sends a request line with a data block and reads its reply. */
  public Reply call(String line, byte[] data) throws IOException {
    return send(line, data).read();
  }

  /** Reads one reply; a {@code VA <len>} reply brings its value, which must end in {@code \r\n}. */
  public Reply read() throws IOException {
    String line = readLine();
    String[] tokens = line.split(" ", -1);
    String code = tokens[0];
    int first = 1;
    byte[] value = null;
    if (code.equals("VA")) {
      if (tokens.length < 2) {
        throw new IOException("VA without length: " + line);
      }
      int length = Integer.parseInt(tokens[1]);
      value = readExactly(length);
      byte[] end = readExactly(2);
      if (end[0] != '\r' || end[1] != '\n') {
        throw new IOException("value of " + line + " not followed by \\r\\n");
      }
      first = 2;
    }
    List<String> flags = new ArrayList<>();
    if (!code.equals("CLIENT_ERROR") && !code.equals("SERVER_ERROR")) {
      for (int i = first; i < tokens.length; i++) {
        flags.add(tokens[i]);
      }
    }
    return new Reply(line, code, List.copyOf(flags), value);
  }

  /** Reads replies up to and including {@code MN}. */
  public List<Reply> readUntilNoop() throws IOException {
    List<Reply> replies = new ArrayList<>();
    while (true) {
      Reply r = read();
      replies.add(r);
      if (r.code().equals("MN")) {
        return replies;
      }
    }
  }
}
