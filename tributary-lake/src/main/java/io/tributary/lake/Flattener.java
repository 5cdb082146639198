package io.tributary.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.core.config.StreamSpec;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Turns one JSON object into a row of named scalar values.
 *
 * <p>Values are {@code String}, {@code Long}, {@code Double}, {@code Boolean} or {@code null}:
 *
 * <ul>
 *   <li>JSON integers become {@code Long}; integers beyond the {@code long} range become {@code
 *       Double} (rounded); other numbers become {@code Double}.
 *   <li>{@code null} is kept as a column with a {@code null} value.
 *   <li>Arrays are kept as their compact JSON text. With {@link StreamSpec.Transform#FLATTEN},
 *       nested objects become {@code parent_child} columns, recursively, and an empty nested object
 *       yields no column; with {@link StreamSpec.Transform#NONE} they are kept as JSON text.
 * </ul>
 *
 * <p>Column names are normalised: lower-case; every code point outside {@code [a-z0-9_]} becomes
 * {@code _}; a name starting with a digit gets a leading {@code _}; an empty name becomes {@code
 * _}. When two keys normalise to the same column ({@code userId} and {@code userid}, or {@code a_b}
 * and a flattened {@code a.b}), the first keeps the name and the later ones get {@code _2}, {@code
 * _3}... (the first free suffix), in document order. So every leaf value of the input is kept.
 */
public final class Flattener {
  private final StreamSpec.Transform mode;

  public Flattener(StreamSpec.Transform mode) {
    this.mode = Objects.requireNonNull(mode, "mode is null");
  }

  /** Flattens {@code json} into a new row, columns in document order. */
  public LinkedHashMap<String, Object> flatten(ObjectNode json) {
    Objects.requireNonNull(json, "json is null");
    LinkedHashMap<String, Object> row = new LinkedHashMap<>();
    addFields(json, "", row);
    return row;
  }

  private void addFields(JsonNode object, String prefix, Map<String, Object> row) {
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      String path =
          prefix.isEmpty() ? mapChars(field.getKey()) : prefix + "_" + mapChars(field.getKey());
      JsonNode value = field.getValue();
      if (value.isObject() && mode == StreamSpec.Transform.FLATTEN) {
        addFields(value, path, row);
      } else {
        put(row, columnName(path), scalar(value));
      }
    }
  }

  private static void put(Map<String, Object> row, String name, Object value) {
    String column = name;
    for (int suffix = 2; row.containsKey(column); suffix++) {
      column = name + "_" + suffix;
    }
    row.put(column, value);
  }

  private static Object scalar(JsonNode value) {
    if (value.isNull()) {
      return null;
    }
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    if (value.isIntegralNumber()) {
      return value.canConvertToLong() ? (Object) value.longValue() : (Object) value.doubleValue();
    }
    if (value.isNumber()) {
      return value.doubleValue();
    }
    if (value.isTextual()) {
      return value.textValue();
    }
    return value.toString();
  }

  /** Lower-cases and replaces every code point outside {@code [a-z0-9_]} with {@code _}. */
  private static String mapChars(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    StringBuilder out = new StringBuilder(lower.length());
    lower
        .codePoints()
        .forEach(
            c ->
                out.append(
                    (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ? (char) c : '_'));
    return out.toString();
  }

  private static String columnName(String path) {
    if (path.isEmpty()) {
      return "_";
    }
    char first = path.charAt(0);
    return first >= '0' && first <= '9' ? "_" + path : path;
  }
}
