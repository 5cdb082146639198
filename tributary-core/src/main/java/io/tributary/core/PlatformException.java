package io.tributary.core;

import java.util.EnumSet;

/**
 * The platform cannot do its part, through no fault of the caller: a port that cannot be bound, a
 * broken invariant. Retrying the same call will not help until an operator acts.
 */
public class PlatformException extends TributaryException {
  public PlatformException(ErrorCode code, String message, Throwable cause) {
    super(code, EnumSet.of(ErrorCode.Category.INTERNAL), message, cause);
  }
}
