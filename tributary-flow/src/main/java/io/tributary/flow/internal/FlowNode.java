package io.tributary.flow.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.tributary.core.config.ConfigException;
import io.tributary.core.config.ConfigNode;
import io.tributary.core.config.YamlLines;
import io.tributary.flow.FlowDefinitionException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A position in a flow document with its key path; every error names the source, the line and the
 * key ({@code flows/daily.yaml, line 12, tasks[1].depends-on: ...}). Scalars, lists of scalars and
 * allowed keys are read by the configuration's {@link ConfigNode}, its errors located in the flow.
 */
public final class FlowNode {
  private final JsonNode node;
  private final String path;
  private final String source;
  private final YamlLines lines;
  private final ConfigNode config;

  public FlowNode(JsonNode node, String path, String source, YamlLines lines) {
    this.node = node == null || node.isNull() ? MissingNode.getInstance() : node;
    this.config = new ConfigNode(this.node, path);
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
    return errorAt(name.isEmpty() ? path : key(name), message);
  }

  private FlowDefinitionException errorAt(String at, String message) {
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
    read(() -> config.allowOnly(allowed));
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
    return read(() -> config.string(name, defaultValue));
  }

  public String requiredString(String name) {
    return read(() -> config.requiredString(name));
  }

  public int integer(String name, int defaultValue, int min, int max) {
    return read(() -> config.integer(name, defaultValue, min, max));
  }

  public boolean bool(String name, boolean defaultValue) {
    return read(() -> config.bool(name, defaultValue));
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
    return read(() -> config.strings(name));
  }

  /** Reads through the {@link ConfigNode}, its errors located in the flow's source. */
  private <T> T read(Supplier<T> reader) {
    try {
      return reader.get();
    } catch (ConfigException e) {
      throw errorAt(e.key().orElse(path), e.detail());
    }
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
