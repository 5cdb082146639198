package io.tributary.lake;

import java.time.Duration;
import java.util.Objects;

/**
 * What one {@link Lake#maintain} run did.
 *
 * @param filesRewritten small data files replaced by compaction
 * @param filesWritten data files compaction wrote in their place
 * @param rowsRewritten rows moved by compaction (unchanged in content and count)
 * @param snapshotsExpired snapshots removed by expiry
 * @param elapsed wall time of the whole run
 */
public record MaintenanceResult(
    int filesRewritten,
    int filesWritten,
    long rowsRewritten,
    int snapshotsExpired,
    Duration elapsed) {
  public MaintenanceResult {
    Objects.requireNonNull(elapsed, "elapsed is null");
  }
}
