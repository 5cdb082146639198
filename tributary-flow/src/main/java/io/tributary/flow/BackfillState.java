package io.tributary.flow;

import java.util.Locale;

/** The state of a backfill. */
public enum BackfillState {
  /** Its runs are being created (resumed at the next start if the platform stopped). */
  CREATING,
  /** Its runs exist; some have not ended. */
  RUNNING,
  /** Every run ended successfully. */
  SUCCESS,
  /** Every run ended, at least one failed. */
  FAILED;

  public boolean isFinished() {
    return this == SUCCESS || this == FAILED;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static BackfillState of(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }
}
