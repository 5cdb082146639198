package io.tributary.flow;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How often a task is tried and how long to wait between tries: exponential back-off from {@code
 * delay}, doubled per failed try, capped at {@code maxDelay}, with jitter (each wait is drawn
 * between half and all of the computed delay).
 *
 * @param attempts tries in all, at least 1 (1 means no retry)
 */
public record RetryPolicy(int attempts, Duration delay, Duration maxDelay) {
  public static final RetryPolicy NONE =
      new RetryPolicy(1, Duration.ofSeconds(10), Duration.ofMinutes(10));

  public RetryPolicy {
    Objects.requireNonNull(delay, "delay is null");
    Objects.requireNonNull(maxDelay, "maxDelay is null");
    if (attempts < 1 || attempts > 100) {
      throw new IllegalArgumentException("Invalid attempts: " + attempts + " (must be 1..100)");
    }
    if (delay.isNegative() || maxDelay.compareTo(delay) < 0) {
      throw new IllegalArgumentException(
          "Invalid retry delays: delay "
              + delay
              + ", max-delay "
              + maxDelay
              + " (must be 0 <= delay <= max-delay)");
    }
  }

  /** The wait before the try after {@code failedTries} failed tries (1 for the first retry). */
  public Duration backoff(int failedTries, RandomGenerator random) {
    long base = delay.toMillis();
    long capped = maxDelay.toMillis();
    int doublings = Math.min(Math.max(0, failedTries - 1), 40);
    long computed = base > (capped >> doublings) ? capped : Math.min(capped, base << doublings);
    long half = computed / 2;
    return Duration.ofMillis(
        half + (computed - half == 0 ? 0 : random.nextLong(computed - half + 1)));
  }
}
