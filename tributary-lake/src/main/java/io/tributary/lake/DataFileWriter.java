package io.tributary.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.parquet.InternalWriter;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.FanoutDataWriter;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileWriterFactory;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.PropertyUtil;

/**
 * Writes rows as Parquet data files of a table, partitioned by its current spec. Rows are in
 * Iceberg's internal representation (timestamps as {@code Long} microseconds, strings as any {@code
 * CharSequence}), written by Iceberg's {@link InternalWriter}: no {@code OffsetDateTime} per value,
 * and the partition key reads the row as it is.
 */
final class DataFileWriter {
  /** Iceberg's per-column switch of Parquet dictionary encoding, followed by the column's name. */
  static final String DICTIONARY_PREFIX = "write.parquet.dict-encoding-enabled.column.";

  private DataFileWriter() {}

  /** The table's target file size ({@code write.target-file-size-bytes}). */
  static long targetFileSize(Table table) {
    return PropertyUtil.propertyAsLong(
        table.properties(),
        TableProperties.WRITE_TARGET_FILE_SIZE_BYTES,
        TableProperties.WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT);
  }

  /** Rows sampled to tell whether a string column's values are mostly distinct. */
  static final int SAMPLED_ROWS = 1_000;

  /** Distinct values per sampled value above which a column is written without a dictionary. */
  static final double DISTINCT_RATIO = 0.9;

  /** Sampled values below which a column keeps its dictionary (too few to tell). */
  private static final int MIN_SAMPLED_VALUES = 100;

  /**
   * The top-level string columns of {@code schema} whose values in {@code rows} (rows as {@link
   * TableSink} takes them, by column name) are mostly distinct, judged on up to {@link
   * #SAMPLED_ROWS} rows spread over the batch: ids and the like, for which a Parquet dictionary
   * costs a hash lookup per value and then falls back to plain encoding or saves nothing.
   */
  static Set<String> mostlyDistinct(Schema schema, List<? extends Map<String, Object>> rows) {
    Map<String, Set<Object>> values = new HashMap<>();
    for (Types.NestedField field : schema.columns()) {
      if (field.type().typeId() == Type.TypeID.STRING) {
        values.put(field.name(), new HashSet<>());
      }
    }
    if (values.isEmpty() || rows.size() < MIN_SAMPLED_VALUES) {
      return Set.of();
    }
    Map<String, Integer> sampled = new HashMap<>();
    int step = Math.max(1, rows.size() / SAMPLED_ROWS);
    for (int i = 0; i < rows.size(); i += step) {
      rows.get(i)
          .forEach(
              (column, value) -> {
                Set<Object> seen = values.get(column);
                if (seen != null && value != null) {
                  seen.add(value);
                  sampled.merge(column, 1, Integer::sum);
                }
              });
    }
    Set<String> distinct = new HashSet<>();
    sampled.forEach(
        (column, count) -> {
          if (count >= MIN_SAMPLED_VALUES && values.get(column).size() > DISTINCT_RATIO * count) {
            distinct.add(column);
          }
        });
    return distinct;
  }

  /**
   * Writes {@code rows} (of {@code schema}, each consumed before the next is asked for) into new
   * files partitioned by {@code spec}, none larger than about {@code targetFileSize}. On failure,
   * deletes what it wrote.
   */
  static List<DataFile> write(
      Table table,
      Schema schema,
      PartitionSpec spec,
      long targetFileSize,
      Iterator<? extends StructLike> rows) {
    return write(table, schema, spec, targetFileSize, Set.of(), rows);
  }

  /**
   * Writes {@code rows} as {@link #write(Table, Schema, PartitionSpec, long, Iterator)} does, the
   * top-level columns {@code withoutDictionary} without a Parquet dictionary (unless the table sets
   * it for them). On failure, deletes what it wrote.
   */
  static List<DataFile> write(
      Table table,
      Schema schema,
      PartitionSpec spec,
      long targetFileSize,
      Set<String> withoutDictionary,
      Iterator<? extends StructLike> rows) {
    OutputFileFactory files =
        OutputFileFactory.builderFor(table, 0, 0)
            .format(FileFormat.PARQUET)
            .operationId(UUID.randomUUID().toString())
            .build();
    FanoutDataWriter<StructLike> writer =
        new FanoutDataWriter<>(
            new InternalFiles(table, schema, withoutDictionary), files, table.io(), targetFileSize);
    Partitioner partitioner = spec.isUnpartitioned() ? null : new Partitioner(spec, schema);
    try {
      while (rows.hasNext()) {
        StructLike row = rows.next();
        writer.write(row, spec, partitioner == null ? null : partitioner.keyOf(row));
      }
      writer.close();
    } catch (IOException | RuntimeException e) {
      try {
        writer.close();
        delete(table.io(), writer.result().dataFiles());
      } catch (IOException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException("Cannot write data files of table " + table.name(), io);
      }
      throw (RuntimeException) e;
    }
    return writer.result().dataFiles();
  }

  /** Deletes files that were written but will not be committed. */
  static void delete(FileIO io, List<DataFile> files) {
    files.forEach(file -> io.deleteFile(file.location()));
  }

  /**
   * A row's partition key, computed again only when a source column's value differs from the
   * previous row's (rows of one batch mostly share their {@code _ingested_at}, and a time transform
   * per row is costly).
   */
  private static final class Partitioner {
    private final PartitionKey key;
    private final int[] sources;
    private final Object[] last;
    private boolean computed;

    Partitioner(PartitionSpec spec, Schema schema) {
      this.key = new PartitionKey(spec, schema);
      List<Types.NestedField> columns = schema.columns();
      this.sources =
          spec.fields().stream()
              .mapToInt(
                  field -> columns.indexOf(schema.findField(field.sourceId()))) // -1 if nested
              .toArray();
      this.last = new Object[sources.length];
    }

    PartitionKey keyOf(StructLike row) {
      boolean same = computed;
      for (int i = 0; i < sources.length; i++) {
        Object value = sources[i] < 0 ? null : row.get(sources[i], Object.class);
        same &= sources[i] >= 0 && Objects.equals(value, last[i]);
        last[i] = value;
      }
      if (!same) {
        key.partition(row);
        computed = true;
      }
      return key;
    }
  }

  /** Parquet data files of the table's properties and metrics, written from internal rows. */
  private record InternalFiles(Table table, Schema schema, Set<String> withoutDictionary)
      implements FileWriterFactory<StructLike> {
    @Override
    public DataWriter<StructLike> newDataWriter(
        EncryptedOutputFile file, PartitionSpec spec, StructLike partition) {
      try {
        Parquet.DataWriteBuilder builder = Parquet.writeData(file);
        for (String column : withoutDictionary) {
          // a table property for the column still decides (forTable sets it after this)
          builder.set(DICTIONARY_PREFIX + column, "false");
        }
        return builder
            .forTable(table)
            .schema(schema)
            .withSpec(spec)
            .withPartition(partition)
            .createWriterFunc(InternalWriter::createWriter)
            .overwrite()
            .build();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot open a data file of table " + table.name(), e);
      }
    }

    @Override
    public EqualityDeleteWriter<StructLike> newEqualityDeleteWriter(
        EncryptedOutputFile file, PartitionSpec spec, StructLike partition) {
      throw new UnsupportedOperationException("Data files only");
    }

    @Override
    public PositionDeleteWriter<StructLike> newPositionDeleteWriter(
        EncryptedOutputFile file, PartitionSpec spec, StructLike partition) {
      throw new UnsupportedOperationException("Data files only");
    }
  }
}
