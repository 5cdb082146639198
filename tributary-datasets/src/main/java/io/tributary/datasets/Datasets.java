package io.tributary.datasets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import io.tributary.core.TableId;
import io.tributary.flow.QueryRows;
import io.tributary.lake.Committed;
import io.tributary.lake.Lake;
import io.tributary.lake.RowLoad;
import io.tributary.lake.SpecTable;
import io.tributary.query.QueryEngine;
import io.tributary.query.QueryResult;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * Point-in-time datasets: builds {@code transformed.<name>} from a {@link DatasetSpec} on the query
 * engine, every feature joined as its latest value at or before the label's timestamp (DuckDB's
 * {@code ASOF LEFT JOIN}), every input read at a pinned snapshot ({@code FOR VERSION AS OF}), and
 * writes it through the lake's {@link RowLoad} (one commit replacing the table). The {@link
 * DatasetManifest} of each build is kept in the metadata table {@code tributary_datasets}; {@link
 * #rebuild} reads the same snapshots again and compares checksums. Thread-safe: builds run one at a
 * time.
 */
public final class Datasets {
  /** Snapshot summary keys of a dataset's commit. */
  public static final String SUMMARY_DATASET = "tributary.dataset";

  public static final String SUMMARY_INPUTS = "tributary.dataset.inputs";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TIME_TYPES =
      Set.of("TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "DATE", "TIMESTAMP_NS", "TIMESTAMP_MS");

  private final Lake lake;
  private final QueryEngine engine;
  private final SpecTable store;
  private final Clock clock;

  public Datasets(Lake lake, QueryEngine engine, Clock clock) {
    this.lake = Objects.requireNonNull(lake, "lake is null");
    this.engine = Objects.requireNonNull(engine, "engine is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
    this.store =
        new SpecTable(
            () -> {
              try {
                return lake.openMetadataConnection();
              } catch (SQLException e) {
                throw new IllegalStateException(
                    "Cannot open the metadata database: " + e.getMessage(), e);
              }
            },
            "tributary_datasets",
            "dataset");
  }

  /** Every dataset's manifest, by name. */
  public List<DatasetManifest> list() {
    return new TreeMap<>(store.readAll()).values().stream().map(Datasets::parseManifest).toList();
  }

  /** The manifest of dataset {@code name}, if built. */
  public Optional<DatasetManifest> get(String name) {
    return Optional.ofNullable(store.readAll().get(name)).map(Datasets::parseManifest);
  }

  /**
   * Builds the dataset at the snapshots its {@code as-of} selects and records its manifest.
   *
   * @param readable the tables the caller may read; others are refused with {@code forbidden}
   * @throws InvalidInputException naming the field for an unknown table or column, labels SQL that
   *     fails, labels without a timestamp column, or an {@code as-of} no input has a snapshot for
   */
  public synchronized DatasetManifest build(DatasetSpec spec, Predicate<TableId> readable) {
    Map<TableId, Long> pins = pin(spec, readable);
    return write(spec, pins, readable);
  }

  /** The outcome of a rebuild: the new manifest, and whether its rows equal the recorded ones. */
  public record Rebuilt(DatasetManifest manifest, String previousChecksum, boolean identical) {}

  /**
   * Builds dataset {@code name} again from its manifest: the same definition over the same input
   * snapshots, whatever was committed to the inputs since.
   *
   * @throws NotFoundException if no dataset has that name
   * @throws InvalidInputException if a recorded snapshot no longer exists (expired)
   */
  public synchronized Rebuilt rebuild(String name, Predicate<TableId> readable) {
    DatasetManifest previous = get(name).orElseThrow(() -> new NotFoundException("dataset", name));
    Map<TableId, Long> pins = new TreeMap<>(java.util.Comparator.comparing(TableId::toString));
    for (Map.Entry<String, Long> input : previous.inputs().entrySet()) {
      TableId id = TableId.parse(input.getKey());
      requireReadable(id, readable);
      Table table =
          lake.loadTable(id)
              .orElseThrow(
                  () ->
                      invalid(
                          "Cannot rebuild dataset " + name + ": input table " + id + " is gone"));
      if (table.snapshot(input.getValue()) == null) {
        throw invalid(
            "Cannot rebuild dataset "
                + name
                + ": snapshot "
                + input.getValue()
                + " of "
                + id
                + " no longer exists (expired by maintenance)");
      }
      pins.put(id, input.getValue());
    }
    DatasetManifest rebuilt = write(previous.spec(), pins, readable);
    return new Rebuilt(
        rebuilt, previous.checksum(), rebuilt.checksum().equals(previous.checksum()));
  }

  /** The tables a definition reads: the labels SQL's and the features'. */
  public Set<TableId> inputs(DatasetSpec spec, Predicate<TableId> readable) {
    Set<TableId> inputs =
        new java.util.TreeSet<>(java.util.Comparator.comparing(TableId::toString));
    inputs.addAll(engine.currentSnapshots(spec.labels(), readable).keySet());
    spec.features().forEach(feature -> inputs.add(feature.table()));
    return inputs;
  }

  /**
   * Writes the dataset's current rows as one Parquet file to {@code out}.
   *
   * @throws NotFoundException if no dataset has that name
   */
  public void export(String name, OutputStream out) throws IOException {
    DatasetManifest manifest = get(name).orElseThrow(() -> new NotFoundException("dataset", name));
    Table table =
        lake.loadTable(manifest.table())
            .orElseThrow(() -> new NotFoundException("table", manifest.table().toString()));
    Path file = Files.createTempFile("tributary-dataset-" + name, ".parquet");
    try {
      Files.delete(file);
      Schema schema = table.schema();
      try (FileAppender<Record> appender =
              Parquet.write(org.apache.iceberg.Files.localOutput(file.toFile()))
                  .schema(schema)
                  .createWriterFunc(type -> GenericParquetWriter.create(schema, type))
                  .build();
          CloseableIterable<Record> records =
              IcebergGenerics.read(table).useSnapshot(manifest.outputSnapshot()).build()) {
        records.forEach(appender::add);
      }
      Files.copy(file, out);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** Each input table and the snapshot of it the definition's {@code as-of} selects. */
  private Map<TableId, Long> pin(DatasetSpec spec, Predicate<TableId> readable) {
    Map<TableId, String> where = new LinkedHashMap<>();
    engine.currentSnapshots(spec.labels(), readable).keySet().forEach(t -> where.put(t, "labels"));
    for (int i = 0; i < spec.features().size(); i++) {
      DatasetSpec.Feature feature = spec.features().get(i);
      if (lake.loadTable(feature.table()).isEmpty()) {
        throw DatasetSpec.invalid(
            "features[" + i + "].table", "names an unknown table " + feature.table());
      }
      requireReadable(feature.table(), readable);
      where.putIfAbsent(feature.table(), "features[" + i + "].table");
    }
    Map<TableId, Table> tables = new LinkedHashMap<>();
    where.keySet().forEach(id -> tables.put(id, lake.loadTable(id).orElseThrow()));
    Long atMillis = null;
    Map<TableId, Long> pins = new TreeMap<>(java.util.Comparator.comparing(TableId::toString));
    if (spec.asOf() instanceof DatasetSpec.AsOf.Snapshot chosen) {
      for (Map.Entry<TableId, Table> table : tables.entrySet()) {
        Snapshot snapshot = table.getValue().snapshot(chosen.snapshotId());
        if (snapshot != null) {
          pins.put(table.getKey(), snapshot.snapshotId());
          atMillis = snapshot.timestampMillis();
        }
      }
      if (atMillis == null) {
        throw DatasetSpec.invalid(
            "as-of",
            "snapshot "
                + chosen.snapshotId()
                + " is a snapshot of none of the inputs ("
                + tables.keySet().stream().map(TableId::toString).collect(Collectors.joining(", "))
                + ")");
      }
    } else if (spec.asOf() instanceof DatasetSpec.AsOf.Time time) {
      atMillis = time.time().toEpochMilli();
    }
    for (Map.Entry<TableId, Table> entry : tables.entrySet()) {
      if (pins.containsKey(entry.getKey())) {
        continue;
      }
      Table table = entry.getValue();
      String field = where.get(entry.getKey());
      if (atMillis == null) {
        if (table.currentSnapshot() == null) {
          throw DatasetSpec.invalid(
              field, "reads table " + entry.getKey() + ", which has no data yet");
        }
        pins.put(entry.getKey(), table.currentSnapshot().snapshotId());
      } else {
        try {
          pins.put(entry.getKey(), SnapshotUtil.snapshotIdAsOfTime(table, atMillis));
        } catch (IllegalArgumentException e) {
          throw DatasetSpec.invalid(
              field,
              "reads table "
                  + entry.getKey()
                  + ", which had no snapshot at "
                  + java.time.Instant.ofEpochMilli(atMillis)
                  + " (as-of)");
        }
      }
    }
    return pins;
  }

  private DatasetManifest write(
      DatasetSpec spec, Map<TableId, Long> pins, Predicate<TableId> readable) {
    List<String> featureSelects = new ArrayList<>();
    for (int i = 0; i < spec.features().size(); i++) {
      DatasetSpec.Feature feature = spec.features().get(i);
      String path = "features[" + i + "]";
      Table table = lake.loadTable(feature.table()).orElseThrow();
      long snapshotId = pins.get(feature.table());
      Schema schema = schemaAt(table, snapshotId);
      requireColumn(schema, feature.key(), path + ".key", feature.table(), snapshotId);
      requireColumn(schema, feature.timestamp(), path + ".timestamp", feature.table(), snapshotId);
      for (int c = 0; c < feature.columns().size(); c++) {
        requireColumn(
            schema,
            feature.columns().get(c),
            path + ".columns[" + c + "]",
            feature.table(),
            snapshotId);
      }
    }
    String labels = pinned(spec.labels(), pins);
    List<QueryResult.Column> columns;
    try {
      columns =
          engine.stream(
              "SELECT * FROM (" + labels + "\n) AS labels LIMIT 0",
              readable,
              rows -> rows.columns());
    } catch (InvalidInputException e) {
      if (e.errorCode() == ErrorCode.FORBIDDEN) {
        throw e;
      }
      throw DatasetSpec.invalid("labels", "fails on the engine: " + e.getMessage());
    }
    List<String> labelNames = columns.stream().map(QueryResult.Column::name).toList();
    String key = spec.key().orElse(labelNames.get(0));
    if (!labelNames.contains(key)) {
      throw DatasetSpec.invalid(
          "key", "'" + key + "' is not a column of the labels " + describe(columns));
    }
    String timestamp = timestampColumn(spec, columns);
    String sql = query(spec, pins, labels, key, timestamp, new HashSet<>(labelNames));
    String inputs =
        pins.entrySet().stream()
            .map(e -> e.getKey() + "@" + e.getValue())
            .collect(Collectors.joining(","));
    record Written(long snapshot, long rows, String checksum) {}
    Written written;
    try {
      written =
          engine.stream(
              sql,
              readable,
              stream -> {
                QueryRows rows = new QueryRows(stream);
                Checksum checksum = new Checksum(rows, rows.schema().columns().size());
                Map<String, String> summary = new LinkedHashMap<>();
                summary.put(SUMMARY_DATASET, spec.name());
                summary.put(SUMMARY_INPUTS, inputs);
                Committed committed =
                    new RowLoad(lake.writer(spec.table()), List.of())
                        .write(rows.schema(), checksum, RowLoad.Mode.REPLACE, summary);
                return new Written(committed.snapshotId(), rows.count(), checksum.hex());
              });
    } catch (InvalidInputException e) {
      if (e.errorCode() == ErrorCode.FORBIDDEN) {
        throw e;
      }
      throw invalid("Cannot build dataset " + spec.name() + ": " + e.getMessage());
    }
    Map<String, Long> recorded = new TreeMap<>();
    pins.forEach((table, snapshot) -> recorded.put(table.toString(), snapshot));
    DatasetManifest manifest =
        new DatasetManifest(
            spec,
            recorded,
            written.snapshot(),
            written.rows(),
            written.checksum(),
            clock.instant());
    try {
      store.write(spec.name(), JSON.writeValueAsString(manifest.toJson(JSON)), clock.millis());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write the manifest of " + spec.name(), e);
    }
    return manifest;
  }

  /**
   * The dataset's SELECT: the labels, then per feature an {@code ASOF LEFT JOIN} on the key with
   * the feature's timestamp at or before the label's; at equal timestamps of one key the row with
   * the smallest feature values counts. Ordered by every column, so the rows (and their checksum)
   * do not depend on how DuckDB ran it.
   */
  static String query(
      DatasetSpec spec,
      Map<TableId, Long> pins,
      String labels,
      String key,
      String timestamp,
      Set<String> used) {
    StringBuilder with = new StringBuilder("WITH labels AS (\n").append(labels).append("\n)");
    StringBuilder select = new StringBuilder("SELECT labels.*");
    StringBuilder from = new StringBuilder("\nFROM labels");
    for (int i = 0; i < spec.features().size(); i++) {
      DatasetSpec.Feature feature = spec.features().get(i);
      String alias = "f" + i;
      String order =
          feature.columns().stream().map(Datasets::quote).collect(Collectors.joining(", "));
      with.append(",\n")
          .append(alias)
          .append(" AS (SELECT DISTINCT ON (")
          .append(quote(feature.key()))
          .append(", ")
          .append(quote(feature.timestamp()))
          .append(") ")
          .append(quote(feature.key()))
          .append(" AS __key, ")
          .append(quote(feature.timestamp()))
          .append(" AS __ts");
      for (int c = 0; c < feature.columns().size(); c++) {
        with.append(", ").append(quote(feature.columns().get(c))).append(" AS __c").append(c);
      }
      with.append(" FROM ")
          .append(feature.table())
          .append(" FOR VERSION AS OF ")
          .append(pins.get(feature.table()))
          .append(" WHERE ")
          .append(quote(feature.key()))
          .append(" IS NOT NULL AND ")
          .append(quote(feature.timestamp()))
          .append(" IS NOT NULL ORDER BY ")
          .append(quote(feature.key()))
          .append(", ")
          .append(quote(feature.timestamp()))
          .append(", ")
          .append(order)
          .append(")");
      for (int c = 0; c < feature.columns().size(); c++) {
        String column = feature.columns().get(c);
        String name = column;
        if (used.contains(name)) {
          name = feature.table().name() + "_" + column;
        }
        for (int n = 2; used.contains(name); n++) {
          name = feature.table().name() + "_" + column + "_" + n;
        }
        used.add(name);
        select
            .append(", ")
            .append(alias)
            .append(".__c")
            .append(c)
            .append(" AS ")
            .append(quote(name));
      }
      from.append("\nASOF LEFT JOIN ")
          .append(alias)
          .append(" ON labels.")
          .append(quote(key))
          .append(" = ")
          .append(alias)
          .append(".__key AND labels.")
          .append(quote(timestamp))
          .append(" >= ")
          .append(alias)
          .append(".__ts");
    }
    return with + "\n" + select + from + "\nORDER BY ALL";
  }

  private static String timestampColumn(DatasetSpec spec, List<QueryResult.Column> columns) {
    if (spec.timestamp().isPresent()) {
      String name = spec.timestamp().get();
      QueryResult.Column column =
          columns.stream()
              .filter(c -> c.name().equals(name))
              .findFirst()
              .orElseThrow(
                  () ->
                      DatasetSpec.invalid(
                          "timestamp",
                          "'" + name + "' is not a column of the labels " + describe(columns)));
      if (!TIME_TYPES.contains(column.type().toUpperCase(Locale.ROOT))) {
        throw DatasetSpec.invalid(
            "timestamp",
            "'" + name + "' is a " + column.type() + " column, not a TIMESTAMP or DATE");
      }
      return name;
    }
    List<String> times =
        columns.stream()
            .filter(c -> TIME_TYPES.contains(c.type().toUpperCase(Locale.ROOT)))
            .map(QueryResult.Column::name)
            .toList();
    if (times.isEmpty()) {
      throw DatasetSpec.invalid(
          "labels",
          "has no timestamp column "
              + describe(columns)
              + ": select one as a TIMESTAMP or DATE (e.g. CAST(ts AS TIMESTAMP)) and name it in"
              + " \"timestamp\" if there are several");
    }
    if (times.size() > 1) {
      throw DatasetSpec.invalid(
          "timestamp", "is required: the labels have several timestamp columns " + times);
    }
    return times.get(0);
  }

  private static String describe(List<QueryResult.Column> columns) {
    return columns.stream()
        .map(c -> c.name() + " " + c.type())
        .collect(Collectors.joining(", ", "(", ")"));
  }

  private static Schema schemaAt(Table table, long snapshotId) {
    Snapshot snapshot = table.snapshot(snapshotId);
    Integer schemaId = snapshot == null ? null : snapshot.schemaId();
    Schema schema = schemaId == null ? null : table.schemas().get(schemaId);
    return schema == null ? table.schema() : schema;
  }

  private static void requireColumn(
      Schema schema, String column, String path, TableId table, long snapshotId) {
    if (schema.findField(column) == null) {
      throw DatasetSpec.invalid(
          path,
          "names an unknown column '"
              + column
              + "' of "
              + table
              + " at snapshot "
              + snapshotId
              + " (columns: "
              + schema.columns().stream()
                  .map(Types.NestedField::name)
                  .collect(Collectors.joining(", "))
              + ")");
    }
  }

  /** {@code sql} with every plain reference to a pinned table read at its snapshot. */
  static String pinned(String sql, Map<TableId, Long> pins) {
    String result = sql;
    for (Map.Entry<TableId, Long> pin : pins.entrySet()) {
      TableId table = pin.getKey();
      Pattern reference =
          Pattern.compile(
              "(?<![\\w.\"])"
                  + Pattern.quote(table.namespace())
                  + "\\s*\\.\\s*"
                  + Pattern.quote(table.name())
                  + "(?![\\w.\"])(?!\\s+FOR\\s+(?:VERSION|TIMESTAMP))",
              Pattern.CASE_INSENSITIVE);
      result =
          reference
              .matcher(result)
              .replaceAll(Matcher.quoteReplacement(table + " FOR VERSION AS OF " + pin.getValue()));
    }
    return result;
  }

  static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  private static void requireReadable(TableId id, Predicate<TableId> readable) {
    if (!readable.test(id)) {
      throw new InvalidInputException(
          ErrorCode.FORBIDDEN,
          "Permission denied for table "
              + id
              + ": the 'read' privilege on table:"
              + id
              + " is missing");
    }
  }

  private static InvalidInputException invalid(String message) {
    return new InvalidInputException(ErrorCode.INVALID_REQUEST, message);
  }

  private static DatasetManifest parseManifest(String json) {
    try {
      return DatasetManifest.parse(JSON.readTree(json));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("A stored dataset manifest is not JSON", e);
    }
  }

  /** Rows passed through while their SHA-256 is computed, in order. */
  private static final class Checksum implements Iterator<StructLike> {
    private final Iterator<StructLike> rows;
    private final int width;
    private final MessageDigest digest;

    Checksum(Iterator<StructLike> rows, int width) {
      this.rows = rows;
      this.width = width;
      try {
        this.digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public boolean hasNext() {
      return rows.hasNext();
    }

    @Override
    public StructLike next() {
      StructLike row = rows.next();
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < width; i++) {
        Object value = row.get(i, Object.class);
        text.append(value == null ? "\u0000" : value.toString()).append('\u001f');
      }
      text.append('\u001e');
      digest.update(text.toString().getBytes(StandardCharsets.UTF_8));
      return row;
    }

    String hex() {
      return HexFormat.of().formatHex(digest.digest());
    }
  }
}
