package io.tributary.experiments;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;

/** An experiment definition is refused: the message names the source, line and key. */
public final class ExperimentDefinitionException extends InvalidInputException {
  public ExperimentDefinitionException(String message) {
    super(ErrorCode.INVALID_EXPERIMENT, message);
  }

  public ExperimentDefinitionException(String message, Throwable cause) {
    super(ErrorCode.INVALID_EXPERIMENT, message, cause);
  }
}
