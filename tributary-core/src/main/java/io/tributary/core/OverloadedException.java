package io.tributary.core;

import java.time.Duration;

/** The platform is at capacity: nothing was accepted; the caller should retry after a delay. */
public class OverloadedException extends RetryLaterException {
  public OverloadedException(String message, Duration retryAfter) {
    super(ErrorCode.OVERLOADED, message, retryAfter, null);
  }
}
