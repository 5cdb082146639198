package io.tributary.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A position in a parsed YAML or JSON configuration document, with its full key path, so that every
 * error names the key ({@code streams[0].buffer.interval}) and the bad value.
 */
public final class ConfigNode {
  private final JsonNode node;
  private final String path;

  public ConfigNode(JsonNode node, String path) {
    this.node = node == null || node.isNull() ? MissingNode.getInstance() : node;
    this.path = path;
  }

  public String path() {
    return path;
  }

  /** Whether the key is present (even with an empty value). */
  public boolean has(String name) {
    return !node.path(name).isMissingNode();
  }

  /** Whether the key is present and holds a mapping (rather than a single value). */
  public boolean isMapping(String name) {
    return node.path(name).isObject();
  }

  public boolean isMissing() {
    return node.isMissingNode();
  }

  /** The keys of this mapping, in document order (none if missing). */
  public Iterator<String> fieldNames() {
    return node.isObject() ? node.fieldNames() : java.util.Collections.emptyIterator();
  }

  private String key(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  /** The child object at {@code name}, missing if absent. */
  public ConfigNode child(String name) {
    JsonNode value = node.path(name);
    if (!value.isMissingNode() && !value.isNull() && !value.isObject()) {
      throw ConfigException.invalid(key(name), value.asText(), "must be a mapping");
    }
    return new ConfigNode(value, key(name));
  }

  /** Fails naming the first key that is not one of {@code allowed}. */
  public ConfigNode allowOnly(String... allowed) {
    if (!node.isObject()) {
      if (!node.isMissingNode()) {
        throw ConfigException.invalid(path, node.toString(), "must be a mapping");
      }
      return this;
    }
    Set<String> known = Set.of(allowed);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) {
        throw ConfigException.unknownKey(key(name), new TreeSet<>(known));
      }
    }
    return this;
  }

  public String string(String name, String defaultValue) {
    JsonNode value = node.path(name);
    if (value.isMissingNode() || value.isNull()) {
      return defaultValue;
    }
    if (!value.isValueNode()) {
      throw ConfigException.invalid(key(name), value.toString(), "must be a single value");
    }
    return value.asText();
  }

  /**
   * The mapping at {@code name} as text values by key, in document order (empty if absent); every
   * value must be a single value (string, number or boolean).
   */
  public Map<String, String> scalars(String name) {
    ConfigNode mapping = child(name);
    Map<String, String> values = new LinkedHashMap<>();
    for (Iterator<String> keys = mapping.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      String value = mapping.string(key, null);
      if (value == null) {
        throw ConfigException.invalid(mapping.key(key), "null", "must have a value");
      }
      values.put(key, value);
    }
    return values;
  }

  public String requiredString(String name) {
    String value = string(name, null);
    if (value == null || value.isBlank()) {
      throw ConfigException.missing(key(name));
    }
    return value;
  }

  public int integer(String name, int defaultValue, int min, int max) {
    JsonNode value = node.path(name);
    if (value.isMissingNode() || value.isNull()) {
      return defaultValue;
    }
    if (!value.canConvertToInt() || !(value.isIntegralNumber() || isIntegerText(value))) {
      throw ConfigException.invalid(key(name), value.asText(), "must be an integer");
    }
    int result = value.isIntegralNumber() ? value.intValue() : Integer.parseInt(value.asText());
    if (result < min || result > max) {
      throw ConfigException.invalid(key(name), result, "must be " + min + ".." + max);
    }
    return result;
  }

  public boolean bool(String name, boolean defaultValue) {
    JsonNode value = node.path(name);
    if (value.isMissingNode() || value.isNull()) {
      return defaultValue;
    }
    if (!value.isBoolean()) {
      throw ConfigException.invalid(key(name), value.asText(), "must be true or false");
    }
    return value.booleanValue();
  }

  private static boolean isIntegerText(JsonNode value) {
    return value.isTextual() && value.asText().matches("-?\\d{1,9}");
  }

  public Duration duration(String name, Duration defaultValue, Duration min, Duration max) {
    return parsed(
        name,
        defaultValue,
        Units::parseDuration,
        d -> d.compareTo(min) >= 0 && d.compareTo(max) <= 0,
        "must be " + Units.formatDuration(min) + ".." + Units.formatDuration(max));
  }

  public long size(String name, long defaultValue, long min, long max) {
    return parsed(
        name,
        defaultValue,
        Units::parseSize,
        s -> s >= min && s <= max,
        "must be " + Units.formatSize(min) + ".." + Units.formatSize(max));
  }

  public <E extends Enum<E>> E enumeration(String name, E defaultValue) {
    String text = string(name, null);
    if (text == null) {
      return defaultValue;
    }
    Class<E> type = defaultValue.getDeclaringClass();
    for (E constant : type.getEnumConstants()) {
      if (constant.name().replace('_', '-').equalsIgnoreCase(text)) {
        return constant;
      }
    }
    List<String> names = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      names.add(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    throw ConfigException.invalid(key(name), text, "must be one of " + names);
  }

  /** A list of scalar strings; a single scalar is taken as a one-element list. */
  public List<String> strings(String name) {
    JsonNode value = node.path(name);
    List<String> result = new ArrayList<>();
    if (value.isMissingNode() || value.isNull()) {
      return result;
    }
    if (value.isValueNode()) {
      result.add(value.asText());
      return result;
    }
    if (!value.isArray()) {
      throw ConfigException.invalid(key(name), value.toString(), "must be a list");
    }
    for (int i = 0; i < value.size(); i++) {
      if (!value.get(i).isValueNode()) {
        throw ConfigException.invalid(
            key(name) + "[" + i + "]", value.get(i).toString(), "must be a single value");
      }
      result.add(value.get(i).asText());
    }
    return result;
  }

  /** The elements of a list of mappings, each with its indexed path. */
  public List<ConfigNode> list(String name) {
    JsonNode value = node.path(name);
    List<ConfigNode> result = new ArrayList<>();
    if (value.isMissingNode() || value.isNull()) {
      return result;
    }
    if (!value.isArray()) {
      throw ConfigException.invalid(key(name), value.toString(), "must be a list");
    }
    for (int i = 0; i < value.size(); i++) {
      result.add(new ConfigNode(value.get(i), key(name) + "[" + i + "]"));
    }
    return result;
  }

  private <T> T parsed(
      String name,
      T defaultValue,
      Function<String, T> parser,
      java.util.function.Predicate<T> inRange,
      String rule) {
    String text = string(name, null);
    if (text == null) {
      return defaultValue;
    }
    T value;
    try {
      value = parser.apply(text);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw ConfigException.invalid(key(name), text, e.getMessage());
    }
    if (!inRange.test(value)) {
      throw ConfigException.invalid(key(name), text, rule);
    }
    return value;
  }
}
