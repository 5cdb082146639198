package io.tributary.pgwire;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names result columns the way PostgreSQL does. DuckDB names an unaliased expression by its text
 * ({@code count_star()}, {@code sum(x)}, {@code 1}); PostgreSQL by its function ({@code count},
 * {@code sum}), the column a cast reads or the cast's type ({@code int4}), a keyword ({@code case},
 * {@code exists}), or else {@code ?column?}. BI tools show and key on these names. A name that is a
 * plain identifier (a column or an alias) is kept.
 */
final class ColumnNames {
  static final String UNNAMED = "?column?";

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");
  private static final Pattern FUNCTION =
      Pattern.compile("\"?([A-Za-z_][A-Za-z0-9_]*)\"?\\((.*)\\)", Pattern.DOTALL);
  private static final Pattern CAST =
      Pattern.compile(
          "(?:TRY_)?CAST\\((.*) AS ([A-Za-z_][A-Za-z0-9_ ]*)(?:\\(.*\\))?\\)", Pattern.DOTALL);
  private static final Map<String, String> FUNCTIONS =
      Map.of("count_star", "count", "list_value", "array", "struct_pack", "row");
  private static final Map<String, String> TYPES =
      Map.ofEntries(
          Map.entry("BOOLEAN", "bool"),
          Map.entry("SMALLINT", "int2"),
          Map.entry("INTEGER", "int4"),
          Map.entry("BIGINT", "int8"),
          Map.entry("FLOAT", "float4"),
          Map.entry("REAL", "float4"),
          Map.entry("DOUBLE", "float8"),
          Map.entry("DECIMAL", "numeric"),
          Map.entry("VARCHAR", "varchar"),
          Map.entry("TEXT", "text"),
          Map.entry("DATE", "date"),
          Map.entry("TIMESTAMP", "timestamp"),
          Map.entry("TIMESTAMP WITH TIME ZONE", "timestamptz"),
          Map.entry("TIMESTAMPTZ", "timestamptz"),
          Map.entry("BLOB", "bytea"),
          Map.entry("UUID", "uuid"),
          Map.entry("JSON", "json"));

  /** A name and how sure PostgreSQL is of it: 2 for a column or function, 1 a type, 0 none. */
  private record Name(String text, int strength) {}

  private ColumnNames() {}

  /** The name PostgreSQL gives the column DuckDB named {@code duckDbName}. */
  static String postgres(String duckDbName) {
    return name(duckDbName.strip()).text();
  }

  private static Name name(String expression) {
    if (IDENTIFIER.matcher(expression).matches()) {
      return switch (expression) {
        case "NULL" -> new Name(UNNAMED, 0);
        case "true", "false" -> new Name("bool", 1);
        default -> new Name(expression, 2);
      };
    }
    Matcher cast = CAST.matcher(expression);
    if (cast.matches()) {
      Name inner = name(cast.group(1).strip());
      if (inner.strength() > 1) {
        return inner;
      }
      String type = cast.group(2).strip().toUpperCase(Locale.ROOT);
      return new Name(TYPES.getOrDefault(type, type.toLowerCase(Locale.ROOT)), 1);
    }
    if (expression.startsWith("CASE ")) {
      return new Name("case", 2);
    }
    if (expression.startsWith("EXISTS(")) {
      return new Name("exists", 2);
    }
    Matcher function = FUNCTION.matcher(expression);
    if (function.matches() && balanced(function.group(2))) {
      String called = function.group(1).toLowerCase(Locale.ROOT);
      return new Name(FUNCTIONS.getOrDefault(called, called), 2);
    }
    return new Name(UNNAMED, 0);
  }

  /** Whether the parentheses of {@code arguments} (outside string literals) pair up. */
  private static boolean balanced(String arguments) {
    int depth = 0;
    boolean quoted = false;
    for (int i = 0; i < arguments.length(); i++) {
      char c = arguments.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
      } else if (!quoted && c == '(') {
        depth++;
      } else if (!quoted && c == ')' && --depth < 0) {
        return false;
      }
    }
    return depth == 0;
  }
}
