package io.tributary.flow;

import java.util.Collection;
import java.util.Locale;

/**
 * When a task runs, given the states of its upstream tasks (Airflow's trigger rules). A task
 * without upstream tasks runs at once whatever its rule.
 */
public enum TriggerRule {
  /**
   * Every upstream succeeded (the default). A failure upstream: upstream_failed; a skip: skipped.
   */
  ALL_SUCCESS,
  /** Every upstream ended, whatever its state. */
  ALL_DONE,
  /** Every upstream failed (or was upstream_failed); otherwise skipped. */
  ALL_FAILED,
  /** As soon as one upstream succeeded; upstream_failed if none did (skipped if all skipped). */
  ONE_SUCCESS,
  /** As soon as one upstream failed; skipped if none did. */
  ONE_FAILED,
  /** Every upstream ended and none failed (skipped ones are fine); otherwise upstream_failed. */
  NONE_FAILED,
  /** At once, whatever the upstream tasks do. */
  ALWAYS;

  /** What to do with a queued task now. */
  public enum Decision {
    WAIT,
    RUN,
    SKIP,
    UPSTREAM_FAILED
  }

  /** The name in flow files: {@code all_success}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Decides for a queued task whose upstream tasks are in {@code upstream}. */
  public Decision decide(Collection<TaskState> upstream) {
    if (upstream.isEmpty() || this == ALWAYS) {
      return Decision.RUN;
    }
    long success = upstream.stream().filter(s -> s == TaskState.SUCCESS).count();
    long failed =
        upstream.stream()
            .filter(s -> s == TaskState.FAILED || s == TaskState.UPSTREAM_FAILED)
            .count();
    long skipped = upstream.stream().filter(s -> s == TaskState.SKIPPED).count();
    boolean allDone = success + failed + skipped == upstream.size();
    int total = upstream.size();
    return switch (this) {
      case ALL_SUCCESS -> {
        if (failed > 0) {
          yield Decision.UPSTREAM_FAILED;
        }
        if (skipped > 0) {
          yield Decision.SKIP;
        }
        yield success == total ? Decision.RUN : Decision.WAIT;
      }
      case ALL_DONE -> allDone ? Decision.RUN : Decision.WAIT;
      case ALL_FAILED -> {
        if (success > 0 || skipped > 0) {
          yield Decision.SKIP;
        }
        yield failed == total ? Decision.RUN : Decision.WAIT;
      }
      case ONE_SUCCESS -> {
        if (success > 0) {
          yield Decision.RUN;
        }
        if (!allDone) {
          yield Decision.WAIT;
        }
        yield skipped == total ? Decision.SKIP : Decision.UPSTREAM_FAILED;
      }
      case ONE_FAILED -> {
        if (failed > 0) {
          yield Decision.RUN;
        }
        yield allDone ? Decision.SKIP : Decision.WAIT;
      }
      case NONE_FAILED -> {
        if (failed > 0) {
          yield Decision.UPSTREAM_FAILED;
        }
        yield allDone ? Decision.RUN : Decision.WAIT;
      }
      case ALWAYS -> Decision.RUN;
    };
  }
}
