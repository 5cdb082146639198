package io.tributary.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.config.ConfigNode;
import io.tributary.core.config.PartitionField;
import io.tributary.core.config.StreamSpec;
import io.tributary.core.config.Units;
import java.io.IOException;
import java.util.Locale;

/**
 * The JSON form of a stream: the same keys as a {@code streams[i]} entry of the YAML config, used
 * for HTTP bodies and for the registry table.
 */
public final class StreamSpecs {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StreamSpecs() {}

  /** The config form of {@code spec}: {@code name, partitions, table, buffer, transform, ...}. */
  public static ObjectNode toJson(StreamSpec spec) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("name", spec.name());
    node.put("partitions", spec.partitions());
    node.put("table", spec.table().toString());
    ObjectNode buffer = node.putObject("buffer");
    buffer.put("interval", Units.formatDuration(spec.buffer().interval()));
    buffer.put("size", Units.formatSize(spec.buffer().sizeBytes()));
    node.put("transform", spec.transform().name().toLowerCase(Locale.ROOT));
    ArrayNode partitionBy = node.putArray("partition-by");
    for (PartitionField field : spec.partitionBy()) {
      partitionBy.add(field.toString());
    }
    if (spec.replication().factor() > 0) {
      node.put("replication-factor", spec.replication().factor());
    }
    if (spec.replication().minInsyncReplicas() > 0) {
      node.put("min-insync-replicas", spec.replication().minInsyncReplicas());
    }
    return node;
  }

  /**
   * Reads a stream from its config form, with the same validation and messages as the YAML config
   * (they name the key, e.g. {@code stream 'clicks'.buffer.interval}).
   *
   * @param name the stream name from the path; a {@code name} key in {@code body} must agree
   * @throws io.tributary.core.config.ConfigException naming the key and value that are wrong
   */
  public static StreamSpec fromJson(String name, JsonNode body) {
    return StreamSpec.fromConfig(name, new ConfigNode(body, "stream '" + name + "'"));
  }

  /** Parses JSON text in the config form; malformed JSON is an {@code invalid_json} error. */
  public static StreamSpec fromJson(String name, String json) {
    JsonNode body;
    try {
      body = JSON.readTree(json);
    } catch (IOException e) {
      throw new InvalidInputException(
          ErrorCode.INVALID_JSON, "Invalid JSON for stream '" + name + "': " + e.getMessage(), e);
    }
    return fromJson(name, body);
  }
}
