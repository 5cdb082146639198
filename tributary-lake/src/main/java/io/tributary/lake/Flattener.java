package io.tributary.lake;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.core.config.StreamSpec;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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
 *
 * <p>Not thread-safe: it caches normalised names; use one per thread.
 */
public final class Flattener {
  /** Cached names beyond which the cache starts afresh (checked between rows). */
  private static final int MAX_CACHED_NAMES = 10_000;

  private final StreamSpec.Transform mode;
  private final ObjectMapper json = new ObjectMapper();
  private Name root = new Name("");
  private int cachedNames;
  private int generation;
  private int lastRowSize = 16;

  public Flattener(StreamSpec.Transform mode) {
    this.mode = Objects.requireNonNull(mode, "mode is null");
  }

  /** Flattens {@code json} into a new row, columns in document order. */
  public LinkedHashMap<String, Object> flatten(ObjectNode json) {
    Objects.requireNonNull(json, "json is null");
    startRow();
    LinkedHashMap<String, Object> row = newRow();
    addFields(json, root, row);
    lastRowSize = row.size();
    return row;
  }

  /**
   * Parses and flattens one JSON document: the same row as {@link #flatten(ObjectNode)} of what
   * {@link ObjectMapper#readTree(byte[])} reads from it (of duplicate keys the last wins).
   *
   * @return the row, or empty if the document is not a JSON object
   * @throws IOException if the document is not well-formed JSON, as {@code readTree} reports it
   */
  public Optional<LinkedHashMap<String, Object>> flatten(byte[] document) throws IOException {
    Objects.requireNonNull(document, "document is null");
    startRow();
    generation++;
    try (JsonParser parser = json.createParser(document)) {
      if (parser.nextToken() == JsonToken.START_OBJECT) {
        LinkedHashMap<String, Object> row = newRow();
        if (addFields(parser, root, row)) {
          lastRowSize = row.size();
          return Optional.of(row);
        }
      }
    } catch (IOException ignored) {
      // the tree parser below reports it, in its own words
    }
    // not an object, malformed, or duplicate keys: read the tree, as the caller would have
    JsonNode node = json.readTree(document);
    return node != null && node.isObject()
        ? Optional.of(flatten((ObjectNode) node))
        : Optional.empty();
  }

  private void startRow() {
    if (cachedNames > MAX_CACHED_NAMES) {
      root = new Name("");
      cachedNames = 0;
    }
  }

  private LinkedHashMap<String, Object> newRow() {
    // room for the columns of the previous row and one more (such as _ingested_at) unresized
    return new LinkedHashMap<>((int) ((lastRowSize + 1) / 0.75f) + 1);
  }

  private void addFields(JsonNode object, Name parent, Map<String, Object> row) {
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      Name name = child(parent, field.getKey());
      JsonNode value = field.getValue();
      if (value.isObject() && mode == StreamSpec.Transform.FLATTEN) {
        addFields(value, name, row);
      } else {
        put(row, name.column, scalar(value));
      }
    }
  }

  /**
   * Adds the fields of the object whose {@code START_OBJECT} the parser is at; {@code false} if a
   * key repeats (where the tree keeps the last value at the first position).
   */
  private boolean addFields(JsonParser parser, Name parent, Map<String, Object> row)
      throws IOException {
    for (String key = parser.nextFieldName(); key != null; key = parser.nextFieldName()) {
      Name name = child(parent, key);
      if (name.generation == generation) {
        return false;
      }
      name.generation = generation;
      JsonToken token = parser.nextToken();
      if (token == JsonToken.START_OBJECT && mode == StreamSpec.Transform.FLATTEN) {
        if (!addFields(parser, name, row)) {
          return false;
        }
      } else {
        put(row, name.column, scalar(parser, token));
      }
    }
    return true;
  }

  private Name child(Name parent, String key) {
    if (parent.children == null) {
      parent.children = new HashMap<>();
    }
    Name name = parent.children.get(key);
    if (name == null) {
      String path = parent.path.isEmpty() ? mapChars(key) : parent.path + "_" + mapChars(key);
      name = new Name(path);
      parent.children.put(key, name);
      cachedNames++;
    }
    return name;
  }

  private static void put(Map<String, Object> row, String name, Object value) {
    int size = row.size();
    Object previous = row.put(name, value);
    if (row.size() > size) {
      return;
    }
    row.put(name, previous); // taken: the earlier value keeps the name (and its position)
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

  /** The value at the parser's current token, as {@link #scalar(JsonNode)} of its tree. */
  private Object scalar(JsonParser parser, JsonToken token) throws IOException {
    return switch (token) {
      case VALUE_NULL -> null;
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT ->
          parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
              ? (Object) parser.getBigIntegerValue().doubleValue()
              : (Object) parser.getLongValue();
      case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
      default -> scalar((JsonNode) json.readTree(parser));
    };
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

  /** A key path's normalised names, its children by raw key, and the last row it was seen in. */
  private static final class Name {
    final String path;
    final String column;
    Map<String, Name> children;
    int generation;

    Name(String path) {
      this.path = path;
      this.column = columnName(path);
    }
  }
}
