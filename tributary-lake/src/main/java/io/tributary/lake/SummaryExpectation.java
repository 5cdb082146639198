package io.tributary.lake;

import java.util.Objects;
import java.util.Optional;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotAncestryValidator;

/**
 * A condition on a commit: the newest value of snapshot summary property {@code key} among the
 * table's current snapshot and its ancestors is still {@code value} (empty: no snapshot has it).
 * Checked by Iceberg on the table the commit applies to, on every one of its retries, so a writer
 * that read {@code value} commits only if nobody moved it since (a compare-and-set on the property:
 * delivery's Kafka offsets when several nodes share a stream's partitions).
 */
public record SummaryExpectation(String key, Optional<String> value) {
  public SummaryExpectation {
    Objects.requireNonNull(key, "key is null");
    Objects.requireNonNull(value, "value is null");
  }

  /** Whether the newest snapshot of {@code ancestors} (newest first) holding the key has value. */
  boolean holds(Iterable<Snapshot> ancestors) {
    for (Snapshot snapshot : ancestors) {
      String found = snapshot.summary().get(key);
      if (found != null) {
        return value.map(found::equals).orElse(false);
      }
    }
    return value.isEmpty();
  }

  SnapshotAncestryValidator validator() {
    return new SnapshotAncestryValidator() {
      @Override
      public boolean validate(Iterable<Snapshot> ancestors) {
        return holds(ancestors);
      }

      @Override
      public String errorMessage() {
        return "snapshot summary property "
            + key
            + " is no longer "
            + value.map(v -> "'" + v + "'").orElse("unset")
            + " (another writer committed it)";
      }
    };
  }
}
