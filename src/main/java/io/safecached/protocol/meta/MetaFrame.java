package io.safecached.protocol.meta;

/**
 * What a meta reply needs from its request: the verb, the key as stored (base64 already decoded) and whether
 * the client sent it base64-encoded, the first letter of every flag token in request order (the reply echoes
 * return flags in that order), the whole opaque token ({@code O...}, or null), and for ms the announced data
 * length.
 *
 * @param verb which meta command this frames
 * @param key the raw key bytes
 * @param keyBinary true when the request carried {@code b}
 * @param flags the first byte of each flag token, in request order
 * @param opaque the opaque token including its {@code O}, or null
 * @param dataLength ms's data length (0 for the other verbs)
 */
public record MetaFrame(Verb verb, byte[] key, boolean keyBinary, byte[] flags, byte[] opaque, int dataLength) {

  /** The meta commands. */
  public enum Verb { MG, MS, MD, MA, ME, MN }

  /** True when the request carried the flag {@code flag}. */
  public boolean has(char flag) {
    for (byte f : flags) {
      if (f == flag) {
        return true;
      }
    }
    return false;
  }
}
