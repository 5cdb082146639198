package io.tributary.flow.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.tributary.flow.FlowDefinitionException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A position in a flow document with its key path; every error names the source, the line and the
 * key ({@code flows/daily.yaml, line 12, tasks[1].depends-on: ...}).
 */
public final class FlowNode {
  private final JsonNode node;
  private final String path;
  private final String source;
  private final YamlLines lines;

  public FlowNode(JsonNode node, String path, String source, YamlLines lines) {
    this.node = node == null || node.isNull() ? MissingNode.getInstance() : node;
    this.path = path;
    this.source = source;
    this.lines = lines;
  }

  public String path() {
    return path;
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

  /** An error at {@code key} (a path under this node, or this node's own if empty). */
  public FlowDefinitionException error(String name, String message) {
    String at = name.isEmpty() ? path : key(name);
    int line = lines.lineOf(at);
    return new FlowDefinitionException(
        "Invalid flow "
            + source
            + (line > 0 ? ", line " + line : "")
            + (at.isEmpty() ? "" : ", " + at)
            + ": "
            + message);
  }

  /** Fails naming the first key not in {@code allowed}. */
  public FlowNode allowOnly(String... allowed) {
    if (node.isMissingNode()) {
      return this;
    }
    if (!node.isObject()) {
      throw error("", "must be a mapping, not '" + node.asText() + "'");
    }
    Set<String> known = Set.of(allowed);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) {
        throw error(name, "unknown key (known keys: " + new TreeSet<>(known) + ")");
      }
    }
    return this;
  }

  public FlowNode child(String name) {
    return new FlowNode(node.path(name), key(name), source, lines);
  }

  /** Whether the value at {@code name} is a scalar (not a mapping or list). */
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
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw error(name, "'" + value.asText() + "' is not an integer");
    }
    int result = value.intValue();
    if (result < min || result > max) {
      throw error(name, result + " is out of range (must be " + min + ".." + max + ")");
    }
    return result;
  }

  public boolean bool(String name, boolean defaultValue) {
    JsonNode value = node.path(name);
    if (value.isMissingNode() || value.isNull()) {
      return defaultValue;
    }
    if (!value.isBoolean()) {
      throw error(name, "'" + value.asText() + "' is not true or false");
    }
    return value.booleanValue();
  }

  /** Parses the value at {@code name} with {@code parser}; its exception's message is the rule. */
  public <T> T parsed(String name, T defaultValue, Function<String, T> parser) {
    String text = string(name, null);
    if (text == null) {
      return defaultValue;
    }
    try {
      return parser.apply(text);
    } catch (RuntimeException e) {
      throw error(name, "'" + text + "': " + e.getMessage());
    }
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
      if (!value.get(i).isValueNode()) {
        throw error(name + "[" + i + "]", "must be a single value");
      }
      result.add(value.get(i).asText());
    }
    return result;
  }

  /** A list of mappings. */
  public List<FlowNode> list(String name) {
    JsonNode value = node.path(name);
    List<FlowNode> result = new ArrayList<>();
    if (value.isMissingNode() || value.isNull()) {
      return result;
    }
    if (!value.isArray()) {
      throw error(name, "must be a list");
    }
    for (int i = 0; i < value.size(); i++) {
      result.add(new FlowNode(value.get(i), key(name) + "[" + i + "]", source, lines));
    }
    return result;
  }

  /** A mapping of scalars. */
  public Map<String, String> stringMap(String name) {
    JsonNode value = node.path(name);
    Map<String, String> result = new LinkedHashMap<>();
    if (value.isMissingNode() || value.isNull()) {
      return result;
    }
    if (!value.isObject()) {
      throw error(name, "must be a mapping");
    }
    for (Map.Entry<String, JsonNode> entry : value.properties()) {
      if (!entry.getValue().isValueNode()) {
        throw error(name + "." + entry.getKey(), "must be a single value");
      }
      result.put(entry.getKey(), entry.getValue().asText());
    }
    return result;
  }
}
