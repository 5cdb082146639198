package io.tributary.stream.topic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.config.ConfigNode;
import io.tributary.core.config.TopicSpec;
import java.io.IOException;

/** The JSON form of a topic: the keys of a {@code topics[i]} entry of the YAML config. */
public final class TopicSpecs {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TopicSpecs() {}

  /** The config form of {@code spec}. */
  public static ObjectNode toJson(TopicSpec spec) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("name", spec.name());
    node.put("partitions", spec.partitions());
    if (spec.key() != null) {
      node.put("key", spec.key().text());
    }
    return node;
  }

  /** Reads a topic from its config form; errors name the key, e.g. {@code topic 'x'.key}. */
  public static TopicSpec fromJson(String name, JsonNode body) {
    return TopicSpec.fromConfig(name, new ConfigNode(body, "topic '" + name + "'"));
  }

  /** Parses JSON text in the config form. */
  public static TopicSpec fromJson(String name, String json) {
    try {
      return fromJson(name, JSON.readTree(json));
    } catch (IOException e) {
      throw new InvalidInputException(
          ErrorCode.INVALID_JSON, "Invalid JSON for topic '" + name + "': " + e.getMessage(), e);
    }
  }
}
