package io.tributary.console.sql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** A result value as text, for the grid and the CSV download. */
public final class Cells {
  // list and map values hold only JSON-friendly values (QueryResult's)
  private static final ObjectMapper JSON = new ObjectMapper();

  private Cells() {}

  /** {@code value} as text: {@code null} stays null, lists and maps as JSON, bytes as hex. */
  public static String text(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof byte[] bytes) {
      return "\\x" + HexFormat.of().formatHex(bytes);
    }
    if (value instanceof List<?> || value instanceof Map<?, ?>) {
      try {
        return JSON.writeValueAsString(value);
      } catch (JsonProcessingException e) {
        return String.valueOf(value);
      }
    }
    return String.valueOf(value);
  }

  /** {@code value} as one CSV field (RFC 4180): quoted when it holds a comma, quote or newline. */
  public static String csv(Object value) {
    String text = text(value);
    if (text == null) {
      return "";
    }
    boolean quote =
        text.isEmpty()
            || text.indexOf(',') >= 0
            || text.indexOf('"') >= 0
            || text.indexOf('\n') >= 0
            || text.indexOf('\r') >= 0;
    return quote ? '"' + text.replace("\"", "\"\"") + '"' : text;
  }
}
