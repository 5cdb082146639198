package io.tributary.lake;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link Lake#maintain} compacts and expires.
 *
 * @param targetFileSizeBytes the size compaction writes files up to; files smaller than 3/4 of it
 *     are compacted
 * @param expireOlderThan snapshots older than this are expired
 * @param retainLast at least this many snapshots are kept, whatever their age
 */
public record MaintenanceOptions(
    long targetFileSizeBytes, Duration expireOlderThan, int retainLast) {
  /** 128 MiB files, expire after 1 hour, keep at least 5 snapshots. */
  public static final MaintenanceOptions DEFAULTS =
      new MaintenanceOptions(128L << 20, Duration.ofHours(1), 5);

  public MaintenanceOptions {
    if (targetFileSizeBytes < 1) {
      throw new IllegalArgumentException(
          "Invalid targetFileSizeBytes: " + targetFileSizeBytes + " (must be positive)");
    }
    Objects.requireNonNull(expireOlderThan, "expireOlderThan is null");
    if (expireOlderThan.isNegative()) {
      throw new IllegalArgumentException(
          "Invalid expireOlderThan: " + expireOlderThan + " (must not be negative)");
    }
    if (retainLast < 1) {
      throw new IllegalArgumentException(
          "Invalid retainLast: " + retainLast + " (must be at least 1)");
    }
  }
}
