package io.tributary.flow;

import java.time.Instant;
import java.util.Objects;

/**
 * A backfill of a flow: the runs of its schedule's ticks in [{@code from}, {@code to}] (as the
 * request gave them), and how far they got: {@code runs} in all, of which so many are queued,
 * running, succeeded and failed (runs not created yet count in none).
 */
public record FlowBackfill(
    String id,
    String flow,
    String from,
    String to,
    BackfillState state,
    Instant createdAt,
    int runs,
    int queued,
    int running,
    int success,
    int failed) {
  public FlowBackfill {
    Objects.requireNonNull(id, "id is null");
    Objects.requireNonNull(flow, "flow is null");
    Objects.requireNonNull(from, "from is null");
    Objects.requireNonNull(to, "to is null");
    Objects.requireNonNull(state, "state is null");
    Objects.requireNonNull(createdAt, "createdAt is null");
    if (runs < 0 || queued + running + success + failed > runs) {
      throw new IllegalArgumentException(
          "Invalid progress of backfill "
              + id
              + ": "
              + runs
              + " runs, "
              + queued
              + " queued, "
              + running
              + " running, "
              + success
              + " succeeded, "
              + failed
              + " failed");
    }
  }

  /** How many of its runs ended. */
  public int ended() {
    return success + failed;
  }
}
