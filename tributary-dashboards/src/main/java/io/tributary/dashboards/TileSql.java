package io.tributary.dashboards;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A tile's SQL with its filter placeholders ({@code $start}, {@code $show}...) turned into the
 * positional parameters of a prepared statement ({@code $1}, {@code $2}...): the filter values are
 * bound as data when the query runs, never pasted into the text. Placeholders inside string
 * literals, quoted identifiers, dollar-quoted strings and comments are left alone; a placeholder
 * used twice is one parameter.
 *
 * @param sql the text with positional parameters
 * @param names the placeholder behind each parameter: {@code names.get(0)} is {@code $1}
 */
public record TileSql(String sql, List<String> names) {
  public TileSql {
    Objects.requireNonNull(sql, "sql is null");
    names = List.copyOf(names);
  }

  /**
   * Rewrites {@code text}.
   *
   * @throws IllegalArgumentException for a positional parameter ({@code $1}) written in the text,
   *     or an unterminated literal, identifier or comment
   */
  public static TileSql of(String text) {
    StringBuilder out = new StringBuilder(text.length());
    List<String> names = new ArrayList<>();
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (c == '\'' || c == '"') {
        int end = closing(text, i + 1, c);
        out.append(text, i, end);
        i = end;
      } else if (c == '-' && i + 1 < n && text.charAt(i + 1) == '-') {
        int end = text.indexOf('\n', i);
        end = end < 0 ? n : end;
        out.append(text, i, end);
        i = end;
      } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
        int end = text.indexOf("*/", i + 2);
        if (end < 0) {
          throw new IllegalArgumentException("unterminated comment at offset " + i);
        }
        out.append(text, i, end + 2);
        i = end + 2;
      } else if (c == '$') {
        int nameEnd = i + 1;
        while (nameEnd < n && isNamePart(text.charAt(nameEnd))) {
          nameEnd++;
        }
        String name = text.substring(i + 1, nameEnd);
        if (nameEnd < n && text.charAt(nameEnd) == '$' && (name.isEmpty() || isNameStart(name))) {
          // a dollar-quoted string: $$...$$ or $tag$...$tag$
          String tag = text.substring(i, nameEnd + 1);
          int end = text.indexOf(tag, nameEnd + 1);
          if (end < 0) {
            throw new IllegalArgumentException("unterminated dollar-quoted string " + tag);
          }
          out.append(text, i, end + tag.length());
          i = end + tag.length();
        } else if (name.isEmpty()) {
          out.append(c);
          i++;
        } else if (!isNameStart(name)) {
          throw new IllegalArgumentException(
              "positional parameter $"
                  + name
                  + " is not allowed; name a filter ($start, $end, $<filter>)");
        } else {
          int index = names.indexOf(name);
          if (index < 0) {
            names.add(name);
            index = names.size() - 1;
          }
          out.append('$').append(index + 1);
          i = nameEnd;
        }
      } else {
        out.append(c);
        i++;
      }
    }
    return new TileSql(out.toString(), names);
  }

  private static int closing(String text, int from, char quote) {
    int i = from;
    while (i < text.length()) {
      if (text.charAt(i) == quote) {
        if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
          i += 2; // a doubled quote inside
          continue;
        }
        return i + 1;
      }
      i++;
    }
    throw new IllegalArgumentException(
        "unterminated " + (quote == '\'' ? "string literal" : "quoted identifier"));
  }

  private static boolean isNameStart(String name) {
    char first = name.charAt(0);
    return first == '_' || (first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z');
  }

  private static boolean isNamePart(char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
}
