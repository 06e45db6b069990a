package io.safecached.audit;

/**
 * What the read probe saw. It runs only on a TCP port that accepted a connection but answered neither
 * {@code stats} nor a memcached authentication refusal (twemproxy, for one, closes the connection on
 * {@code stats}): one connection, one request at a time, {@code get} of a random key that cannot exist, then
 * {@code version}. Nothing is written and no existing key is read.
 *
 * @param connect       how the connection went
 * @param answered      the peer replied like a memcached server to at least one of the two requests
 * @param getReply      the first line of the reply to the {@code get} ({@code END}, {@code SERVER_ERROR …}), or
 *                      null when none arrived
 * @param readAccepted  the {@code get} was served without authentication: {@code END} (or a value), or a
 *                      {@code SERVER_ERROR} that is not about authentication (a proxy whose servers are down)
 * @param version       the {@code VERSION} reply, or null
 * @param authRequired  a reply named authentication ({@code CLIENT_ERROR unauthenticated})
 * @param foreign       the peer sent bytes that are not memcached replies
 * @param detail        a short note (how the exchange ended, the first unexpected line), or null
 */
public record ReadReply(Connect connect, boolean answered, String getReply, boolean readAccepted, String version,
                        boolean authRequired, boolean foreign, String detail) {
  /** A probe that did not get as far as a connection. */
  public static ReadReply failed(Connect c, String detail) {
    return new ReadReply(c, false, null, false, null, false, false, detail);
  }
}
