package io.tributary.query;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where in a statement a DuckDB error points, read from the message: DuckDB appends the line it
 * failed on, at most about 80 characters of it around the error, and a caret under the spot:
 *
 * <pre>
 * Parser Error: syntax error at or near "FORM"
 *
 * LINE 2: SELECT * FORM t
 *                  ^
 * </pre>
 *
 * <p>The shown text starts with {@code ...} when the line was cut before, and ends with it when it
 * was cut after. The caret's column, less the {@code LINE n: } prefix and the leading dots, is the
 * error's place within the shown text; the shown text is found in line {@code n} of the statement
 * to turn that into a column of the whole line.
 *
 * @param line the 1-based line of the statement
 * @param column the 0-based column within that line, in UTF-16 chars (a JavaScript string's)
 * @param offset the 0-based index into the whole statement, in UTF-16 chars
 */
public record ErrorPosition(int line, int column, int offset) {
  private static final Pattern LINE = Pattern.compile("(?m)^(LINE ([0-9]{1,9}): )(.*)$");
  private static final String CUT = "...";

  public ErrorPosition {
    if (line < 1 || column < 0 || offset < 0) {
      throw new IllegalArgumentException(
          "Invalid error position: line " + line + ", column " + column + ", offset " + offset);
    }
  }

  /**
   * The position {@code message} (a DuckDB error message, its whole text) points at in {@code sql},
   * the statement DuckDB ran; empty when the message names none, or names a line {@code sql} does
   * not have.
   */
  public static Optional<ErrorPosition> locate(String sql, String message) {
    Objects.requireNonNull(sql, "sql is null");
    if (message == null) {
      return Optional.empty();
    }
    Matcher matcher = LINE.matcher(message);
    if (!matcher.find()) {
      return Optional.empty();
    }
    int lineNumber;
    try {
      lineNumber = Integer.parseInt(matcher.group(2));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    String prefix = matcher.group(1);
    String shown = stripCarriageReturn(matcher.group(3));
    int caret = caretColumn(message, matcher.end());
    String[] lines = sql.split("\r\n|\r|\n", -1);
    if (lineNumber < 1 || lineNumber > lines.length) {
      return Optional.empty();
    }
    String text = lines[lineNumber - 1];
    boolean cutBefore = shown.startsWith(CUT);
    String snippet = cutBefore ? shown.substring(CUT.length()) : shown;
    if (snippet.endsWith(CUT) && !text.endsWith(snippet)) {
      snippet = snippet.substring(0, snippet.length() - CUT.length());
    }
    int inSnippet = caret < 0 ? 0 : caret - prefix.length() - (cutBefore ? CUT.length() : 0);
    int column;
    int start = cutBefore ? text.indexOf(snippet) : 0;
    if (start >= 0) {
      column = start + charsForWidth(text, start, Math.max(0, inSnippet));
    } else {
      // the shown text is not the line's (DuckDB cut it from elsewhere): find what the caret is on
      int from = Math.max(0, Math.min(charsForWidth(snippet, 0, inSnippet), snippet.length()));
      String spot = snippet.substring(from, Math.min(snippet.length(), from + 16));
      int found = spot.isEmpty() ? -1 : text.indexOf(spot);
      column = found >= 0 ? found : Math.max(0, inSnippet);
    }
    column = Math.min(column, text.length());
    int offset = 0;
    int lineIndex = 0;
    for (int i = 0; i < sql.length() && lineIndex < lineNumber - 1; i++) {
      char c = sql.charAt(i);
      if (c == '\n' || (c == '\r' && (i + 1 >= sql.length() || sql.charAt(i + 1) != '\n'))) {
        lineIndex++;
        offset = i + 1;
      }
    }
    return Optional.of(new ErrorPosition(lineNumber, column, offset + column));
  }

  /**
   * The error position of {@code error} or a cause of it (the first whose message names one), in
   * {@code sql}: the engine's exceptions carry DuckDB's one-line message and keep the whole one in
   * their cause.
   */
  public static Optional<ErrorPosition> locate(String sql, Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      Optional<ErrorPosition> position = locate(sql, cause.getMessage());
      if (position.isPresent()) {
        return position;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return Optional.empty();
  }

  /**
   * {@code message} with the line of {@code sql} that holds char {@code offset} and a caret under
   * it, as DuckDB writes its errors (whole line, not cut): what {@link #locate(String, String)}
   * reads back. For errors whose position DuckDB gives apart from the message (its parser's).
   */
  public static String describe(String sql, int offset, String message) {
    Objects.requireNonNull(sql, "sql is null");
    if (offset < 0 || offset > sql.length()) {
      throw new IllegalArgumentException(
          "Invalid offset: " + offset + " (the statement has " + sql.length() + " chars)");
    }
    int line = 1;
    int start = 0;
    for (int i = 0; i < offset; i++) {
      char c = sql.charAt(i);
      if (c == '\n' || (c == '\r' && (i + 1 >= sql.length() || sql.charAt(i + 1) != '\n'))) {
        line++;
        start = i + 1;
      }
    }
    int end = start;
    while (end < sql.length() && sql.charAt(end) != '\n' && sql.charAt(end) != '\r') {
      end++;
    }
    String prefix = "LINE " + line + ": ";
    int width = sql.codePointCount(start, offset);
    return message
        + "\n\n"
        + prefix
        + sql.substring(start, end)
        + "\n"
        + " ".repeat(prefix.length() + width)
        + "^";
  }

  private static String stripCarriageReturn(String text) {
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }

  /** The column of the {@code ^} on the line after {@code lineEnd}, or -1 without one. */
  private static int caretColumn(String message, int lineEnd) {
    int next = message.indexOf('\n', lineEnd);
    if (next < 0) {
      return -1;
    }
    int end = message.indexOf('\n', next + 1);
    String caretLine = message.substring(next + 1, end < 0 ? message.length() : end);
    int caret = caretLine.indexOf('^');
    return caret >= 0 && caretLine.substring(0, caret).isBlank() ? caret : -1;
  }

  /**
   * How many chars of {@code text} from {@code start} render {@code width} columns: DuckDB counts
   * rendered width, one per code point here (two for the wide East Asian ones is not modelled).
   */
  private static int charsForWidth(String text, int start, int width) {
    int index = start;
    for (int counted = 0; counted < width && index < text.length(); counted++) {
      index += Character.charCount(text.codePointAt(index));
    }
    return index - start;
  }
}
