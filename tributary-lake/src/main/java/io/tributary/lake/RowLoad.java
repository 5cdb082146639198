package io.tributary.lake;

import io.tributary.core.config.PartitionField;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Writes a stream of rows (a query's result) into a table through its {@link TableWriter}, in one
 * commit: creates the table with the rows' schema and {@code partitionBy} if it is missing, evolves
 * its schema and partition spec under the writer's rules otherwise, writes Parquet files with the
 * table's spec and commits them as an append, a replacement of the whole table, or a replacement of
 * exactly the partitions the rows hold.
 */
public final class RowLoad {
  /** How the rows' files replace what the table holds. */
  public enum Mode {
    /** Adds the rows. */
    APPEND,
    /** Replaces every row of the table. */
    REPLACE,
    /** Replaces the partitions the rows fall in; other partitions are kept. */
    OVERWRITE_PARTITIONS
  }

  private final TableWriter writer;
  private final List<PartitionField> partitionBy;

  /**
   * @param partitionBy the table's partition fields; those whose column is missing or whose
   *     transform cannot apply are left out
   */
  public RowLoad(TableWriter writer, List<PartitionField> partitionBy) {
    this.writer = Objects.requireNonNull(writer, "writer is null");
    this.partitionBy = List.copyOf(partitionBy);
  }

  /**
   * Writes {@code rows} and commits them with {@code summary} in the new snapshot.
   *
   * @param schema the rows' schema (all fields optional); its field names match the table's
   * @param rows rows of {@code schema} in Iceberg's internal representation (dates as {@code
   *     Integer} days, timestamps as {@code Long} microseconds, strings as {@code CharSequence})
   * @return the committed snapshot
   * @throws SchemaChangeRejectedException if the table cannot take the rows' schema
   */
  public Committed write(
      Schema schema, Iterator<? extends StructLike> rows, Mode mode, Map<String, String> summary) {
    Table table = writer.table().orElseGet(() -> create(schema));
    writer.evolveSchema(schema);
    writer.evolveSpec(
        current ->
            missingFields(current).stream()
                .map(TableSink::term)
                .toList()); // under the lock, on the refreshed table
    table.refresh();
    Schema tableSchema = table.schema();
    List<Types.NestedField> written = new ArrayList<>();
    for (Types.NestedField field : schema.columns()) {
      written.add(tableSchema.findField(field.name()));
    }
    Schema writtenSchema = new Schema(written);
    Iterator<StructLike> converted = new Widened(rows, schema, writtenSchema);
    List<DataFile> files =
        DataFileWriter.write(
            table, writtenSchema, table.spec(), DataFileWriter.targetFileSize(table), converted);
    TableChange change =
        switch (mode) {
          case APPEND -> TableChange.append(files, summary);
          case REPLACE -> TableChange.overwrite(Expressions.alwaysTrue(), files, summary);
          case OVERWRITE_PARTITIONS ->
              files.isEmpty()
                  ? TableChange.append(files, summary)
                  : TableChange.replacePartitions(files, summary);
        };
    return writer.commitOrDiscard(change);
  }

  private Table create(Schema schema) {
    PartitionSpec.Builder spec = PartitionSpec.builderFor(schema);
    for (PartitionField field : partitionBy) {
      if (applicable(schema, field)) {
        spec = TableSink.addTo(spec, field);
      }
    }
    return writer.create(schema, spec.build(), Map.of());
  }

  private List<PartitionField> missingFields(Table current) {
    Schema schema = current.schema();
    List<PartitionField> missing = new ArrayList<>();
    for (PartitionField field : partitionBy) {
      if (!applicable(schema, field)) {
        continue;
      }
      int sourceId = schema.findField(field.column()).fieldId();
      String transform = TableSink.transform(field).toString();
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

  private static boolean applicable(Schema schema, PartitionField field) {
    Types.NestedField column = schema.findField(field.column());
    return column != null && TableSink.transform(field).canTransform(column.type());
  }

  /** Rows of the incoming schema seen with the table's (possibly wider) types. */
  private static final class Widened implements Iterator<StructLike>, StructLike {
    private final Iterator<? extends StructLike> rows;
    private final Type.TypeID[] from;
    private final Type.TypeID[] to;
    private StructLike row;

    Widened(Iterator<? extends StructLike> rows, Schema incoming, Schema table) {
      this.rows = rows;
      int width = incoming.columns().size();
      this.from = new Type.TypeID[width];
      this.to = new Type.TypeID[width];
      for (int i = 0; i < width; i++) {
        from[i] = incoming.columns().get(i).type().typeId();
        to[i] = table.columns().get(i).type().typeId();
      }
    }

    @Override
    public boolean hasNext() {
      return rows.hasNext();
    }

    @Override
    public StructLike next() {
      row = rows.next();
      return this;
    }

    @Override
    public int size() {
      return from.length;
    }

    @Override
    public <T> T get(int pos, Class<T> javaClass) {
      Object value = row.get(pos, Object.class);
      if (value != null && from[pos] != to[pos]) {
        if (to[pos] == Type.TypeID.LONG && value instanceof Integer i) {
          value = i.longValue();
        } else if (to[pos] == Type.TypeID.DOUBLE && value instanceof Float f) {
          value = f.doubleValue();
        }
      }
      return javaClass.cast(value);
    }

    @Override
    public <T> void set(int pos, T value) {
      throw new UnsupportedOperationException("read-only row");
    }
  }
}
