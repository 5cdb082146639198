package io.tributary.flow;

import java.util.Locale;

/** The state of a flow run. */
public enum RunState {
  /** Created, waiting for a slot under the flow's {@code max-active-runs}. */
  QUEUED,
  RUNNING,
  /** Every task ended and none failed. */
  SUCCESS,
  /** Every task ended and at least one failed or could not run because of a failure. */
  FAILED;

  public boolean isFinished() {
    return this == SUCCESS || this == FAILED;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static RunState of(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }
}
