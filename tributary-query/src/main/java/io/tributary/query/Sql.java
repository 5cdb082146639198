package io.tributary.query;

/** Quoting for the SQL this module generates. */
final class Sql {
  private Sql() {}

  static String identifier(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  static String literal(String value) {
    return '\'' + value.replace("'", "''") + '\'';
  }

  /** The first line of a DuckDB error message, e.g. {@code Parser Error: syntax error at ...}. */
  static String firstLine(String message) {
    if (message == null || message.isBlank()) {
      return "Query failed";
    }
    String trimmed = message.strip();
    int newline = trimmed.indexOf('\n');
    return newline < 0 ? trimmed : trimmed.substring(0, newline).strip();
  }
}
