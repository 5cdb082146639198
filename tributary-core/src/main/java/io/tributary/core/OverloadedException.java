package io.tributary.core;

import java.time.Duration;
import java.util.Objects;

/** The platform is at capacity: nothing was accepted; the caller should retry after a delay. */
public class OverloadedException extends RetriableException {
  private final Duration retryAfter;

  public OverloadedException(String message, Duration retryAfter) {
    super(ErrorCode.OVERLOADED, message, null);
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter is null");
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
