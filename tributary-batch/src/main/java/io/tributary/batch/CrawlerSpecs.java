package io.tributary.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.config.ConfigNode;
import io.tributary.core.config.CrawlerSpec;
import io.tributary.core.config.Units;
import java.io.IOException;
import java.util.Locale;

/**
 * The JSON form of a crawler: the same keys as a {@code crawlers[i]} entry of the YAML config, used
 * for HTTP bodies and for the registry table.
 */
public final class CrawlerSpecs {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CrawlerSpecs() {}

  /** The config form of {@code spec}. */
  public static ObjectNode toJson(CrawlerSpec spec) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("name", spec.name());
    node.put("source", spec.source());
    node.put("namespace", spec.namespace());
    node.put("mode", lower(spec.mode()));
    if (spec.schedule() != null) {
      node.put("schedule", Units.formatDuration(spec.schedule()));
    }
    ObjectNode sample = node.putObject("sample");
    sample.put("records", spec.sampleRecords());
    sample.put("bytes", Units.formatSize(spec.sampleBytes()));
    node.put("grouping", lower(spec.grouping()));
    node.put("on-schema-change", lower(spec.onSchemaChange()));
    node.put("on-removed", lower(spec.onRemoved()));
    ArrayNode include = node.putArray("include");
    spec.include().forEach(include::add);
    ArrayNode exclude = node.putArray("exclude");
    spec.exclude().forEach(exclude::add);
    node.put("files-per-commit", spec.filesPerCommit());
    return node;
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * Reads a crawler from its config form, with the same validation and messages as the YAML config.
   *
   * @param name the crawler name from the path; a {@code name} key in {@code body} must agree
   */
  public static CrawlerSpec fromJson(String name, JsonNode body) {
    return CrawlerSpec.fromConfig(name, new ConfigNode(body, "crawler '" + name + "'"));
  }

  /** Parses JSON text in the config form; malformed JSON is an {@code invalid_json} error. */
  public static CrawlerSpec fromJson(String name, String json) {
    JsonNode body;
    try {
      body = JSON.readTree(json);
    } catch (IOException e) {
      throw new InvalidInputException(
          ErrorCode.INVALID_JSON, "Invalid JSON for crawler '" + name + "': " + e.getMessage(), e);
    }
    return fromJson(name, body);
  }
}
