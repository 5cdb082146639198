package io.tributary.reports;

import java.time.Duration;
import java.util.Objects;

/**
 * How a failed delivery is retried: at most {@code attempts} tries, waiting {@code initial} after
 * the first failure and twice as long after each next one, never more than {@code max}.
 */
public record Backoff(int attempts, Duration initial, Duration max) {
  /** 4 tries over about 7 seconds: 1 s, 2 s, 4 s. */
  public static final Backoff DEFAULT =
      new Backoff(4, Duration.ofSeconds(1), Duration.ofSeconds(30));

  public Backoff {
    if (attempts < 1 || attempts > 20) {
      throw new IllegalArgumentException("Invalid attempts: " + attempts + " (must be 1..20)");
    }
    Objects.requireNonNull(initial, "initial is null");
    Objects.requireNonNull(max, "max is null");
    if (initial.isNegative() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "Invalid back-off: " + initial + " to " + max + " (must be 0 <= initial <= max)");
    }
  }

  /** The wait after failed try {@code attempt} (from 1). */
  public Duration delayAfter(int attempt) {
    Duration delay = initial;
    for (int i = 1; i < attempt && delay.compareTo(max) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(max) > 0 ? max : delay;
  }

  /** Waits between tries; tests inject one that records instead of sleeping. */
  @FunctionalInterface
  public interface Sleeper {
    Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis());

    void sleep(Duration duration) throws InterruptedException;
  }
}
