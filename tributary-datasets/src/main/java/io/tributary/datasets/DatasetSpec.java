package io.tributary.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.TableId;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a point-in-time dataset is built from: labels (a SELECT giving an entity key, a timestamp
 * and label columns), features (columns of lake tables keyed and timestamped the same way, each
 * joined as its latest value at or before the label's timestamp) and the lake state it reads
 * ({@code as-of}: a snapshot id, a time, or the current snapshots).
 *
 * @param name the dataset, written to {@code transformed.<name>}
 * @param labels the labels SELECT
 * @param key the labels' entity key column; empty: the first column
 * @param timestamp the labels' timestamp column; empty: its only TIMESTAMP or DATE column
 * @param features the feature tables, in join order
 * @param asOf the lake state to read
 */
public record DatasetSpec(
    String name,
    String labels,
    Optional<String> key,
    Optional<String> timestamp,
    List<Feature> features,
    AsOf asOf) {
  static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,127}");
  static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  private static final Set<String> KEYS =
      Set.of("name", "labels", "key", "timestamp", "features", "as-of");
  private static final Set<String> FEATURE_KEYS = Set.of("table", "key", "timestamp", "columns");

  public DatasetSpec {
    Objects.requireNonNull(name, "name is null");
    if (!NAME.matcher(name).matches()) {
      throw invalid("name", "'" + name + "' is not a dataset name (use [a-z_][a-z0-9_]*)");
    }
    Objects.requireNonNull(labels, "labels is null");
    if (labels.isBlank()) {
      throw invalid("labels", "is empty: give a SELECT of an entity key and a timestamp");
    }
    Objects.requireNonNull(key, "key is null");
    Objects.requireNonNull(timestamp, "timestamp is null");
    features = List.copyOf(features);
    Objects.requireNonNull(asOf, "asOf is null");
  }

  /** The table the dataset is written to. */
  public TableId table() {
    return new TableId("transformed", name);
  }

  /**
   * A feature table: {@code columns} of {@code table}, matched to a label by {@code key} and read
   * as of {@code timestamp}.
   */
  public record Feature(TableId table, String key, String timestamp, List<String> columns) {
    public Feature {
      Objects.requireNonNull(table, "table is null");
      Objects.requireNonNull(key, "key is null");
      Objects.requireNonNull(timestamp, "timestamp is null");
      columns = List.copyOf(columns);
    }
  }

  /** Which lake state a dataset reads. */
  public sealed interface AsOf {
    /** The current snapshot of every input. */
    record Current() implements AsOf {}

    /** The snapshot of every input current at {@code time}. */
    record Time(Instant time) implements AsOf {
      public Time {
        Objects.requireNonNull(time, "time is null");
      }
    }

    /**
     * Snapshot {@code snapshotId} of the input it belongs to, and of every other input the snapshot
     * current when that one was committed.
     */
    record Snapshot(long snapshotId) implements AsOf {}
  }

  /** Parses a definition, naming the field of every error. */
  public static DatasetSpec parse(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw invalid("body", "must be a JSON object with name, labels and features");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!KEYS.contains(field)) {
        throw invalid(
            field, "is not a dataset field (known: " + new java.util.TreeSet<>(KEYS) + ")");
      }
    }
    String name = text(node, "name", "name");
    String labels = text(node, "labels", "labels");
    Optional<String> key = optionalColumn(node, "key", "key");
    Optional<String> timestamp = optionalColumn(node, "timestamp", "timestamp");
    List<Feature> features = new ArrayList<>();
    JsonNode list = node.get("features");
    if (list != null && !list.isNull()) {
      if (!list.isArray()) {
        throw invalid("features", "must be a list of {table, key, timestamp, columns}");
      }
      for (int i = 0; i < list.size(); i++) {
        features.add(feature(list.get(i), "features[" + i + "]"));
      }
    }
    return new DatasetSpec(name, labels, key, timestamp, features, asOf(node.get("as-of")));
  }

  private static Feature feature(JsonNode node, String path) {
    if (!node.isObject()) {
      throw invalid(path, "must be an object {table, key, timestamp, columns}");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!FEATURE_KEYS.contains(field)) {
        throw invalid(
            path + "." + field, "is not a feature field (known: table, key, timestamp, columns)");
      }
    }
    String tableText = text(node, "table", path + ".table");
    TableId table;
    try {
      table = TableId.parse(tableText);
    } catch (IllegalArgumentException | InvalidInputException e) {
      throw invalid(path + ".table", "'" + tableText + "' is not a table name (namespace.table)");
    }
    String key = column(node, "key", path + ".key");
    String timestamp = column(node, "timestamp", path + ".timestamp");
    JsonNode columnsNode = node.get("columns");
    if (columnsNode == null || !columnsNode.isArray() || columnsNode.isEmpty()) {
      throw invalid(path + ".columns", "must be a non-empty list of column names of " + table);
    }
    List<String> columns = new ArrayList<>();
    for (int i = 0; i < columnsNode.size(); i++) {
      JsonNode column = columnsNode.get(i);
      String where = path + ".columns[" + i + "]";
      if (!column.isTextual() || !COLUMN.matcher(column.asText()).matches()) {
        throw invalid(where, column + " is not a column name");
      }
      columns.add(column.asText());
    }
    return new Feature(table, key, timestamp, columns);
  }

  private static AsOf asOf(JsonNode node) {
    if (node == null || node.isNull()) {
      return new AsOf.Current();
    }
    if (node.isIntegralNumber()) {
      return new AsOf.Snapshot(node.asLong());
    }
    if (node.isTextual()) {
      String text = node.asText();
      if (text.matches("-?\\d+")) {
        return new AsOf.Snapshot(Long.parseLong(text));
      }
      try {
        return new AsOf.Time(Instant.parse(text));
      } catch (DateTimeParseException e) {
        throw invalid(
            "as-of",
            "'" + text + "' is neither a snapshot id nor a time (e.g. 2026-12-01T00:00:00Z)");
      }
    }
    throw invalid("as-of", "must be a snapshot id or a time (e.g. 2026-12-01T00:00:00Z)");
  }

  private static String text(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw invalid(path, "is required");
    }
    if (!value.isTextual()) {
      throw invalid(path, "must be a string");
    }
    return value.asText();
  }

  private static String column(JsonNode node, String field, String path) {
    String value = text(node, field, path);
    if (!COLUMN.matcher(value).matches()) {
      throw invalid(path, "'" + value + "' is not a column name");
    }
    return value;
  }

  private static Optional<String> optionalColumn(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    return value == null || value.isNull()
        ? Optional.empty()
        : Optional.of(column(node, field, path));
  }

  /** The definition as JSON, as {@link #parse} reads it. */
  public ObjectNode toJson(ObjectMapper json) {
    ObjectNode node = json.createObjectNode();
    node.put("name", name);
    node.put("labels", labels);
    key.ifPresent(k -> node.put("key", k));
    timestamp.ifPresent(t -> node.put("timestamp", t));
    ArrayNode list = node.putArray("features");
    for (Feature feature : features) {
      ObjectNode f = list.addObject();
      f.put("table", feature.table().toString());
      f.put("key", feature.key());
      f.put("timestamp", feature.timestamp());
      ArrayNode columns = f.putArray("columns");
      feature.columns().forEach(columns::add);
    }
    if (asOf instanceof AsOf.Time time) {
      node.put("as-of", time.time().toString());
    } else if (asOf instanceof AsOf.Snapshot snapshot) {
      node.put("as-of", snapshot.snapshotId());
    }
    return node;
  }

  static InvalidInputException invalid(String field, String detail) {
    return new InvalidInputException(
        ErrorCode.INVALID_REQUEST, "Invalid dataset definition: " + field + " " + detail);
  }
}
