package io.tributary.reports;

import java.util.Objects;
import java.util.Optional;

/**
 * What became of one target of a report run.
 *
 * @param attempts how many tries were made (0 when skipped)
 * @param error the last try's error, when not delivered
 * @param path the file written, for folder targets
 */
public record DeliveryOutcome(
    String target, Status status, int attempts, Optional<String> error, Optional<String> path) {
  public DeliveryOutcome {
    Objects.requireNonNull(target, "target is null");
    Objects.requireNonNull(status, "status is null");
    Objects.requireNonNull(error, "error is null");
    Objects.requireNonNull(path, "path is null");
  }

  /** A target's outcome. */
  public enum Status {
    DELIVERED,
    FAILED,
    SKIPPED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
