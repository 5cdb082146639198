package io.tributary.pgwire;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code COPY (query) TO STDOUT} in PostgreSQL's text or CSV format: the statement's parts, and
 * each row as one line.
 */
record CopyOut(String query, boolean csv, boolean header, char delimiter, String nullText) {
  private static final Pattern COPY =
      Pattern.compile(
          "COPY\\s*\\((.*)\\)\\s*TO\\s+STDOUT\\b(.*)", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  private static final Pattern DELIMITER =
      Pattern.compile("DELIMITER\\s+(?:AS\\s+)?'(.)'", Pattern.CASE_INSENSITIVE);

  /**
   * The COPY statement {@code sql}, or {@code null} when it is not one.
   *
   * @throws PgException for a COPY other than {@code COPY (query) TO STDOUT}
   */
  static CopyOut parse(String sql) {
    String statement = SqlText.stripLeadingComments(sql).strip();
    if (!statement.regionMatches(true, 0, "COPY", 0, 4)
        || (statement.length() > 4 && Character.isLetterOrDigit(statement.charAt(4)))) {
      return null;
    }
    Matcher copy = COPY.matcher(statement);
    if (!copy.matches()) {
      String upper = statement.toUpperCase(Locale.ROOT);
      if (upper.contains("FROM")) {
        throw new PgException(
            SqlStates.READ_ONLY, "COPY FROM is not allowed: the endpoint is read-only");
      }
      throw new PgException(
          SqlStates.FEATURE_NOT_SUPPORTED, "only COPY (SELECT ...) TO STDOUT is supported");
    }
    String options = copy.group(2).toUpperCase(Locale.ROOT);
    if (options.contains("BINARY")) {
      throw new PgException(
          SqlStates.FEATURE_NOT_SUPPORTED, "COPY in binary format is not supported");
    }
    boolean csv = options.matches("(?s).*\\bCSV\\b.*");
    boolean header = csv && options.matches("(?s).*\\bHEADER\\b(?!\\s+(FALSE|OFF|0)\\b).*");
    Matcher delimiter = DELIMITER.matcher(copy.group(2));
    char separator = delimiter.find() ? delimiter.group(1).charAt(0) : csv ? ',' : '\t';
    return new CopyOut(copy.group(1), csv, header, separator, csv ? "" : "\\N");
  }

  /** One line, newline included, of {@code values} already in text format. */
  String line(List<String> values) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        line.append(delimiter);
      }
      String value = values.get(i);
      if (value == null) {
        line.append(nullText);
      } else if (csv) {
        line.append(csvField(value));
      } else {
        line.append(textField(value));
      }
    }
    return line.append('\n').toString();
  }

  private String csvField(String value) {
    boolean quote =
        value.isEmpty()
            || value.indexOf(delimiter) >= 0
            || value.indexOf('"') >= 0
            || value.indexOf('\n') >= 0
            || value.indexOf('\r') >= 0;
    return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
  }

  private String textField(String value) {
    StringBuilder field = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> field.append("\\\\");
        case '\n' -> field.append("\\n");
        case '\r' -> field.append("\\r");
        case '\t' -> field.append("\\t");
        default -> {
          if (c == delimiter) {
            field.append('\\');
          }
          field.append(c);
        }
      }
    }
    return field.toString();
  }
}
