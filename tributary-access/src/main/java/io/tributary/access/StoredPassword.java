package io.tributary.access;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import java.util.Objects;

/** What is kept of a password: its Argon2id hash (PHC string) and its SCRAM-SHA-256 verifier. */
public record StoredPassword(String argon2, ScramVerifier scram) {
  public static final int MIN_LENGTH = 8;

  public StoredPassword {
    Objects.requireNonNull(argon2, "argon2 is null");
    Objects.requireNonNull(scram, "scram is null");
    if (!argon2.startsWith("$argon2id$")) {
      throw new IllegalArgumentException("Invalid password hash: not an Argon2id PHC string");
    }
  }

  /** Refuses a password too short to be one (the error never holds the password). */
  static void requireAcceptable(String password) {
    if (password == null || password.length() < MIN_LENGTH) {
      throw new InvalidInputException(
          ErrorCode.INVALID_ACCESS,
          "Invalid password: at least " + MIN_LENGTH + " characters are needed");
    }
  }

  @Override
  public String toString() {
    return "StoredPassword[argon2id, " + scram + "]";
  }
}
