package io.tributary.reports;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One run of a report, as its history keeps it: when, for which logical date, who started it (a
 * flow's task, or a user), its outcome, and each target's.
 */
public record ReportRun(
    String runId,
    String report,
    String ds,
    Instant startedAt,
    Instant finishedAt,
    Outcome outcome,
    Optional<String> error,
    String startedBy,
    List<DeliveryOutcome> deliveries) {
  public ReportRun {
    Objects.requireNonNull(runId, "runId is null");
    Objects.requireNonNull(report, "report is null");
    Objects.requireNonNull(ds, "ds is null");
    Objects.requireNonNull(startedAt, "startedAt is null");
    Objects.requireNonNull(finishedAt, "finishedAt is null");
    Objects.requireNonNull(outcome, "outcome is null");
    Objects.requireNonNull(error, "error is null");
    Objects.requireNonNull(startedBy, "startedBy is null");
    deliveries = List.copyOf(deliveries);
  }

  /** A run's outcome. */
  public enum Outcome {
    /** Produced and delivered to every target. */
    DELIVERED,
    /** Produced, but at least one target could not be reached after its tries. */
    DELIVERY_FAILED,
    /** Not produced (a query failed): the failure notice went to the targets instead. */
    FAILED,
    /** Every section was empty and the report skips empty days: nothing was sent. */
    SKIPPED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Outcome ofLabel(String label) {
      return valueOf(label.toUpperCase(Locale.ROOT));
    }
  }
}
