package io.tributary.lake;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.OutcomeUnknownException;
import io.tributary.core.RetriableException;
import io.tributary.core.TableId;
import io.tributary.core.config.PartitionField;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.expressions.Term;
import org.apache.iceberg.transforms.Transform;
import org.apache.iceberg.transforms.Transforms;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.SnapshotUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rows to one lake table: infers and evolves its schema, checks rows, appends Parquet files
 * in one snapshot per call. Not thread-safe; use one sink per table in the process (from {@link
 * Lake#sink}).
 *
 * <p>Rows map column names to {@code String}, {@code Long}, {@code Integer}, {@code Double}, {@code
 * Boolean}, {@link java.time.Instant} or {@code null} (as the {@link Flattener} produces, plus
 * {@code _ingested_at}). Use: {@link #prepare} a batch, drop the rejected rows (to an error table),
 * {@link #append} the rest.
 */
public final class TableSink {
  private static final Logger LOG = LoggerFactory.getLogger(TableSink.class);

  private final Lake lake;
  private final TableId id;
  private final List<PartitionField> partitionBy;
  private final TableWriter writer;
  private final Set<PartitionField> warned = new HashSet<>();
  private String tableUuid;
  private Columns columns;
  private Function<String, String> docs = column -> null;

  TableSink(Lake lake, TableWriter writer, List<PartitionField> partitionBy) {
    this.lake = lake;
    this.id = writer.id();
    this.writer = writer;
    this.partitionBy = partitionBy;
  }

  /** The table this sink writes. */
  public TableId id() {
    return id;
  }

  /**
   * Makes the table able to hold {@code rows}: creates it if missing, adds columns for new keys
   * (typed from this batch's non-null values; a key with only nulls is not added yet), widens
   * {@code int} to {@code long} and {@code float} to {@code double} where values need it, and adds
   * partition fields whose column now exists.
   *
   * @return the rows that still cannot be written, by their index in {@code rows}
   */
  public Map<Integer, Rejection> prepare(List<Map<String, Object>> rows) {
    return prepare(rows, column -> null);
  }

  /**
   * As {@link #prepare(List)}, giving each column this adds the doc {@code docOf} gives its name
   * (none where it gives {@code null}).
   */
  public Map<Integer, Rejection> prepare(
      List<Map<String, Object>> rows, Function<String, String> docOf) {
    Objects.requireNonNull(rows, "rows is null");
    this.docs = Objects.requireNonNull(docOf, "docOf is null");
    List<FlatRow> flat = flat(rows);
    Table current = ensureTable(flat);
    refresh(current);
    Columns scanned = columns(current.schema());
    Map<Integer, Rejection> rejected = new LinkedHashMap<>();
    SchemaChanges changes = SchemaChanges.of(scanned, flat, rejected);
    if (!changes.isEmpty()) {
      try {
        writer.evolveSchema(changes.incoming(current.schema(), docs));
      } catch (SchemaChangeRejectedException e) {
        LOG.warn("Table {}: {}", id, e.getMessage());
        return refusedColumns(rejections(columns(current.schema()), flat), e.reason());
      }
    }
    if (!missingPartitionFields(current).isEmpty()) {
      writer.evolveSpec(
          table -> missingPartitionFields(table).stream().map(TableSink::term).toList());
    }
    // checked in the same pass as the changes, unless the schema has changed since
    return current.schema() == scanned.schema
        ? rejected
        : rejections(columns(current.schema()), flat);
  }

  /** The rows as {@link FlatRow}s, the form the sink reads: as they are if they are. */
  private static List<FlatRow> flat(List<? extends Map<String, Object>> rows) {
    for (Map<String, Object> row : rows) {
      if (!(row instanceof FlatRow)) {
        return rows.stream().map(FlatRow::of).toList();
      }
    }
    @SuppressWarnings("unchecked")
    List<FlatRow> same = (List<FlatRow>) (List<?>) rows;
    return same;
  }

  /** The rejections, those of columns that do not exist saying why they cannot be added. */
  private static Map<Integer, Rejection> refusedColumns(
      Map<Integer, Rejection> rejected, String reason) {
    rejected.replaceAll(
        (row, rejection) ->
            rejection.code().equals("unknown_column")
                ? new Rejection(
                    "schema_change_rejected",
                    rejection.reason().replace(" (prepare the batch to add it)", "")
                        + " and cannot be added: "
                        + reason)
                : rejection);
    return rejected;
  }

  /**
   * Writes {@code rows} as Parquet and commits them in one append snapshot carrying {@code
   * snapshotProperties} in its summary. With no rows, commits an empty snapshot carrying the
   * properties.
   *
   * @throws InvalidInputException if a row does not fit the table (call {@link #prepare} first)
   * @throws RetriableException if the commit failed; nothing was committed, retry the same rows
   * @throws OutcomeUnknownException if the commit may have landed; check {@link #lastCommitted}
   */
  public AppendResult append(
      List<Map<String, Object>> rows, Map<String, String> snapshotProperties) {
    Objects.requireNonNull(snapshotProperties, "snapshotProperties is null");
    return appendIf(rows, snapshotProperties, Optional.empty());
  }

  /**
   * Appends {@code rows} as {@link #append} does, only if {@code expected} (when present) still
   * holds on the table the commit applies to.
   *
   * @throws CommitConflictException if {@code expected} no longer holds; nothing was committed
   */
  public AppendResult appendIf(
      List<Map<String, Object>> rows,
      Map<String, String> snapshotProperties,
      Optional<SummaryExpectation> expected) {
    Objects.requireNonNull(snapshotProperties, "snapshotProperties is null");
    Objects.requireNonNull(expected, "expected is null");
    List<FlatRow> flat = flat(rows);
    refresh(ensureTable(flat));
    List<WrittenFiles> written = List.of(join(write(flat)));
    // the files are deleted if the commit fails for sure, kept if it may have landed
    return result(written, writer.commitOrDiscard(change(written, snapshotProperties, expected)));
  }

  /**
   * Starts writing {@code rows} as Parquet files of the table's current schema and partition spec,
   * on the lake's writer threads; several writes may run at once. Commit the result with {@link
   * #commit}. The future fails with {@link InvalidInputException} if a row does not fit the table
   * (call {@link #prepare} first); then nothing is left behind.
   */
  public CompletableFuture<WrittenFiles> write(List<? extends Map<String, Object>> rows) {
    List<FlatRow> flat = flat(Objects.requireNonNull(rows, "rows is null"));
    Table current = ensureTable(flat);
    Schema schema = current.schema();
    PartitionSpec spec = current.spec();
    Columns columns = columns(schema);
    return CompletableFuture.supplyAsync(
        () -> {
          // each row is converted as the writer takes it; a row that does not fit fails the
          // write, and the writer deletes what it wrote
          List<DataFile> files =
              DataFileWriter.write(
                  current,
                  schema,
                  spec,
                  DataFileWriter.targetFileSize(current),
                  DataFileWriter.mostlyDistinct(schema, flat),
                  converted(columns, flat));
          return new WrittenFiles(files, flat.size());
        },
        lake.writers());
  }

  /**
   * Commits written files in one append snapshot carrying {@code snapshotProperties} in its summary
   * (an empty snapshot if there are none). On failure the files are kept: retry, or {@link
   * #discard} them.
   *
   * @throws RetriableException if the commit failed; nothing was committed, retry
   * @throws OutcomeUnknownException if the commit may have landed; check {@link #lastCommitted}
   */
  public AppendResult commit(List<WrittenFiles> written, Map<String, String> snapshotProperties) {
    return commitIf(written, snapshotProperties, Optional.empty());
  }

  /**
   * Commits written files as {@link #commit} does, only if {@code expected} (when present) still
   * holds on the table the commit applies to.
   *
   * @throws CommitConflictException if {@code expected} no longer holds; nothing was committed
   */
  public AppendResult commitIf(
      List<WrittenFiles> written,
      Map<String, String> snapshotProperties,
      Optional<SummaryExpectation> expected) {
    Objects.requireNonNull(written, "written is null");
    Objects.requireNonNull(snapshotProperties, "snapshotProperties is null");
    Objects.requireNonNull(expected, "expected is null");
    refresh(ensureTable(List.of()));
    return result(written, writer.commit(change(written, snapshotProperties, expected)));
  }

  private static TableChange change(
      List<WrittenFiles> written,
      Map<String, String> snapshotProperties,
      Optional<SummaryExpectation> expected) {
    List<DataFile> files = new ArrayList<>();
    written.forEach(w -> files.addAll(w.files()));
    return expected
        .map(e -> TableChange.appendIf(files, snapshotProperties, e))
        .orElseGet(() -> TableChange.append(files, snapshotProperties));
  }

  private static AppendResult result(List<WrittenFiles> written, Committed committed) {
    return new AppendResult(
        committed.snapshotId(),
        written.stream().mapToInt(WrittenFiles::rows).sum(),
        written.stream().mapToInt(WrittenFiles::fileCount).sum(),
        written.stream().mapToLong(WrittenFiles::bytes).sum(),
        committed.latency());
  }

  /**
   * The doc of each top-level column of the table ({@code null} where a column has none); empty if
   * the table does not exist yet.
   */
  public Map<String, String> columnDocs() {
    Table current = writer.table().orElse(null);
    if (current == null) {
      return Map.of();
    }
    Map<String, String> docs = new HashMap<>();
    current.schema().columns().forEach(field -> docs.put(field.name(), field.doc()));
    return docs;
  }

  /**
   * Refreshes the table, checking it is still the one this sink created or first loaded.
   *
   * @throws TableReplacedException if it was dropped, or another table now has its name
   */
  private void refresh(Table current) {
    try {
      current.refresh();
    } catch (NoSuchTableException | NullPointerException e) {
      // Iceberg's JDBC catalog fails with either once the table is gone
      throw new TableReplacedException(
          "Table " + id + " was dropped while it was being written: " + e.getMessage(), e);
    } catch (IllegalStateException e) {
      if (e.getMessage() == null || !e.getMessage().startsWith("Table UUID does not match")) {
        throw e;
      }
      throw replaced(e.getMessage(), e); // Iceberg's own check, on refreshing a loaded table
    }
    String uuid = current.uuid().toString();
    if (!uuid.equals(tableUuid)) {
      throw replaced("UUID " + uuid + " instead of " + tableUuid, null);
    }
  }

  private TableReplacedException replaced(String detail, Throwable cause) {
    return new TableReplacedException(
        "Table "
            + id
            + " was replaced by another table while it was being written ("
            + detail
            + "); not writing into a table this writer did not create",
        cause);
  }

  /** Deletes written files that will not be committed. */
  public void discard(List<WrittenFiles> written) {
    ensureTable(List.of());
    written.forEach(w -> writer.discard(w.files()));
  }

  /** The result of a write, unwrapping its failure. */
  public static WrittenFiles join(CompletableFuture<WrittenFiles> write) {
    try {
      return write.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /**
   * The value of snapshot summary property {@code key} in the newest snapshot that has it, among
   * the current snapshot and its ancestors; empty if none has it or the table does not exist.
   */
  public Optional<String> lastCommitted(String key) {
    Objects.requireNonNull(key, "key is null");
    Table table = writer.table().orElse(null);
    if (table == null) {
      return Optional.empty();
    }
    if (tableUuid == null) {
      tableUuid = table.uuid().toString();
    }
    refresh(table);
    for (Snapshot snapshot : SnapshotUtil.currentAncestors(table)) {
      String value = snapshot.summary().get(key);
      if (value != null) {
        return Optional.of(value);
      }
    }
    return Optional.empty();
  }

  private Table ensureTable(List<FlatRow> rows) {
    Optional<Table> existing = writer.table();
    if (existing.isPresent()) {
      if (tableUuid == null) {
        tableUuid = existing.get().uuid().toString();
      }
      return existing.get();
    }
    List<Types.NestedField> fields = new ArrayList<>();
    SchemaChanges.of(new Columns(new Schema()), rows, null)
        .added()
        .forEach(
            (name, type) ->
                fields.add(
                    Types.NestedField.optional(fields.size() + 1, name, type, docs.apply(name))));
    Schema schema = new Schema(fields);
    PartitionSpec.Builder spec = PartitionSpec.builderFor(schema);
    for (PartitionField field : partitionBy) {
      if (applicable(schema, field)) {
        spec = addTo(spec, field);
      }
    }
    Table created = writer.create(schema, spec.build(), Map.of());
    tableUuid = created.uuid().toString();
    return created;
  }

  private List<PartitionField> missingPartitionFields(Table current) {
    Schema schema = current.schema();
    List<PartitionField> missing = new ArrayList<>();
    for (PartitionField field : partitionBy) {
      if (!applicable(schema, field)) {
        continue;
      }
      int sourceId = schema.findField(field.column()).fieldId();
      String transform = transform(field).toString();
      boolean present =
          current.spec().fields().stream()
              .anyMatch(
                  f -> f.sourceId() == sourceId && f.transform().toString().equals(transform));
      if (!present) {
        missing.add(field);
      }
    }
    return missing;
  }

  /** Whether the field's column exists and its transform can apply to the column's type. */
  private boolean applicable(Schema schema, PartitionField field) {
    Types.NestedField column = schema.findField(field.column());
    if (column == null) {
      return false;
    }
    boolean fits = transform(field).canTransform(column.type());
    if (!fits && warned.add(field)) {
      LOG.warn(
          "Table {}: cannot partition by {}: column {} is {}; leaving it out",
          id,
          field,
          field.column(),
          column.type());
    }
    return fits;
  }

  static Transform<?, ?> transform(PartitionField field) {
    return switch (field.transform()) {
      case IDENTITY -> Transforms.identity();
      case YEAR -> Transforms.year();
      case MONTH -> Transforms.month();
      case DAY -> Transforms.day();
      case HOUR -> Transforms.hour();
      case BUCKET -> Transforms.bucket(field.parameter());
      case TRUNCATE -> Transforms.truncate(field.parameter());
    };
  }

  static Term term(PartitionField field) {
    String column = field.column();
    return switch (field.transform()) {
      case IDENTITY -> Expressions.ref(column);
      case YEAR -> Expressions.year(column);
      case MONTH -> Expressions.month(column);
      case DAY -> Expressions.day(column);
      case HOUR -> Expressions.hour(column);
      case BUCKET -> Expressions.bucket(column, field.parameter());
      case TRUNCATE -> Expressions.truncate(column, field.parameter());
    };
  }

  static PartitionSpec.Builder addTo(PartitionSpec.Builder spec, PartitionField field) {
    String column = field.column();
    return switch (field.transform()) {
      case IDENTITY -> spec.identity(column);
      case YEAR -> spec.year(column);
      case MONTH -> spec.month(column);
      case DAY -> spec.day(column);
      case HOUR -> spec.hour(column);
      case BUCKET -> spec.bucket(column, field.parameter());
      case TRUNCATE -> spec.truncate(column, field.parameter());
    };
  }

  private Columns columns(Schema schema) {
    if (columns == null || columns.schema != schema) {
      columns = new Columns(schema);
    }
    return columns;
  }

  private static Map<Integer, Rejection> rejections(Columns columns, List<FlatRow> rows) {
    Map<Integer, Rejection> rejected = new LinkedHashMap<>();
    Lookup lookup = columns.lookup();
    for (int i = 0; i < rows.size(); i++) {
      Rejection rejection = check(lookup, rows.get(i), null);
      if (rejection != null) {
        rejected.put(i, rejection);
      }
    }
    return rejected;
  }

  /**
   * Why {@code row} cannot be written, or {@code null} if it can; then, with {@code converted} not
   * null, its values converted for the writer are in {@code converted}, by column position.
   */
  private static Rejection check(Lookup lookup, FlatRow row, Object[] converted) {
    for (int index = 0; index < row.size(); index++) {
      Object value = row.valueAt(index);
      if (value == null) {
        continue;
      }
      String key = row.keyAt(index);
      Column column = lookup.find(index, key);
      boolean fits;
      if (column == null || converted == null) {
        fits = column != null && ColumnValues.fits(column.field().type(), value);
      } else {
        Object writable = ColumnValues.convertIfFits(column.field().type(), value);
        fits = writable != null;
        if (fits && column.position() >= 0) {
          converted[column.position()] = writable;
        }
      }
      if (!fits) {
        return rejection(key, column, value);
      }
    }
    return missingRequired(lookup.columns(), row);
  }

  /** Why {@code value} (not null) of key {@code name} does not fit its column (null if none). */
  private static Rejection rejection(String name, Column column, Object value) {
    boolean unsupported = ColumnValues.kindOf(value) == ColumnValues.Kind.UNSUPPORTED;
    if (column == null) {
      return unsupported
          ? new Rejection(
              "unsupported_value", "column '" + name + "' got " + ColumnValues.describe(value))
          : new Rejection(
              "unknown_column",
              "column '" + name + "' does not exist (prepare the batch to add it)");
    }
    return new Rejection(
        unsupported ? "unsupported_value" : "type_mismatch",
        ColumnValues.mismatch(column.field().name(), column.field().type(), value));
  }

  private static Rejection missingRequired(Columns columns, FlatRow row) {
    for (Types.NestedField field : columns.required) {
      if (row.get(field.name()) == null) {
        return new Rejection(
            "missing_required", "column '" + field.name() + "' is required, got no value");
      }
    }
    return null;
  }

  /**
   * The rows converted, one at a time into one reused {@link Row} (the writer takes each row before
   * asking for the next).
   *
   * @throws InvalidInputException from {@code next()} if a row does not fit the table
   */
  private Iterator<StructLike> converted(Columns columns, List<FlatRow> rows) {
    Row row = new Row(new Object[columns.count]);
    Lookup lookup = columns.lookup();
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < rows.size();
      }

      @Override
      public StructLike next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        int index = next++;
        Arrays.fill(row.values, null);
        Rejection rejection = check(lookup, rows.get(index), row.values);
        if (rejection != null) {
          throw new InvalidInputException(
              ErrorCode.ROW_REJECTED,
              "Row "
                  + index
                  + " cannot be written to table "
                  + id
                  + ": "
                  + rejection.code()
                  + ", "
                  + rejection.reason()
                  + " (prepare the batch and leave out rejected rows)");
        }
        return row;
      }
    };
  }

  /** A row of converted values, in Iceberg's internal representation, by column position. */
  private record Row(Object[] values) implements StructLike {
    @Override
    public int size() {
      return values.length;
    }

    @Override
    public <T> T get(int pos, Class<T> javaClass) {
      return javaClass.cast(values[pos]);
    }

    @Override
    public <T> void set(int pos, T value) {
      throw new UnsupportedOperationException("Rows are read only");
    }
  }

  /** A schema's top-level columns by name, for lookups per value. */
  private static final class Columns {
    final Schema schema;
    final int count;
    final List<Types.NestedField> required;
    private final Map<String, Column> byName;

    Columns(Schema schema) {
      this.schema = schema;
      List<Types.NestedField> fields = schema.columns();
      this.count = fields.size();
      this.required = fields.stream().filter(Types.NestedField::isRequired).toList();
      this.byName = new HashMap<>(fields.size() * 2);
      for (int i = 0; i < fields.size(); i++) {
        byName.put(fields.get(i).name(), new Column(i, fields.get(i)));
      }
    }

    /**
     * The column {@code name} refers to, as {@link Schema#findField(String)} finds it; a nested
     * field has no position (position -1: it is not written).
     */
    Lookup lookup() {
      return new Lookup(this);
    }

    Column find(String name) {
      Column column = byName.get(name);
      if (column != null) {
        return column;
      }
      Types.NestedField nested = schema.findField(name);
      return nested == null ? null : new Column(-1, nested);
    }
  }

  private record Column(int position, Types.NestedField field) {}

  /**
   * Finds the columns of rows' keys, remembering the column of each key position of the previous
   * rows: the rows of one stream mostly have the same keys in the same order, and the {@link
   * Flattener} gives a key path the same {@code String} each time, so a row whose key at a position
   * is the same instance as before needs no lookup by name. Rows with other keys are looked up as
   * usual. One per pass over rows (not thread-safe).
   */
  private static final class Lookup {
    private final Columns columns;
    private String[] keys = new String[16];
    private Column[] found = new Column[16];

    Lookup(Columns columns) {
      this.columns = columns;
    }

    Columns columns() {
      return columns;
    }

    /** The column of {@code key}, the key at position {@code index} of its row; null if none. */
    Column find(int index, String key) {
      if (index < keys.length && keys[index] == key) {
        return found[index];
      }
      Column column = columns.find(key);
      if (index >= keys.length) {
        int length = Math.max(index + 1, keys.length * 2);
        keys = Arrays.copyOf(keys, length);
        found = Arrays.copyOf(found, length);
      }
      keys[index] = key;
      found[index] = column;
      return column;
    }
  }

  /** The schema changes a batch needs: new columns and type promotions, in first-seen order. */
  private record SchemaChanges(Map<String, Type> added, Map<String, Type> promoted) {
    /**
     * The changes {@code rows} need; with {@code rejected} not null, also puts there, by row index,
     * why a row cannot be written to the table as {@code columns} describe it (as {@link #check}).
     */
    static SchemaChanges of(Columns columns, List<FlatRow> rows, Map<Integer, Rejection> rejected) {
      Map<String, Set<ColumnValues.Kind>> newColumns = new LinkedHashMap<>();
      Map<String, Type> promoted = new LinkedHashMap<>();
      Lookup lookup = columns.lookup();
      for (int i = 0; i < rows.size(); i++) {
        FlatRow row = rows.get(i);
        Rejection rejection = null;
        for (int index = 0; index < row.size(); index++) {
          Object value = row.valueAt(index);
          if (value == null) {
            continue;
          }
          String key = row.keyAt(index);
          Column column = lookup.find(index, key);
          Types.NestedField field = column == null ? null : column.field();
          if (rejected != null
              && rejection == null
              && (field == null || !ColumnValues.fits(field.type(), value))) {
            rejection = rejection(key, column, value);
          }
          if (field == null) {
            ColumnValues.Kind kind = ColumnValues.kindOf(value);
            if (kind != ColumnValues.Kind.UNSUPPORTED) {
              newColumns
                  .computeIfAbsent(key, k -> EnumSet.noneOf(ColumnValues.Kind.class))
                  .add(kind);
            }
          } else if (field.type().typeId() == Type.TypeID.INTEGER
              && ColumnValues.needsLong(value)) {
            promoted.put(field.name(), Types.LongType.get());
          } else if (field.type().typeId() == Type.TypeID.FLOAT && value instanceof Double) {
            promoted.put(field.name(), Types.DoubleType.get());
          }
        }
        if (rejected != null) {
          rejection = rejection != null ? rejection : missingRequired(columns, row);
          if (rejection != null) {
            rejected.put(i, rejection);
          }
        }
      }
      Map<String, Type> added = new LinkedHashMap<>();
      newColumns.forEach((name, kinds) -> added.put(name, ColumnValues.infer(kinds)));
      return new SchemaChanges(added, promoted);
    }

    boolean isEmpty() {
      return added.isEmpty() && promoted.isEmpty();
    }

    /**
     * The schema to evolve {@code current} with: the promoted columns in their new type and the new
     * columns (columns left out are kept).
     */
    Schema incoming(Schema current, Function<String, String> docOf) {
      List<Types.NestedField> fields = new ArrayList<>();
      int[] id = {current.highestFieldId()};
      promoted.forEach((name, type) -> fields.add(Types.NestedField.optional(++id[0], name, type)));
      added.forEach(
          (name, type) ->
              fields.add(Types.NestedField.optional(++id[0], name, type, docOf.apply(name))));
      return new Schema(fields);
    }
  }
}
