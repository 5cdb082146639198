package io.tributary.core;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A lake table, addressed as {@code namespace.table}; both parts are lower-case SQL identifiers.
 */
public record TableId(String namespace, String name) {
  private static final Pattern PART = Pattern.compile("[a-z_][a-z0-9_]{0,127}");

  public TableId {
    Objects.requireNonNull(namespace, "namespace is null");
    Objects.requireNonNull(name, "name is null");
    if (!PART.matcher(namespace).matches()) {
      throw new InvalidInputException(
          ErrorCode.INVALID_TABLE, "Invalid namespace '" + namespace + "': use [a-z_][a-z0-9_]*");
    }
    if (!PART.matcher(name).matches()) {
      throw new InvalidInputException(
          ErrorCode.INVALID_TABLE, "Invalid table name '" + name + "': use [a-z_][a-z0-9_]*");
    }
  }

  /** Parses {@code namespace.table}. */
  public static TableId parse(String text) {
    Objects.requireNonNull(text, "text is null");
    int dot = text.indexOf('.');
    if (dot <= 0 || dot != text.lastIndexOf('.') || dot == text.length() - 1) {
      throw new InvalidInputException(
          ErrorCode.INVALID_TABLE, "Invalid table '" + text + "': expected namespace.table");
    }
    return new TableId(text.substring(0, dot), text.substring(dot + 1));
  }

  /** The table that holds the records this table could not take. */
  public TableId errors() {
    return new TableId(namespace, name + "_errors");
  }

  @Override
  public String toString() {
    return namespace + "." + name;
  }
}
