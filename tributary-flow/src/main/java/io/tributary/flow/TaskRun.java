package io.tributary.flow;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One task in one run: its state, how many tries started, when the last one started and ended, and
 * the last error.
 *
 * @param nextTryAt when a queued task that failed a try may be tried again
 */
public record TaskRun(
    String taskId,
    TaskState state,
    int tries,
    Optional<Instant> nextTryAt,
    Optional<Instant> startedAt,
    Optional<Instant> endedAt,
    Optional<String> error) {
  public TaskRun {
    Objects.requireNonNull(taskId, "taskId is null");
    Objects.requireNonNull(state, "state is null");
  }
}
