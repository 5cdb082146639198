package io.tributary.lake;

import java.time.Duration;
import java.util.Objects;

/**
 * What one {@link TableWriter#commit} made.
 *
 * @param snapshotId the new snapshot
 * @param latency time spent in the catalog commit, lock wait excluded
 */
public record Committed(long snapshotId, Duration latency) {
  public Committed {
    Objects.requireNonNull(latency, "latency is null");
  }
}
