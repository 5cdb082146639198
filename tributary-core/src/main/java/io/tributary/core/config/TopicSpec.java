package io.tributary.core.config;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A topic: a Kafka topic of the same name for notifications, which functions subscribe to. Unlike a
 * stream, a topic is not delivered to the lake.
 *
 * @param name the topic name
 * @param partitions Kafka partitions: 3 by default with a key, else 1 (one order for all)
 * @param key the field whose value keys messages published over HTTP, so that messages with the
 *     same key keep their order; {@code null} for none
 */
public record TopicSpec(String name, int partitions, FieldPath key) {
  static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,99}");

  public TopicSpec {
    Objects.requireNonNull(name, "name is null");
    if (!NAME.matcher(name).matches()) {
      throw ConfigException.invalid(
          "topic name", name, "use lower-case letters, digits and _, starting with a letter");
    }
    if (partitions < 1 || partitions > 1000) {
      throw ConfigException.invalid("partitions", partitions, "must be 1..1000");
    }
  }

  /**
   * Reads a topic from its config mapping (YAML {@code topics[i]} or the JSON body of {@code PUT
   * /v1/topics/{name}}). {@code name} wins over a {@code name} key; both must agree when given.
   */
  public static TopicSpec fromConfig(String name, ConfigNode node) {
    node.allowOnly("name", "partitions", "key");
    String declared = node.string("name", name);
    if (name != null && !name.equals(declared)) {
      throw ConfigException.invalid(
          node.path() + ".name", declared, "must match the topic name in the path, " + name);
    }
    String topicName = name != null ? name : node.requiredString("name");
    if (!NAME.matcher(topicName).matches()) {
      throw ConfigException.invalid(
          node.path() + ".name",
          topicName,
          "use lower-case letters, digits and _, starting with a letter, at most 100");
    }
    String keyText = node.string("key", null);
    FieldPath key = null;
    if (keyText != null) {
      try {
        key = FieldPath.parse(keyText);
      } catch (IllegalArgumentException e) {
        throw ConfigException.invalid(node.path() + ".key", keyText, e.getMessage());
      }
    }
    // without a key, messages spread over partitions would lose their relative order: one partition
    return new TopicSpec(topicName, node.integer("partitions", key == null ? 1 : 3, 1, 1000), key);
  }
}
