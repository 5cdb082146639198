package io.tributary.lake;

import java.time.Duration;
import java.util.Objects;

/**
 * What one {@link TableSink#append} committed.
 *
 * @param snapshotId the new snapshot
 * @param rows rows written
 * @param files data files added
 * @param bytes total size of the data files added
 * @param commitLatency time spent in the catalog commit (excluding the Parquet writing)
 */
public record AppendResult(
    long snapshotId, int rows, int files, long bytes, Duration commitLatency) {
  public AppendResult {
    Objects.requireNonNull(commitLatency, "commitLatency is null");
  }
}
