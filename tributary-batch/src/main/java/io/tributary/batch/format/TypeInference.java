package io.tributary.batch.format;

import org.apache.iceberg.types.Type;

/**
 * Type inference rules shared by classification and reading; see {@code docs/crawler-formats.md}.
 */
public final class TypeInference {
  private TypeInference() {}

  /**
   * The narrowest type fitting both (widening): int→long→decimal→double,
   * date→timestamp→timestamptz, struct field unions, list element widening, anything else → string.
   * A null argument means "no value seen yet" and yields the other.
   */
  public static Type widen(Type a, Type b) {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * The narrowest type of one text value (a CSV field), or null for a null value (empty, {@code
   * NULL}, {@code null}, {@code \N}).
   */
  public static Type typeOf(String text, boolean decimalComma) {
    throw new UnsupportedOperationException("not yet");
  }
}
