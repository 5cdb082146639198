package io.tributary.batch.format;

/**
 * Bounded sampling: at most {@code maxRecords} records and {@code maxBytes} uncompressed bytes read
 * to classify a file, so classifying a 10 GB file costs a bounded read.
 */
public record SampleLimits(int maxRecords, long maxBytes) {
  /** 10,000 records or 4 MiB of uncompressed text, whichever comes first. */
  public static final SampleLimits DEFAULT = new SampleLimits(10_000, 4L << 20);

  public SampleLimits {
    if (maxRecords < 1) {
      throw new IllegalArgumentException(
          "Invalid sample maxRecords: " + maxRecords + " (must be >= 1)");
    }
    if (maxBytes < 4096) {
      throw new IllegalArgumentException(
          "Invalid sample maxBytes: " + maxBytes + " (must be >= 4096)");
    }
  }
}
