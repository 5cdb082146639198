package io.tributary.pgwire;

import java.util.ArrayList;
import java.util.List;

/**
 * A small PostgreSQL lexer for what the endpoint must do to SQL text before the engine sees it:
 * split a Query message into statements at top-level semicolons, and put parameter values in place
 * of {@code $n}. It skips string literals ({@code '...'}, {@code E'...'}), quoted identifiers,
 * dollar-quoted strings and comments ({@code --}, nested {@code /* *}{@code /}).
 */
final class SqlText {
  private SqlText() {}

  /** The statements of {@code sql}, stripped, without the blank ones. */
  static List<String> split(String sql) {
    List<String> statements = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (c == ';') {
        add(statements, sql.substring(start, i));
        start = i + 1;
        i++;
      } else {
        i = skip(sql, i);
      }
    }
    add(statements, sql.substring(start));
    return statements;
  }

  private static void add(List<String> statements, String statement) {
    if (!isBlank(statement)) {
      statements.add(statement.strip());
    }
  }

  /** Whether {@code sql} holds only white space and comments. */
  static boolean isBlank(String sql) {
    int i = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (startsComment(sql, i)) {
        i = skip(sql, i);
      } else {
        return false;
      }
    }
    return true;
  }

  /** {@code sql} without its leading white space and comments. */
  static String stripLeadingComments(String sql) {
    int i = 0;
    while (i < sql.length()) {
      if (Character.isWhitespace(sql.charAt(i))) {
        i++;
      } else if (startsComment(sql, i)) {
        i = skip(sql, i);
      } else {
        break;
      }
    }
    return sql.substring(i);
  }

  /**
   * {@code sql} with every {@code $n} outside literals and comments replaced by {@code values.get(n
   * - 1)}.
   *
   * @throws IllegalArgumentException naming a parameter number without a value
   */
  static String bind(String sql, List<String> values) {
    StringBuilder bound = new StringBuilder(sql.length() + 16 * values.size());
    int i = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (c == '$'
          && i + 1 < sql.length()
          && isDigit(sql.charAt(i + 1))
          && !identifierBefore(sql, i)) {
        int end = i + 1;
        while (end < sql.length() && isDigit(sql.charAt(end))) {
          end++;
        }
        int number = parseNumber(sql.substring(i + 1, end));
        if (number < 1 || number > values.size()) {
          throw new IllegalArgumentException(
              "There is no parameter $"
                  + sql.substring(i + 1, end)
                  + " ("
                  + values.size()
                  + " bound)");
        }
        bound.append(values.get(number - 1));
        i = end;
      } else {
        int next = skip(sql, i);
        bound.append(sql, i, next);
        i = next;
      }
    }
    return bound.toString();
  }

  /** The highest {@code $n} in {@code sql} outside literals and comments, or 0. */
  static int parameterCount(String sql) {
    int highest = 0;
    int i = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (c == '$'
          && i + 1 < sql.length()
          && isDigit(sql.charAt(i + 1))
          && !identifierBefore(sql, i)) {
        int end = i + 1;
        while (end < sql.length() && isDigit(sql.charAt(end))) {
          end++;
        }
        highest = Math.max(highest, parseNumber(sql.substring(i + 1, end)));
        i = end;
      } else {
        i = skip(sql, i);
      }
    }
    return highest;
  }

  private static int parseNumber(String digits) {
    return digits.length() > 6 ? Integer.MAX_VALUE : Integer.parseInt(digits);
  }

  private static boolean identifierBefore(String sql, int i) {
    return i > 0 && (Character.isLetterOrDigit(sql.charAt(i - 1)) || sql.charAt(i - 1) == '_');
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean startsComment(String sql, int i) {
    return sql.startsWith("--", i) || sql.startsWith("/*", i);
  }

  /** The index after the token starting at {@code i}: a literal, comment, or one character. */
  private static int skip(String sql, int i) {
    char c = sql.charAt(i);
    if (c == '\'') {
      boolean escapes =
          i > 0
              && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
              && !identifierBefore(sql, i - 1);
      return endOfQuoted(sql, i, '\'', escapes);
    }
    if (c == '"') {
      return endOfQuoted(sql, i, '"', false);
    }
    if (sql.startsWith("--", i)) {
      int newline = sql.indexOf('\n', i);
      return newline < 0 ? sql.length() : newline + 1;
    }
    if (sql.startsWith("/*", i)) {
      int depth = 0;
      int j = i;
      while (j < sql.length()) {
        if (sql.startsWith("/*", j)) {
          depth++;
          j += 2;
        } else if (sql.startsWith("*/", j)) {
          depth--;
          j += 2;
          if (depth == 0) {
            return j;
          }
        } else {
          j++;
        }
      }
      return sql.length();
    }
    if (c == '$' && !identifierBefore(sql, i)) {
      int tagEnd = i + 1;
      while (tagEnd < sql.length()
          && (Character.isLetter(sql.charAt(tagEnd))
              || sql.charAt(tagEnd) == '_'
              || (tagEnd > i + 1 && isDigit(sql.charAt(tagEnd))))) {
        tagEnd++;
      }
      if (tagEnd < sql.length() && sql.charAt(tagEnd) == '$') {
        String tag = sql.substring(i, tagEnd + 1);
        int close = sql.indexOf(tag, tagEnd + 1);
        return close < 0 ? sql.length() : close + tag.length();
      }
    }
    return i + 1;
  }

  private static int endOfQuoted(String sql, int start, char quote, boolean backslashEscapes) {
    int j = start + 1;
    while (j < sql.length()) {
      char c = sql.charAt(j);
      if (backslashEscapes && c == '\\') {
        j += 2;
      } else if (c == quote) {
        if (j + 1 < sql.length() && sql.charAt(j + 1) == quote) {
          j += 2;
        } else {
          return j + 1;
        }
      } else {
        j++;
      }
    }
    return sql.length();
  }
}
