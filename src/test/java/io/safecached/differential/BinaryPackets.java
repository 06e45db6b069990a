package io.safecached.differential;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The binary step syntax of differential scripts: one request packet per line, written as an opcode name and
 * fields, and the readable rendering of response packets (decoded header fields, extras in hex, key and value in
 * script notation), one line per packet.
 *
 * <p>Request line: {@code <opcode> [field=value]...}, opcode a name ({@code get setq sasl-auth ...}) or
 * {@code 0xNN}. Fields: {@code key= value=} (script escapes, e.g. {@code {k*251}} or {@code \x20}),
 * {@code extras=} (hex; {@code . : _} may separate groups), {@code flags= exp= delta= initial=} (build the extras
 * the opcode expects; missing ones are 0, delta 1), {@code opaque= cas=} (numbers, {@code 0x} for hex;
 * {@code cas={cas:KEY}}), and the header overrides {@code magic= datatype= vbucket= keylen= extlen= bodylen=}
 * for malformed packets. {@code raw <hex>} sends bytes as they are.
 */
final class BinaryPackets {
  private BinaryPackets() {}

  /** The opaque of the NOOP sent after each sentinel-mode binary step; replies to it end the step. */
  static final int SENTINEL_OPAQUE = 0x5e471e1;

  /** The sentinel packet: a NOOP with {@link #SENTINEL_OPAQUE}. */
  static final byte[] SENTINEL = header(0x80, 0x0a, 0, 0, 0, 0, 0, SENTINEL_OPAQUE, 0);

  private static final Map<String, Integer> OPCODES = new LinkedHashMap<>();
  private static final Map<Integer, String> NAMES = new HashMap<>();
  private static final Map<Integer, String> STATUS = new HashMap<>();

  static {
    String[] names = {"get", "set", "add", "replace", "delete", "incr", "decr", "quit", "flush", "getq", "noop",
        "version", "getk", "getkq", "append", "prepend", "stat", "setq", "addq", "replaceq", "deleteq", "incrq",
        "decrq", "quitq", "flushq", "appendq", "prependq", "verbosity", "touch", "gat", "gatq"};
    for (int i = 0; i < names.length; i++) {
      OPCODES.put(names[i], i);
    }
    OPCODES.put("sasl-list", 0x20);
    OPCODES.put("sasl-auth", 0x21);
    OPCODES.put("sasl-step", 0x22);
    OPCODES.put("gatk", 0x23);
    OPCODES.put("gatkq", 0x24);
    OPCODES.forEach((n, o) -> NAMES.put(o, n));
    STATUS.put(0x00, "ok");
    STATUS.put(0x01, "key-enoent");
    STATUS.put(0x02, "key-eexists");
    STATUS.put(0x03, "e2big");
    STATUS.put(0x04, "einval");
    STATUS.put(0x05, "not-stored");
    STATUS.put(0x06, "delta-badval");
    STATUS.put(0x07, "not-my-vbucket");
    STATUS.put(0x20, "auth-error");
    STATUS.put(0x21, "auth-continue");
    STATUS.put(0x81, "unknown-command");
    STATUS.put(0x82, "enomem");
  }

  /** One request packet of a binary step; the cas may refer to a key's last cas, resolved when sent. */
  record Request(int magic, int opcode, byte[] key, byte[] extras, byte[] value, int datatype, int vbucket,
      int opaque, long cas, String casRef, Integer keylen, Integer extlen, Integer bodylen) implements Script.Part {

    /** The packet's bytes, with {@code casRef} looked up in {@code casByKey} (0 when none was seen). */
    byte[] bytes(Map<String, String> casByKey) {
      long c = casRef == null ? cas : Long.parseUnsignedLong(casByKey.getOrDefault(casRef, "0"));
      int kl = keylen != null ? keylen : key.length;
      int el = extlen != null ? extlen : extras.length;
      int bl = bodylen != null ? bodylen : extras.length + key.length + value.length;
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(header(magic, opcode, kl, el, datatype, vbucket, bl, opaque, c));
      out.writeBytes(extras);
      out.writeBytes(key);
      out.writeBytes(value);
      return out.toByteArray();
    }

    /** The request as written, for messages. */
    String describe() {
      StringBuilder sb = new StringBuilder(opName(opcode));
      if (magic != 0x80) {
        sb.append(" magic=0x").append(Integer.toHexString(magic));
      }
      if (extras.length > 0) {
        sb.append(" extras=").append(hex(extras));
      }
      if (key.length > 0) {
        sb.append(" key=").append(Escapes.show(key, 80));
      }
      if (value.length > 0) {
        sb.append(" value=").append(Escapes.show(value, 80));
      }
      if (opaque != 0) {
        sb.append(" opaque=0x").append(Integer.toHexString(opaque));
      }
      if (casRef != null) {
        sb.append(" cas={cas:").append(casRef).append('}');
      } else if (cas != 0) {
        sb.append(" cas=").append(Long.toUnsignedString(cas));
      }
      if (datatype != 0) {
        sb.append(" datatype=").append(datatype);
      }
      if (vbucket != 0) {
        sb.append(" vbucket=").append(vbucket);
      }
      if (keylen != null) {
        sb.append(" keylen=").append(keylen);
      }
      if (extlen != null) {
        sb.append(" extlen=").append(extlen);
      }
      if (bodylen != null) {
        sb.append(" bodylen=").append(bodylen);
      }
      return sb.append(';').toString();
    }
  }

  /** Parses one request line of a binary step: a {@link Request}, or a {@link Script.Literal} for {@code raw}. */
  static Script.Part parse(String line) {
    List<String> words = new ArrayList<>(List.of(line.trim().split("\\s+")));
    String op = words.remove(0).toLowerCase(Locale.ROOT);
    if (op.equals("raw")) {
      return new Script.Literal(unhex(String.join("", words)));
    }
    Integer opcode = OPCODES.get(op);
    if (opcode == null) {
      if (!op.startsWith("0x")) {
        throw new IllegalArgumentException("unknown binary opcode '" + op + "' (known: "
            + String.join(" ", OPCODES.keySet()) + ", 0xNN, raw)");
      }
      opcode = (int) number(op);
    }
    Map<String, String> f = new LinkedHashMap<>();
    for (String w : words) {
      int eq = w.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected field=value, got '" + w + "'");
      }
      String name = w.substring(0, eq);
      if (f.put(name, w.substring(eq + 1)) != null) {
        throw new IllegalArgumentException("field '" + name + "' given twice");
      }
    }
    byte[] key = text(f.remove("key"));
    byte[] value = text(f.remove("value"));
    String casText = f.remove("cas");
    String casRef = null;
    long cas = 0;
    if (casText != null && casText.startsWith("{cas:") && casText.endsWith("}")) {
      casRef = casText.substring(5, casText.length() - 1);
    } else if (casText != null) {
      cas = number(casText);
    }
    int opaque = (int) number(f.getOrDefault("opaque", "0"));
    f.remove("opaque");
    int magic = (int) number(or(f.remove("magic"), "0x80"));
    int datatype = (int) number(or(f.remove("datatype"), "0"));
    int vbucket = (int) number(or(f.remove("vbucket"), "0"));
    Integer keylen = optional(f.remove("keylen"));
    Integer extlen = optional(f.remove("extlen"));
    Integer bodylen = optional(f.remove("bodylen"));
    byte[] extras;
    String extrasHex = f.remove("extras");
    String flags = f.remove("flags");
    String exp = f.remove("exp");
    String delta = f.remove("delta");
    String initial = f.remove("initial");
    if (!f.isEmpty()) {
      throw new IllegalArgumentException("unknown binary fields " + f.keySet());
    }
    if (extrasHex != null) {
      if (flags != null || exp != null || delta != null || initial != null) {
        throw new IllegalArgumentException("extras= excludes flags=, exp=, delta= and initial=");
      }
      extras = unhex(extrasHex);
    } else {
      extras = extras(opcode, flags, exp, delta, initial);
    }
    return new Request(magic, opcode, key, extras, value, datatype, vbucket, opaque, cas, casRef, keylen, extlen,
        bodylen);
  }

  /** The extras memcached expects for {@code opcode}, built from the named fields. */
  private static byte[] extras(int opcode, String flags, String exp, String delta, String initial) {
    String name = opName(opcode).replaceAll("q$", "");
    ByteBuffer b;
    switch (name) {
      case "set", "add", "replace" -> {
        b = ByteBuffer.allocate(8);
        b.putInt((int) number(or(flags, "0"))).putInt((int) number(or(exp, "0")));
        check(delta == null && initial == null, name);
      }
      case "incr", "decr" -> {
        b = ByteBuffer.allocate(20);
        b.putLong(number(or(delta, "1"))).putLong(number(or(initial, "0"))).putInt((int) number(or(exp, "0")));
        check(flags == null, name);
      }
      case "touch", "gat", "gatk" -> {
        b = ByteBuffer.allocate(4);
        b.putInt((int) number(or(exp, "0")));
        check(flags == null && delta == null && initial == null, name);
      }
      case "flush" -> {
        b = ByteBuffer.allocate(exp == null ? 0 : 4);
        if (exp != null) {
          b.putInt((int) number(exp));
        }
        check(flags == null && delta == null && initial == null, name);
      }
      default -> {
        check(flags == null && exp == null && delta == null && initial == null, name);
        b = ByteBuffer.allocate(0);
      }
    }
    return b.array();
  }

  private static void check(boolean ok, String op) {
    if (!ok) {
      throw new IllegalArgumentException("field not used by " + op + " (write extras=... to send odd extras)");
    }
  }

  /** A parsed response packet, or the undecodable rest of a reply. */
  record Response(int magic, int opcode, int datatype, int status, int opaque, long cas, byte[] extras, byte[] key,
      byte[] value) {}

  /**
   * Splits {@code reply} into whole response packets from {@code from}; returns the index after the last whole
   * packet. Packets go to {@code out}; stops at a byte that is not a response magic (0x81) or a partial packet.
   */
  static int split(byte[] reply, int from, List<Response> out) {
    return split(reply, from, out, Integer.MAX_VALUE);
  }

  /** As {@link #split(byte[], int, List)}, at most {@code max} packets. */
  static int split(byte[] reply, int from, List<Response> out, int max) {
    int pos = from;
    int count = 0;
    while (count++ < max && pos + 24 <= reply.length && (reply[pos] & 0xff) == 0x81) {
      ByteBuffer h = ByteBuffer.wrap(reply, pos, 24);
      int magic = h.get() & 0xff;
      int opcode = h.get() & 0xff;
      int kl = h.getShort() & 0xffff;
      int el = h.get() & 0xff;
      int dt = h.get() & 0xff;
      int status = h.getShort() & 0xffff;
      long bl = h.getInt() & 0xffffffffL;
      int opaque = h.getInt();
      long cas = h.getLong();
      if (pos + 24 + bl > reply.length || kl + el > bl) {
        break;
      }
      int body = pos + 24;
      byte[] extras = java.util.Arrays.copyOfRange(reply, body, body + el);
      byte[] key = java.util.Arrays.copyOfRange(reply, body + el, body + el + kl);
      byte[] value = java.util.Arrays.copyOfRange(reply, body + el + kl, body + (int) bl);
      out.add(new Response(magic, opcode, dt, status, opaque, cas, extras, key, value));
      pos = body + (int) bl;
    }
    return pos;
  }

  /** True when {@code r} is the reply to the sentinel NOOP. */
  static boolean isSentinel(Response r) {
    return r.opcode() == 0x0a && r.opaque() == SENTINEL_OPAQUE;
  }

  /**
   * Renders the response packets of one step as lines, normalising what differs between servers: cas values
   * become {@code <cas#N>} (via {@code normaliser}, so equal cas values stay equal), the version string, and
   * volatile or uncompared stats (one STAT packet each). Requests of the step map cas values back to keys.
   */
  static String render(byte[] reply, List<Request> requests, Normaliser normaliser, Set<String> statsCompare,
      Set<String> volatileStats, Set<String> statNames) {
    List<Response> packets = new ArrayList<>();
    int end = split(reply, 0, packets);
    StringBuilder sb = new StringBuilder();
    int matched = 0;
    for (Response r : packets) {
      String name = opName(r.opcode());
      // the request this answers: the next one with the same opcode and opaque
      Request req = null;
      for (int i = matched; i < requests.size(); i++) {
        Request q = requests.get(i);
        if (q.opcode() == r.opcode() && q.opaque() == r.opaque()) {
          req = q;
          matched = name.equals("stat") && r.key().length > 0 ? i : i + 1;
          break;
        }
      }
      boolean isStat = name.equals("stat") && r.status() == 0 && r.key().length > 0;
      String statName = isStat ? new String(r.key(), StandardCharsets.ISO_8859_1) : null;
      if (isStat) {
        statNames.add(statName);
        if (statsCompare != null && !statsCompare.contains(statName)) {
          continue;
        }
      }
      sb.append(name);
      if (r.magic() != 0x81) {
        sb.append(" magic=0x").append(Integer.toHexString(r.magic()));
      }
      sb.append(" status=").append(STATUS.getOrDefault(r.status(), "0x" + Integer.toHexString(r.status())));
      sb.append(" opaque=0x").append(Integer.toHexString(r.opaque()));
      if (r.cas() != 0) {
        String raw = Long.toUnsignedString(r.cas());
        String key = r.key().length > 0 ? new String(r.key(), StandardCharsets.ISO_8859_1)
            : req != null && req.key().length > 0 ? new String(req.key(), StandardCharsets.ISO_8859_1) : null;
        sb.append(" cas=").append(normaliser.cas(key, raw));
      } else {
        sb.append(" cas=0");
      }
      if (r.datatype() != 0) {
        sb.append(" datatype=").append(r.datatype());
      }
      if (r.extras().length > 0) {
        sb.append(" extras=").append(hex(r.extras()));
      }
      if (r.key().length > 0) {
        sb.append(" key=").append(Escapes.show(r.key(), 300));
      }
      if (r.value().length > 0) {
        sb.append(" value=");
        boolean arithmetic = name.replaceAll("q$", "").matches("incr|decr") && r.status() == 0;
        if (isStat && (Normaliser.ALWAYS_VOLATILE.contains(statName) || statName.startsWith("rusage_")
            || volatileStats.contains(statName))) {
          sb.append("<volatile>");
        } else if (name.equals("version") && r.status() == 0) {
          sb.append("<version>");
        } else if (arithmetic && r.value().length == 8) {
          sb.append("u64:").append(Long.toUnsignedString(ByteBuffer.wrap(r.value()).getLong()));
        } else {
          sb.append(Escapes.show(r.value(), 300));
        }
      }
      sb.append('\n');
    }
    if (end < reply.length) {
      byte[] rest = java.util.Arrays.copyOfRange(reply, end, reply.length);
      sb.append("<not a whole response packet: ").append(Escapes.show(rest, 300)).append(">\n");
    }
    return sb.toString();
  }

  static String opName(int opcode) {
    String n = NAMES.get(opcode);
    return n != null ? n : String.format("op0x%02x", opcode);
  }

  static byte[] header(int magic, int opcode, int keylen, int extlen, int datatype, int vbucket, int bodylen,
      int opaque, long cas) {
    return ByteBuffer.allocate(24).put((byte) magic).put((byte) opcode).putShort((short) keylen)
        .put((byte) extlen).put((byte) datatype).putShort((short) vbucket).putInt(bodylen).putInt(opaque)
        .putLong(cas).array();
  }

  static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) {
      sb.append(String.format("%02x", x & 0xff));
    }
    return sb.toString();
  }

  static byte[] unhex(String s) {
    String t = s.replaceAll("[._:]", "");
    if (t.length() % 2 != 0 || !t.matches("[0-9a-fA-F]*")) {
      throw new IllegalArgumentException("bad hex '" + s + "'");
    }
    byte[] out = new byte[t.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(t.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }

  private static byte[] text(String s) {
    if (s == null) {
      return new byte[0];
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<Script.Part> parts = new ArrayList<>();
    Escapes.decodeInto(s, out, parts);
    if (!parts.isEmpty()) {
      throw new IllegalArgumentException("{cas:...} only works as cas= in a binary step");
    }
    return out.toByteArray();
  }

  private static long number(String s) {
    try {
      return s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : s.startsWith("-")
          ? Long.parseLong(s) : Long.parseUnsignedLong(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad number '" + s + "'", e);
    }
  }

  private static Integer optional(String s) {
    return s == null ? null : (int) number(s);
  }

  private static String or(String s, String fallback) {
    return s != null ? s : fallback;
  }
}
