package io.tributary.stream.function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.config.ConfigNode;
import io.tributary.core.config.FieldPath;
import io.tributary.core.config.FunctionSpec;
import io.tributary.core.config.Units;
import java.io.IOException;
import java.util.Locale;

/** The JSON form of a function: the keys of a {@code functions[i]} entry of the YAML config. */
public final class FunctionSpecs {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FunctionSpecs() {}

  /** The config form of {@code spec}; header values are kept as written (secret references). */
  public static ObjectNode toJson(FunctionSpec spec) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("name", spec.name());
    node.put("topic", spec.topic());
    node.put("type", spec.type().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    if (spec.emitTo() != null) {
      node.put("emit-to", spec.emitTo());
    }
    if (spec.key() != null) {
      node.put("key", spec.key().text());
    }
    ObjectNode retry = node.putObject("retry");
    retry.put("attempts", spec.retry().attempts());
    retry.put("initial-delay", Units.formatDuration(spec.retry().initialDelay()));
    retry.put("max-delay", Units.formatDuration(spec.retry().maxDelay()));
    node.put("timeout", Units.formatDuration(spec.timeout()));
    node.put("concurrency", spec.concurrency());
    node.put("batch-size", spec.batchSize());
    switch (spec.type()) {
      case HTTP_ENRICH -> {
        node.put("url", spec.http().url().text());
        ObjectNode headers = node.putObject("headers");
        spec.http().headers().forEach(headers::put);
        ArrayNode keep = node.putArray("keep");
        spec.http().keep().stream().map(FieldPath::text).forEach(keep::add);
        ObjectNode rename = node.putObject("rename");
        spec.http().rename().forEach(rename::put);
      }
      case FILTER -> node.put("where", spec.where().text());
      case ROUTE -> {
        ArrayNode routes = node.putArray("routes");
        for (FunctionSpec.Route route : spec.routes()) {
          routes.addObject().put("when", route.when().text()).put("emit-to", route.emitTo());
        }
      }
      default -> {
        node.put("class", spec.className());
        ObjectNode options = node.putObject("options");
        spec.options().forEach(options::put);
      }
    }
    return node;
  }

  /** Reads a function from its config form; errors name the key. */
  public static FunctionSpec fromJson(String name, JsonNode body) {
    return FunctionSpec.fromConfig(name, new ConfigNode(body, "function '" + name + "'"));
  }

  /** Parses JSON text in the config form. */
  public static FunctionSpec fromJson(String name, String json) {
    try {
      return fromJson(name, JSON.readTree(json));
    } catch (IOException e) {
      throw new InvalidInputException(
          ErrorCode.INVALID_JSON, "Invalid JSON for function '" + name + "': " + e.getMessage(), e);
    }
  }
}
