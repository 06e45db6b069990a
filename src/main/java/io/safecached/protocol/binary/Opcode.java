package io.safecached.protocol.binary;

/**
 * The binary protocol's request opcodes that memcached 1.6 serves; any other byte is answered "Unknown command".
 *
 * <p>A quiet opcode ({@code GETQ}, {@code SETQ}, …) behaves like its loud twin except that memcached sends no
 * reply for its nominal outcome: a get miss, or the success of any other command. Errors are always sent, and
 * hits of the quiet get family too.
 */
public enum Opcode {
  GET(0x00), SET(0x01), ADD(0x02), REPLACE(0x03), DELETE(0x04), INCREMENT(0x05), DECREMENT(0x06), QUIT(0x07),
  FLUSH(0x08), GETQ(0x09, GET), NOOP(0x0a), VERSION(0x0b), GETK(0x0c), GETKQ(0x0d, GETK), APPEND(0x0e),
  PREPEND(0x0f), STAT(0x10), SETQ(0x11, SET), ADDQ(0x12, ADD), REPLACEQ(0x13, REPLACE), DELETEQ(0x14, DELETE),
  INCREMENTQ(0x15, INCREMENT), DECREMENTQ(0x16, DECREMENT), QUITQ(0x17, QUIT), FLUSHQ(0x18, FLUSH),
  APPENDQ(0x19, APPEND), PREPENDQ(0x1a, PREPEND), TOUCH(0x1c), GAT(0x1d), GATQ(0x1e, GAT),
  SASL_LIST_MECHS(0x20), SASL_AUTH(0x21), SASL_STEP(0x22), GATK(0x23), GATKQ(0x24, GATK);

  private static final Opcode[] BY_CODE = new Opcode[256];

  static {
    for (Opcode o : values()) {
      BY_CODE[o.code] = o;
    }
  }

  private final int code;
  private final Opcode loud;

  Opcode(int code) {
    this.code = code;
    this.loud = null;
  }

  Opcode(int code, Opcode loud) {
    this.code = code;
    this.loud = loud;
  }

  /** The opcode byte, 0..255. */
  public int code() {
    return code;
  }

  /** The opcode for {@code code} (0..255), or null when memcached does not serve it. */
  public static Opcode of(int code) {
    return BY_CODE[code & 0xff];
  }

  /** True for the quiet variants. */
  public boolean quiet() {
    return loud != null;
  }

  /** The non-quiet form of this opcode (itself when it is not quiet). */
  public Opcode loud() {
    return loud == null ? this : loud;
  }

  /** True for get, getk, gat, gatk, touch and their quiet forms: the replies that carry flags and CAS. */
  public boolean retrieves() {
    return switch (loud()) {
      case GET, GETK, GAT, GATK, TOUCH -> true;
      default -> false;
    };
  }

  /** True when the reply repeats the key (getk, gatk and their quiet forms), hit or miss. */
  public boolean returnsKey() {
    return loud() == GETK || loud() == GATK;
  }
}
