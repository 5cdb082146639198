package io.tributary.access.secrets;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import java.time.Duration;
import java.util.Objects;

/**
 * When a secret rotates, and with what.
 *
 * @param every the time from one successful rotation to the next (at least 1 s)
 * @param retryAfter the time from a failed rotation to its next try (at least 1 s, at most {@code
 *     every})
 * @param rotator the name of the {@link Rotator} that rotates it
 */
public record RotationSchedule(Duration every, Duration retryAfter, String rotator) {
  /** The retry delay when none is given: a tenth of the period, at most 5 minutes. */
  public static Duration defaultRetryAfter(Duration every) {
    Duration tenth = every.dividedBy(10);
    Duration capped = tenth.compareTo(Duration.ofMinutes(5)) > 0 ? Duration.ofMinutes(5) : tenth;
    return capped.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : capped;
  }

  public RotationSchedule {
    Objects.requireNonNull(every, "every is null");
    Objects.requireNonNull(retryAfter, "retryAfter is null");
    Objects.requireNonNull(rotator, "rotator is null");
    if (every.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new InvalidInputException(
          ErrorCode.INVALID_SECRET, "Invalid rotation period: " + every + " (must be at least 1s)");
    }
    if (retryAfter.compareTo(Duration.ofSeconds(1)) < 0 || retryAfter.compareTo(every) > 0) {
      throw new InvalidInputException(
          ErrorCode.INVALID_SECRET,
          "Invalid rotation retry delay: " + retryAfter + " (must be 1s.." + every + ")");
    }
  }
}
