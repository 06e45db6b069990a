package io.safecached.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A raw TCP client for memcached's binary protocol: builds request packets, sends them (alone or pipelined) and
 * reads response packets one at a time. Every read is bounded by a socket timeout.
 */
public final class BinaryClient extends SocketClient {
  public static final int GET = 0x00;
  public static final int SET = 0x01;
  public static final int ADD = 0x02;
  public static final int REPLACE = 0x03;
  public static final int DELETE = 0x04;
  public static final int INCREMENT = 0x05;
  public static final int DECREMENT = 0x06;
  public static final int QUIT = 0x07;
  public static final int FLUSH = 0x08;
  public static final int GETQ = 0x09;
  public static final int NOOP = 0x0a;
  public static final int VERSION = 0x0b;
  public static final int GETK = 0x0c;
  public static final int GETKQ = 0x0d;
  public static final int APPEND = 0x0e;
  public static final int PREPEND = 0x0f;
  public static final int STAT = 0x10;
  public static final int SETQ = 0x11;
  public static final int ADDQ = 0x12;
  public static final int REPLACEQ = 0x13;
  public static final int DELETEQ = 0x14;
  public static final int INCREMENTQ = 0x15;
  public static final int DECREMENTQ = 0x16;
  public static final int QUITQ = 0x17;
  public static final int FLUSHQ = 0x18;
  public static final int APPENDQ = 0x19;
  public static final int PREPENDQ = 0x1a;
  public static final int TOUCH = 0x1c;
  public static final int GAT = 0x1d;
  public static final int GATQ = 0x1e;
  public static final int GATK = 0x23;
  public static final int GATKQ = 0x24;

  public static final int OK = 0x00;
  public static final int KEY_ENOENT = 0x01;
  public static final int KEY_EEXISTS = 0x02;
  public static final int E2BIG = 0x03;
  public static final int EINVAL = 0x04;
  public static final int NOT_STORED = 0x05;
  public static final int DELTA_BADVAL = 0x06;
  public static final int UNKNOWN_COMMAND = 0x81;

  private static final byte[] NONE = new byte[0];

  /** One request packet; build with {@link #request(int)} and the {@code with...} methods. */
  public record Request(int opcode, byte[] extras, byte[] key, byte[] value, long cas, int opaque, int vbucket) {
    /** With this key (ISO-8859-1). */
    public Request key(String k) {
      return key(k.getBytes(StandardCharsets.ISO_8859_1));
    }

    public Request key(byte[] k) {
      return new Request(opcode, extras, k, value, cas, opaque, vbucket);
    }

    public Request value(String v) {
      return value(v.getBytes(StandardCharsets.ISO_8859_1));
    }

    public Request value(byte[] v) {
      return new Request(opcode, extras, key, v, cas, opaque, vbucket);
    }

    public Request extras(byte[] e) {
      return new Request(opcode, e, key, value, cas, opaque, vbucket);
    }

    public Request cas(long c) {
      return new Request(opcode, extras, key, value, c, opaque, vbucket);
    }

    public Request opaque(int o) {
      return new Request(opcode, extras, key, value, cas, o, vbucket);
    }

    /** The packet bytes: 24-byte header, extras, key, value. */
    public byte[] bytes() {
      int body = extras.length + key.length + value.length;
      ByteBuffer b = ByteBuffer.allocate(24 + body);
      b.put((byte) 0x80).put((byte) opcode).putShort((short) key.length).put((byte) extras.length)
          .put((byte) 0).putShort((short) vbucket).putInt(body).putInt(opaque).putLong(cas);
      b.put(extras).put(key).put(value);
      return b.array();
    }
  }

  /** One response packet as read from the wire. */
  public record Response(int magic, int opcode, int dataType, int status, int opaque, long cas, byte[] extras,
                         byte[] key, byte[] value) {
    /** The key as ISO-8859-1 text. */
    public String keyText() {
      return new String(key, StandardCharsets.ISO_8859_1);
    }

    /** The value as ISO-8859-1 text. */
    public String text() {
      return new String(value, StandardCharsets.ISO_8859_1);
    }

    /** The 4-byte flags extras of a get reply. */
    public int flags() {
      if (extras.length != 4) {
        throw new AssertionError("expected 4 bytes of extras, got " + extras.length + " in " + this);
      }
      return ByteBuffer.wrap(extras).getInt();
    }

    /** The 8-byte value of an incr/decr reply. */
    public long counter() {
      if (value.length != 8) {
        throw new AssertionError("expected an 8-byte counter, got " + value.length + " bytes in " + this);
      }
      return ByteBuffer.wrap(value).getLong();
    }

    @Override
    public String toString() {
      return String.format("Response[opcode=0x%02x status=0x%02x opaque=%d cas=%d extras=%d key=%s value=%s]",
          opcode, status, opaque, cas, extras.length, keyText(),
          value.length > 64 ? value.length + " bytes" : "'" + text() + "'");
    }
  }

  public BinaryClient(InetSocketAddress address) throws IOException {
    super(address);
  }

  /** A request with no extras, key or value. */
  public static Request request(int opcode) {
    return new Request(opcode, NONE, NONE, NONE, 0, 0, 0);
  }

  /** The 8 extras bytes of set/add/replace: flags and exptime. */
  public static byte[] storeExtras(int flags, int exptime) {
    return ByteBuffer.allocate(8).putInt(flags).putInt(exptime).array();
  }

  /** The 20 extras bytes of incr/decr: delta, initial, exptime (0xffffffff: do not create). */
  public static byte[] counterExtras(long delta, long initial, int exptime) {
    return ByteBuffer.allocate(20).putLong(delta).putLong(initial).putInt(exptime).array();
  }

  /** The 4 extras bytes of touch/gat and flush: an exptime. */
  public static byte[] exptimeExtras(int exptime) {
    return ByteBuffer.allocate(4).putInt(exptime).array();
  }

  /** Sends one request. */
  public BinaryClient send(Request request) throws IOException {
    return sendRaw(request.bytes());
  }

  /** Sends several requests in one write. */
  public BinaryClient send(List<Request> requests) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (Request r : requests) {
      b.writeBytes(r.bytes());
    }
    return sendRaw(b.toByteArray());
  }

  /** Sends raw bytes as they are. */
  public BinaryClient sendRaw(byte[] bytes) throws IOException {
    write(bytes);
    return this;
  }

  /** Sends a request and reads one response. */
  public Response call(Request request) throws IOException {
    return send(request).read();
  }

  /** Reads one response packet. */
  public Response read() throws IOException {
    ByteBuffer h = ByteBuffer.wrap(readExactly(24));
    int magic = h.get() & 0xff;
    int opcode = h.get() & 0xff;
    int keyLength = h.getShort() & 0xffff;
    int extrasLength = h.get() & 0xff;
    int dataType = h.get() & 0xff;
    int status = h.getShort() & 0xffff;
    int body = h.getInt();
    int opaque = h.getInt();
    long cas = h.getLong();
    if (magic != 0x81) {
      throw new IOException(String.format("bad response magic 0x%02x", magic));
    }
    if (body < 0 || extrasLength + keyLength > body) {
      throw new IOException("bad response lengths: body " + body + ", key " + keyLength + ", extras "
          + extrasLength);
    }
    byte[] extras = readExactly(extrasLength);
    byte[] key = readExactly(keyLength);
    byte[] value = readExactly(body - extrasLength - keyLength);
    return new Response(magic, opcode, dataType, status, opaque, cas, extras, key, value);
  }

  /** Reads responses up to and including the reply to a NOOP. */
  public List<Response> readUntilNoop() throws IOException {
    List<Response> responses = new ArrayList<>();
    while (true) {
      Response r = read();
      responses.add(r);
      if (r.opcode() == NOOP) {
        return responses;
      }
    }
  }
}
