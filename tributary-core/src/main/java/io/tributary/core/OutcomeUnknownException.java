package io.tributary.core;

import java.util.EnumSet;

/**
 * The operation may or may not have taken effect (a timeout after sending, say). The caller must
 * not assume failure: check the state before retrying, and never clean up what may have been
 * committed.
 */
public class OutcomeUnknownException extends TributaryException {
  public OutcomeUnknownException(String message, Throwable cause) {
    super(
        ErrorCode.OUTCOME_UNKNOWN, EnumSet.of(ErrorCode.Category.OUTCOME_UNKNOWN), message, cause);
  }
}
