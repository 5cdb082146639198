package io.tributary.flow;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One run of a flow, identified by (flow, logical date); {@code runId} is derived from the logical
 * date.
 *
 * @param runType how it was created first: {@code scheduled}, {@code manual} or {@code triggered}
 */
public record FlowRun(
    String flow,
    String runId,
    Instant logicalDate,
    Instant intervalStart,
    Instant intervalEnd,
    RunState state,
    String runType,
    Instant createdAt,
    Optional<Instant> startedAt,
    Optional<Instant> endedAt,
    List<TaskRun> tasks) {
  public FlowRun {
    Objects.requireNonNull(flow, "flow is null");
    Objects.requireNonNull(runId, "runId is null");
    Objects.requireNonNull(state, "state is null");
    tasks = List.copyOf(tasks);
  }
}
