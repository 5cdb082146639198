package io.tributary.reports.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.tributary.core.config.YamlLines;
import io.tributary.reports.ReportDefinitionException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A position in a report document with its key path; every error names the source, the line and the
 * key ({@code reports/definitions/flash.yaml, line 12, sections[1].chart: ...}).
 */
public final class ReportNode {
  private final JsonNode node;
  private final String path;
  private final String source;
  private final YamlLines lines;

  public ReportNode(JsonNode node, String path, String source, YamlLines lines) {
    this.node = node == null || node.isNull() ? MissingNode.getInstance() : node;
    this.path = path;
    this.source = source;
    this.lines = lines;
  }

  public boolean has(String name) {
    return !node.path(name).isMissingNode() && !node.path(name).isNull();
  }

  public boolean isMissing() {
    return node.isMissingNode();
  }

  private String key(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  /** An error at {@code name} (under this node; this node itself if empty). */
  public ReportDefinitionException error(String name, String message) {
    String at = name.isEmpty() ? path : key(name);
    int line = lines.lineOf(at);
    return new ReportDefinitionException(
        "Invalid report "
            + source
            + (line > 0 ? ", line " + line : "")
            + (at.isEmpty() ? "" : ", " + at)
            + ": "
            + message);
  }

  /** Fails naming the first key not in {@code allowed}. */
  public ReportNode allowOnly(String... allowed) {
    if (node.isMissingNode()) {
      return this;
    }
    if (!node.isObject()) {
      throw error("", "must be a mapping");
    }
    Set<String> known = new TreeSet<>(List.of(allowed));
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw error(name, "unknown key (known keys: " + known + ")");
      }
    }
    return this;
  }

  public ReportNode child(String name) {
    JsonNode value = node.path(name);
    if (!value.isMissingNode() && !value.isNull() && !value.isObject()) {
      throw error(name, "must be a mapping");
    }
    return new ReportNode(value, key(name), source, lines);
  }

  public boolean isScalar(String name) {
    return node.path(name).isValueNode();
  }

  public String string(String name, String defaultValue) {
    JsonNode value = node.path(name);
    if (value.isMissingNode() || value.isNull()) {
      return defaultValue;
    }
    if (!value.isValueNode()) {
      throw error(name, "must be a single value");
    }
    return value.asText();
  }

  public String requiredString(String name) {
    String value = string(name, null);
    if (value == null || value.isBlank()) {
      throw error(name, "is required");
    }
    return value;
  }

  public int integer(String name, int defaultValue, int min, int max) {
    JsonNode value = node.path(name);
    if (value.isMissingNode() || value.isNull()) {
      return defaultValue;
    }
    if (!value.canConvertToInt() || !value.isIntegralNumber()) {
      throw error(name, "'" + value.asText() + "' must be an integer");
    }
    int result = value.intValue();
    if (result < min || result > max) {
      throw error(name, "'" + result + "' must be " + min + ".." + max);
    }
    return result;
  }

  public boolean bool(String name, boolean defaultValue) {
    JsonNode value = node.path(name);
    if (value.isMissingNode() || value.isNull()) {
      return defaultValue;
    }
    if (!value.isBoolean()) {
      throw error(name, "'" + value.asText() + "' must be true or false");
    }
    return value.booleanValue();
  }

  /** A list of scalars; a single scalar counts as a list of one. */
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
      throw error(name, "must be a list");
    }
    for (int i = 0; i < value.size(); i++) {
      if (!value.get(i).isValueNode() || value.get(i).isNull()) {
        throw error(name + "[" + i + "]", "must be a single value");
      }
      result.add(value.get(i).asText());
    }
    return result;
  }

  /** A list of mappings. */
  public List<ReportNode> list(String name) {
    JsonNode value = node.path(name);
    List<ReportNode> result = new ArrayList<>();
    if (value.isMissingNode() || value.isNull()) {
      return result;
    }
    if (!value.isArray()) {
      throw error(name, "must be a list");
    }
    for (int i = 0; i < value.size(); i++) {
      result.add(new ReportNode(value.get(i), key(name) + "[" + i + "]", source, lines));
    }
    return result;
  }

  /** A mapping of scalars, in document order. */
  public Map<String, String> stringMap(String name) {
    JsonNode value = node.path(name);
    Map<String, String> result = new LinkedHashMap<>();
    if (value.isMissingNode() || value.isNull()) {
      return result;
    }
    if (!value.isObject()) {
      throw error(name, "must be a mapping");
    }
    for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (!field.getValue().isValueNode() || field.getValue().isNull()) {
        throw error(name + "." + field.getKey(), "must be a single value");
      }
      result.put(field.getKey(), field.getValue().asText());
    }
    return result;
  }

  /** The names of this mapping's keys. */
  public List<String> keys() {
    List<String> keys = new ArrayList<>();
    node.fieldNames().forEachRemaining(keys::add);
    return keys;
  }
}
