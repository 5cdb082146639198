package io.tributary.access.secrets;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * Random passwords of letters and digits (no symbols, so they need no quoting in URLs, YAML or
 * shell), from an injected {@link SecureRandom}.
 */
public final class PasswordGenerator {
  /** The shortest and longest passwords it makes. */
  public static final int MIN_LENGTH = 16;

  public static final int MAX_LENGTH = 256;

  /** The length when none is asked for. */
  public static final int DEFAULT_LENGTH = 32;

  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private final SecureRandom random;

  public PasswordGenerator(SecureRandom random) {
    this.random = Objects.requireNonNull(random, "random is null");
  }

  /**
   * A password of {@code length} characters.
   *
   * @throws InvalidInputException if the length is out of range
   */
  public SecretValue generate(int length) {
    if (length < MIN_LENGTH || length > MAX_LENGTH) {
      throw new InvalidInputException(
          ErrorCode.INVALID_SECRET,
          "Invalid password length: "
              + length
              + " (must be "
              + MIN_LENGTH
              + ".."
              + MAX_LENGTH
              + ")");
    }
    StringBuilder password = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return SecretValue.of(password.toString());
  }
}
