package io.tributary.core;

import java.time.Duration;
import java.util.Objects;

/**
 * A transient failure whose caller should wait {@link #retryAfter()} before trying again (the edge
 * answers with a {@code Retry-After} header): nothing was accepted.
 */
public class RetryLaterException extends RetriableException {
  private final Duration retryAfter;

  public RetryLaterException(ErrorCode code, String message, Duration retryAfter, Throwable cause) {
    super(code, message, cause);
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter is null");
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
