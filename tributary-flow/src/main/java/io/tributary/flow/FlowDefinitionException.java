package io.tributary.flow;

import io.tributary.core.InvalidInputException;

/**
 * A flow definition is malformed or inconsistent; the message names the file, the line and the key
 * (or the task) and the bad value. The flow is not loaded.
 */
public final class FlowDefinitionException extends InvalidInputException {
  public FlowDefinitionException(String message) {
    super("invalid_flow", message);
  }

  public FlowDefinitionException(String message, Throwable cause) {
    super("invalid_flow", message, cause);
  }
}
