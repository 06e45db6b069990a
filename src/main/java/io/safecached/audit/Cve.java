package io.safecached.audit;

/**
 * One row of the CVE data file: the CVE id, the affected version range, the first fixed release (empty when
 * the record names none), the feature that must be in use for it to matter (empty = any setup), a one-line
 * summary and the source link.
 */
public record Cve(String id, VersionRange affected, String fixed, String feature, String summary, String source) {}
