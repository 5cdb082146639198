package io.tributary.console.sql;

import io.tributary.query.ErrorPosition;
import java.util.Optional;

/**
 * A failed statement as the workbench shows it: the message, and where it points (the editor marks
 * the spot; the fragment shows the line with the spot underlined).
 *
 * @param message the error message
 * @param line the 1-based line, 0 when the message names none
 * @param column the 0-based column in that line
 * @param before the line's text before the spot
 * @param at the token at the spot
 * @param after the rest of the line
 */
public record ErrorView(
    String message, int line, int column, String before, String at, String after) {

  static ErrorView of(String sql, String message, Optional<ErrorPosition> position) {
    if (position.isEmpty()) {
      return new ErrorView(message, 0, 0, "", "", "");
    }
    ErrorPosition p = position.get();
    String[] lines = sql.split("\r\n|\r|\n", -1);
    String text = lines[p.line() - 1];
    int start = Math.min(p.column(), text.length());
    int end = tokenEnd(text, start);
    return new ErrorView(
        message,
        p.line(),
        p.column(),
        text.substring(0, start),
        text.substring(start, end),
        text.substring(end));
  }

  /** The end of the token at {@code start}: a word, a quoted text, or one character. */
  static int tokenEnd(String text, int start) {
    if (start >= text.length()) {
      return start;
    }
    char first = text.charAt(start);
    int end = start + 1;
    if (Character.isLetterOrDigit(first) || first == '_') {
      while (end < text.length()
          && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
        end++;
      }
    } else if (first == '\'' || first == '"') {
      int close = text.indexOf(first, start + 1);
      end = close < 0 ? text.length() : close + 1;
    }
    return end;
  }
}
