package io.tributary.access;

import io.tributary.core.OverloadedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows brute force: after {@code maxFailures} failed logins of one user from one address within
 * {@code window}, further attempts of that pair are refused until the window since the first of
 * them has passed. A success clears the pair. The clock is injected.
 */
public final class LoginLimiter {
  private record Key(String user, String address) {}

  private record Failures(Instant first, int count) {}

  private final Clock clock;
  private final int maxFailures;
  private final Duration window;
  private final Map<Key, Failures> failures = new ConcurrentHashMap<>();

  public LoginLimiter(Clock clock, int maxFailures, Duration window) {
    this.clock = Objects.requireNonNull(clock, "clock is null");
    if (maxFailures < 1) {
      throw new IllegalArgumentException("Invalid maxFailures: " + maxFailures + " (at least 1)");
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("Invalid window: " + window + " (must be positive)");
    }
    this.maxFailures = maxFailures;
    this.window = window;
  }

  /** Refuses (429 with Retry-After) when {@code user} from {@code address} failed too often. */
  public void check(String user, String address) {
    Instant now = clock.instant();
    Failures seen = failures.get(new Key(user, address));
    if (seen == null) {
      return;
    }
    Instant until = seen.first().plus(window);
    if (!now.isBefore(until)) {
      failures.remove(new Key(user, address), seen);
      return;
    }
    if (seen.count() >= maxFailures) {
      throw new OverloadedException(
          "Too many failed logins for user "
              + user
              + " from "
              + address
              + ": try again after "
              + until,
          Duration.between(now, until));
    }
  }

  /** Counts a failed login. */
  public void failed(String user, String address) {
    Instant now = clock.instant();
    failures.compute(
        new Key(user, address),
        (key, seen) ->
            seen == null || !now.isBefore(seen.first().plus(window))
                ? new Failures(now, 1)
                : new Failures(seen.first(), seen.count() + 1));
  }

  /** Clears the pair after a successful login. */
  public void succeeded(String user, String address) {
    failures.remove(new Key(user, address));
  }
}
