package io.tributary.lake;

import java.util.Objects;

/**
 * Why one row cannot be written to a table.
 *
 * @param code a stable machine-readable code: {@code type_mismatch}, {@code unsupported_value} or
 *     {@code missing_required}
 * @param reason a sentence naming the column, its type and the offending value
 */
public record Rejection(String code, String reason) {
  public Rejection {
    Objects.requireNonNull(code, "code is null");
    Objects.requireNonNull(reason, "reason is null");
  }
}
