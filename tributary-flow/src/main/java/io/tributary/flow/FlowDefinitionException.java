package io.tributary.flow;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;

/**
 * A flow definition is malformed or inconsistent; the message names the file, the line and the key
 * (or the task) and the bad value. The flow is not loaded.
 */
public final class FlowDefinitionException extends InvalidInputException {
  public FlowDefinitionException(String message) {
    super(ErrorCode.INVALID_FLOW, message);
  }

  public FlowDefinitionException(String message, Throwable cause) {
    super(ErrorCode.INVALID_FLOW, message, cause);
  }
}
