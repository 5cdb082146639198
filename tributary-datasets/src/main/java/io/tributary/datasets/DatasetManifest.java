package io.tributary.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.core.TableId;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a dataset build read and wrote: its definition, the snapshot of every input table it read,
 * the snapshot it wrote, its row count and the SHA-256 of its rows in order. Enough to build the
 * same rows again ({@link Datasets#rebuild}).
 *
 * @param spec the definition
 * @param inputs each input table ({@code namespace.table}) and the snapshot read
 * @param outputSnapshot the snapshot of {@code transformed.<name>} written
 * @param rows the rows written
 * @param checksum the hex SHA-256 of the rows, in the dataset's order
 * @param builtAt when the build (or the last rebuild) committed
 */
public record DatasetManifest(
    DatasetSpec spec,
    Map<String, Long> inputs,
    long outputSnapshot,
    long rows,
    String checksum,
    Instant builtAt) {
  public DatasetManifest {
    Objects.requireNonNull(spec, "spec is null");
    inputs = Map.copyOf(new TreeMap<>(inputs));
    Objects.requireNonNull(checksum, "checksum is null");
    Objects.requireNonNull(builtAt, "builtAt is null");
  }

  /** The dataset's table. */
  public TableId table() {
    return spec.table();
  }

  /** The manifest as JSON (what {@code GET /v1/datasets/{name}} answers and the store keeps). */
  public ObjectNode toJson(ObjectMapper json) {
    ObjectNode node = json.createObjectNode();
    node.put("name", spec.name());
    node.put("table", table().toString());
    node.set("definition", spec.toJson(json));
    ObjectNode in = node.putObject("inputs");
    new TreeMap<>(inputs).forEach(in::put);
    node.put("output-snapshot", outputSnapshot);
    node.put("rows", rows);
    node.put("checksum", checksum);
    node.put("built-at", builtAt.toString());
    return node;
  }

  /** Reads what {@link #toJson} wrote. */
  static DatasetManifest parse(JsonNode node) {
    Map<String, Long> inputs = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.get("inputs").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      inputs.put(entry.getKey(), entry.getValue().asLong());
    }
    return new DatasetManifest(
        DatasetSpec.parse(node.get("definition")),
        inputs,
        node.get("output-snapshot").asLong(),
        node.get("rows").asLong(),
        node.get("checksum").asText(),
        Instant.parse(node.get("built-at").asText()));
  }
}
