package io.tributary.access;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A user: a person ({@link Kind#HUMAN}) or a program ({@link Kind#SERVICE}), with its password (if
 * it has one) and, for temporary credentials, the moment it stops existing.
 */
public record User(
    String name, Kind kind, Optional<StoredPassword> password, Optional<Instant> expiresAt) {

  /** A person or a program. */
  public enum Kind {
    HUMAN,
    SERVICE;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses {@code human} or {@code service}. */
    public static Kind parse(String text) {
      for (Kind kind : values()) {
        if (kind.label().equals(text)) {
          return kind;
        }
      }
      throw new io.tributary.core.InvalidInputException(
          io.tributary.core.ErrorCode.INVALID_ACCESS,
          "Invalid user kind '" + text + "': use human or service");
    }
  }

  public User {
    Principal.requireName("user", name);
    Objects.requireNonNull(kind, "kind is null");
    Objects.requireNonNull(password, "password is null");
    Objects.requireNonNull(expiresAt, "expiresAt is null");
  }

  /** Whether the user has expired at {@code now} (temporary credentials). */
  public boolean expiredAt(Instant now) {
    return expiresAt.isPresent() && !now.isBefore(expiresAt.get());
  }
}
