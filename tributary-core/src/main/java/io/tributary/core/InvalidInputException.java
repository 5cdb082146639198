package io.tributary.core;

import java.util.EnumSet;
import java.util.Set;

/**
 * The request or data is wrong, or clashes with the current state (a name already taken): the
 * caller must fix it; retrying the same input fails again.
 */
public class InvalidInputException extends TributaryException {
  private static final Set<ErrorCode.Category> CATEGORIES =
      EnumSet.of(ErrorCode.Category.USER_ERROR, ErrorCode.Category.CONFLICT);

  public InvalidInputException(ErrorCode code, String message) {
    super(code, CATEGORIES, message, null);
  }

  public InvalidInputException(ErrorCode code, String message, Throwable cause) {
    super(code, CATEGORIES, message, cause);
  }
}
