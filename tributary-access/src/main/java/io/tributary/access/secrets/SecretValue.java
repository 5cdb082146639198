package io.tributary.access.secrets;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A secret's plain value. {@link #toString} never shows it, so a value logged by mistake, or held
 * by a record that is logged, stays hidden; {@link #reveal} is the one way to read it.
 */
public final class SecretValue {
  private final String value;

  private SecretValue(String value) {
    this.value = value;
  }

  /**
   * Wraps {@code value}.
   *
   * @throws IllegalArgumentException if it is empty or longer than 64 KiB in UTF-8
   */
  public static SecretValue of(String value) {
    Objects.requireNonNull(value, "value is null");
    int bytes = value.getBytes(StandardCharsets.UTF_8).length;
    if (bytes == 0 || bytes > 65_536) {
      throw new IllegalArgumentException(
          "Invalid secret value: " + bytes + " bytes (must be 1..65536)");
    }
    return new SecretValue(value);
  }

  /** The plain value: pass it on, never log it. */
  public String reveal() {
    return value;
  }

  /** Whether {@code candidate} is this value, in time independent of where they differ. */
  public boolean matches(String candidate) {
    return candidate != null
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SecretValue that && matches(that.value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return "SecretValue[redacted]";
  }
}
