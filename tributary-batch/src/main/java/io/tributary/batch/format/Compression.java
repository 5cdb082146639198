package io.tributary.batch.format;

/** Whole-file compression, detected by magic bytes (never by the file name alone). */
public enum Compression {
  NONE,
  /** gzip (RFC 1952), magic {@code 1f 8b}; concatenated members are read as one stream. */
  GZIP,
  /** Zstandard, magic {@code 28 b5 2f fd}. */
  ZSTD
}
