package io.tributary.flow;

import java.util.Locale;

/** The state of one task in one run. */
public enum TaskState {
  /** Not started yet: waiting for its upstream tasks, a worker, or its next try. */
  QUEUED,
  /** A try is running. */
  RUNNING,
  SUCCESS,
  /** Its last try failed and no try is left (or the failure is not worth retrying). */
  FAILED,
  /** Not run: its trigger rule can no longer be met because upstream tasks failed. */
  UPSTREAM_FAILED,
  /** Not run: its trigger rule says so (e.g. all_success after a skipped upstream). */
  SKIPPED;

  /** Whether the task is done for this run. */
  public boolean isFinished() {
    return this != QUEUED && this != RUNNING;
  }

  /** The name in the API and the database: {@code upstream_failed}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The state of a label. */
  public static TaskState of(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }
}
