package io.tributary.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The browser console ({@code console}): how long a login session lasts unused ({@code
 * console.session-idle-timeout}, 30m by default, 1m..1d), at most after login ({@code
 * console.session-max-age}, 12h by default, at least the idle timeout, at most 30d), and how many
 * sessions one user keeps at once ({@code console.max-sessions-per-user}, 10 by default, 1..1000; a
 * login past that ends the user's oldest). Sessions live in the metadata database, so every node
 * sharing it should have the same settings.
 */
public record ConsoleConfig(
    Duration sessionIdleTimeout, Duration sessionMaxAge, int maxSessionsPerUser) {
  public static final Duration MIN_IDLE = Duration.ofMinutes(1);
  public static final Duration MAX_IDLE = Duration.ofDays(1);
  public static final Duration MAX_AGE = Duration.ofDays(30);
  public static final int MAX_SESSIONS = 1000;

  public static final ConsoleConfig DEFAULT =
      new ConsoleConfig(Duration.ofMinutes(30), Duration.ofHours(12), 10);

  public ConsoleConfig {
    Objects.requireNonNull(sessionIdleTimeout, "sessionIdleTimeout is null");
    Objects.requireNonNull(sessionMaxAge, "sessionMaxAge is null");
    if (sessionIdleTimeout.compareTo(MIN_IDLE) < 0 || sessionIdleTimeout.compareTo(MAX_IDLE) > 0) {
      throw ConfigException.invalid(
          "console.session-idle-timeout",
          Units.formatDuration(sessionIdleTimeout),
          "must be 1m..1d");
    }
    if (sessionMaxAge.compareTo(sessionIdleTimeout) < 0 || sessionMaxAge.compareTo(MAX_AGE) > 0) {
      throw ConfigException.invalid(
          "console.session-max-age",
          Units.formatDuration(sessionMaxAge),
          "must be at least console.session-idle-timeout ("
              + Units.formatDuration(sessionIdleTimeout)
              + ") and at most 30d");
    }
    if (maxSessionsPerUser < 1 || maxSessionsPerUser > MAX_SESSIONS) {
      throw ConfigException.invalid(
          "console.max-sessions-per-user", maxSessionsPerUser, "must be 1.." + MAX_SESSIONS);
    }
  }

  static ConsoleConfig fromConfig(ConfigNode node) {
    node.allowOnly("session-idle-timeout", "session-max-age", "max-sessions-per-user");
    return new ConsoleConfig(
        node.duration("session-idle-timeout", DEFAULT.sessionIdleTimeout(), MIN_IDLE, MAX_IDLE),
        node.duration("session-max-age", DEFAULT.sessionMaxAge(), MIN_IDLE, MAX_AGE),
        node.integer("max-sessions-per-user", DEFAULT.maxSessionsPerUser(), 1, MAX_SESSIONS));
  }
}
