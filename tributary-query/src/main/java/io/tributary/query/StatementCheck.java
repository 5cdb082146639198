package io.tributary.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lets through one read statement and nothing else, using DuckDB's own parser: {@code
 * json_serialize_sql} serializes only SELECT-like statements (SELECT, WITH, VALUES, FROM-first,
 * DESCRIBE, SHOW, SUMMARIZE) and lists every statement of the text, so comments, case and string
 * contents cannot fool it. EXPLAIN [ANALYZE] of such a statement is also allowed. The statement
 * must read tables, not files ({@link DirectReads}).
 */
final class StatementCheck {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final ErrorCode NOT_ALLOWED = ErrorCode.QUERY_NOT_ALLOWED;
  private static final String ALLOWED =
      "only a single read statement (SELECT, WITH, VALUES, FROM, DESCRIBE, SHOW, SUMMARIZE,"
          + " EXPLAIN) is allowed";
  private static final Pattern EXPLAIN =
      Pattern.compile(
          "\\A(?:\\s|--[^\\n]*+|/\\*(?:[^*]|\\*(?!/))*+\\*/)*+EXPLAIN(?:\\s++ANALYZE)?\\b(.*)\\z",
          Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  private StatementCheck() {}

  /**
   * {@code sql} itself when it is one read statement; for a {@code rowLimit} (else {@code
   * Long.MAX_VALUE}), a statement that sorts without a limit of its own is wrapped in {@code SELECT
   * * FROM (...) LIMIT rowLimit}, so that DuckDB keeps the first rows in a heap instead of sorting
   * the whole result. Other statements are not wrapped: results stream, so DuckDB computes only
   * what the reader takes before it closes the query, and the wrapper made DuckDB keep the scan's
   * order at a cost (40–50 ms on a 2M-row filter here).
   *
   * @throws InvalidInputException {@code query_not_allowed} for anything but one read statement,
   *     {@code query_error} for a syntax error
   */
  static String runnable(Connection connection, String sql, long rowLimit) throws SQLException {
    Parsed parsed = parse(connection, sql);
    if (!parsed.isSelect()) {
      return explainable(connection, sql, parsed);
    }
    JsonNode tree = parsed.tree();
    DirectReads.refuse(tree);
    if (rowLimit == Long.MAX_VALUE || !sortsWithoutLimit(tree)) {
      return sql;
    }
    String wrapped = "SELECT * FROM (\n" + sql + "\n) LIMIT " + rowLimit;
    return parse(connection, wrapped).isSelect() ? wrapped : sql;
  }

  /** As {@link #runnable(Connection, String, long)} without a row limit. */
  static String runnable(Connection connection, String sql) throws SQLException {
    return runnable(connection, sql, Long.MAX_VALUE);
  }

  /** Whether the statement's outermost query has ORDER BY and no LIMIT. */
  private static boolean sortsWithoutLimit(JsonNode tree) {
    boolean sorts = false;
    for (JsonNode modifier : tree.path("statements").path(0).path("node").path("modifiers")) {
      String type = modifier.path("type").asText("");
      if (type.startsWith("LIMIT")) {
        return false;
      }
      sorts |= type.equals("ORDER_MODIFIER");
    }
    return sorts;
  }

  /** {@code sql}, which is not SELECT-like, when it is EXPLAIN of a read statement; else throws. */
  private static String explainable(Connection connection, String sql, Parsed parsed)
      throws SQLException {
    Matcher explain = EXPLAIN.matcher(sql);
    if (parsed.isUnsupported() && explain.matches()) {
      Parsed explained = parse(connection, explain.group(1));
      if (explained.isSelect()) {
        DirectReads.refuse(explained.tree());
        return sql;
      }
      parsed = explained;
    }
    if (parsed.errorType() != null && parsed.errorType().equals("parser")) {
      String message = "Parser Error: " + parsed.errorMessage();
      int offset = charOffset(sql, parsed.position());
      if (!explain.matches() && offset >= 0) {
        // the whole message, as DuckDB writes it with the line and a caret, kept in the cause
        throw new InvalidInputException(
            ErrorCode.QUERY_ERROR,
            message,
            new SQLException(ErrorPosition.describe(sql, offset, message)));
      }
      throw new InvalidInputException(ErrorCode.QUERY_ERROR, message);
    }
    if (parsed.statements() > 1) {
      throw new InvalidInputException(
          NOT_ALLOWED,
          "Query not allowed: found " + parsed.statements() + " statements; " + ALLOWED);
    }
    if (parsed.statements() == 0 && !parsed.isUnsupported()) {
      throw new InvalidInputException(ErrorCode.QUERY_ERROR, "The SQL text holds no statement");
    }
    throw new InvalidInputException(NOT_ALLOWED, "Query not allowed: " + ALLOWED);
  }

  /** What DuckDB's parser says about {@code text}: its statements serialized, or the error. */
  private static Parsed parse(Connection connection, String text) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT json_serialize_sql(?::VARCHAR)")) {
      statement.setString(1, text);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return Parsed.of(JSON.readTree(result.getString(1)));
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException("DuckDB's parse of a statement is not JSON", e);
    }
  }

  /** The char index of UTF-8 byte {@code bytes} of {@code text} (DuckDB's offsets), or -1. */
  static int charOffset(String text, int bytes) {
    if (bytes < 0) {
      return -1;
    }
    int counted = 0;
    for (int i = 0; i < text.length(); ) {
      if (counted >= bytes) {
        return counted == bytes ? i : -1;
      }
      int codePoint = text.codePointAt(i);
      counted += codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
      i += Character.charCount(codePoint);
    }
    return counted == bytes ? text.length() : -1;
  }

  /**
   * What DuckDB's parser says about a text: an error (and the offset it points at, -1 for none), or
   * how many SELECT-like statements.
   */
  private record Parsed(
      String errorType, String errorMessage, long statements, int position, JsonNode tree) {
    /** From {@code json_serialize_sql}'s output. */
    static Parsed of(JsonNode json) {
      JsonNode error = json.get("error_type");
      int position = -1;
      try {
        position = Integer.parseInt(json.path("position").asText("").strip());
      } catch (NumberFormatException e) {
        // no position given
      }
      return new Parsed(
          error == null ? null : error.asText(),
          json.path("error_message").asText(null),
          json.path("statements").size(),
          position,
          json);
    }

    boolean isSelect() {
      return errorType == null && statements == 1;
    }

    boolean isUnsupported() {
      return "not implemented".equals(errorType);
    }
  }
}
