package io.tributary.core;

import java.util.EnumSet;
import java.util.Set;

/**
 * A transient failure (a broker unavailable, a commit conflict): the same call may succeed later.
 */
public class RetriableException extends TributaryException {
  private static final Set<ErrorCode.Category> CATEGORIES =
      EnumSet.of(ErrorCode.Category.RETRIABLE, ErrorCode.Category.OVERLOADED);

  public RetriableException(ErrorCode code, String message, Throwable cause) {
    super(code, CATEGORIES, message, cause);
  }
}
