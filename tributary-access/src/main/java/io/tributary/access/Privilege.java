package io.tributary.access;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import java.util.Arrays;
import java.util.Locale;

/**
 * What a grant allows. {@code manage} includes every other privilege on the same resource, {@code
 * write} includes {@code read}, and {@code admin} (on the platform) includes everything.
 */
public enum Privilege {
  READ,
  WRITE,
  INGEST,
  RUN,
  MANAGE,
  ADMIN;

  /** The wire form: {@code read}, {@code ingest}... */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether holding this privilege also gives {@code wanted} on the same resource. */
  public boolean includes(Privilege wanted) {
    return this == wanted || this == ADMIN || this == MANAGE || (this == WRITE && wanted == READ);
  }

  /** Parses a label such as {@code read}; the error lists the valid ones. */
  public static Privilege parse(String text) {
    for (Privilege privilege : values()) {
      if (privilege.label().equals(text)) {
        return privilege;
      }
    }
    throw new InvalidInputException(
        ErrorCode.INVALID_ACCESS,
        "Invalid privilege '"
            + text
            + "': use one of "
            + Arrays.stream(values()).map(Privilege::label).toList());
  }
}
