package io.safecached.audit;

/**
 * The result of {@code --write-check}: a random key with a 1-second TTL was set, read back and deleted.
 *
 * @param stored   {@code set} answered STORED
 * @param readBack {@code get} returned the value written
 * @param deleted  {@code delete} answered DELETED
 * @param detail   the first unexpected reply, or null
 */
public record WriteCheck(boolean stored, boolean readBack, boolean deleted, String detail) {}
