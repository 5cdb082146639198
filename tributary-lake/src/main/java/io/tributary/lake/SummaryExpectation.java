package io.tributary.lake;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotAncestryValidator;

/**
 * A condition on a commit: for each key, the newest value of that snapshot summary property among
 * the table's current snapshot and its ancestors is still the one given (empty: no snapshot has
 * it). Checked by Iceberg on the table the commit applies to, on every one of its retries, so a
 * writer that read the values commits only if nobody moved them since (a compare-and-set on the
 * properties: delivery's Kafka offsets when several nodes share a stream's partitions, the markers
 * maintenance carries into its own snapshots).
 */
public record SummaryExpectation(Map<String, Optional<String>> values) {
  public SummaryExpectation {
    values = Map.copyOf(new TreeMap<>(values));
    values.forEach(
        (key, value) -> {
          Objects.requireNonNull(key, "key is null");
          Objects.requireNonNull(value, "value of " + key + " is null");
        });
  }

  /** The newest value of {@code key} is still {@code value}. */
  public SummaryExpectation(String key, Optional<String> value) {
    this(Map.of(key, value));
  }

  /** The newest value of each key of {@code values} is still its value there. */
  static SummaryExpectation unchanged(Map<String, String> values) {
    Map<String, Optional<String>> expected = new HashMap<>();
    values.forEach((key, value) -> expected.put(key, Optional.of(value)));
    return new SummaryExpectation(expected);
  }

  /** Whether every expected value holds on {@code ancestors} (newest first). */
  boolean holds(Iterable<Snapshot> ancestors) {
    Map<String, String> newest = new HashMap<>();
    for (Snapshot snapshot : ancestors) {
      for (String key : values.keySet()) {
        String found = snapshot.summary().get(key);
        if (found != null) {
          newest.putIfAbsent(key, found);
        }
      }
      if (newest.size() == values.size()) {
        break;
      }
    }
    return values.entrySet().stream()
        .allMatch(e -> e.getValue().equals(Optional.ofNullable(newest.get(e.getKey()))));
  }

  SnapshotAncestryValidator validator() {
    return new SnapshotAncestryValidator() {
      @Override
      public boolean validate(Iterable<Snapshot> ancestors) {
        return holds(ancestors);
      }

      @Override
      public String errorMessage() {
        return "snapshot summary properties "
            + values.keySet()
            + " are no longer "
            + values.values().stream().map(v -> v.map(s -> "'" + s + "'").orElse("unset")).toList()
            + " (another writer committed them)";
      }
    };
  }
}
