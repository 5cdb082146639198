package io.tributary.access;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A user: a person ({@link Kind#HUMAN}) or a program ({@link Kind#SERVICE}), with its password (if
 * it has one), the password a rotation replaced (still accepted until the next rotation, with the
 * same SCRAM salt and iterations as the current one) and, for temporary credentials, the moment it
 * stops existing.
 */
public record User(
    String name,
    Kind kind,
    Optional<StoredPassword> password,
    Optional<StoredPassword> previousPassword,
    Optional<Instant> expiresAt) {

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
    Objects.requireNonNull(previousPassword, "previousPassword is null");
    Objects.requireNonNull(expiresAt, "expiresAt is null");
    if (previousPassword.isPresent() && password.isEmpty()) {
      throw new IllegalArgumentException(
          "Invalid user " + name + ": a previous password without a current one");
    }
  }

  /** A user with no password a rotation replaced. */
  public User(
      String name, Kind kind, Optional<StoredPassword> password, Optional<Instant> expiresAt) {
    this(name, kind, password, Optional.empty(), expiresAt);
  }

  /**
   * The SCRAM verifiers a PostgreSQL login may match: the current password's, then the previous
   * one's during a rotation window (they share salt and iterations, so one exchange checks both).
   */
  public java.util.List<ScramVerifier> scramVerifiers() {
    return java.util.stream.Stream.concat(password.stream(), previousPassword.stream())
        .map(StoredPassword::scram)
        .toList();
  }

  /** Whether the user has expired at {@code now} (temporary credentials). */
  public boolean expiredAt(Instant now) {
    return expiresAt.isPresent() && !now.isBefore(expiresAt.get());
  }
}
