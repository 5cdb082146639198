package io.tributary.batch.internal;

import io.tributary.batch.format.Classification;
import io.tributary.batch.format.ExtraColumns;
import io.tributary.batch.format.RowReader;
import io.tributary.batch.format.RowReaders;
import io.tributary.batch.format.SourceRow;
import java.io.IOException;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.io.RollingDataWriter;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.PropertyUtil;

/**
 * Streams one source file into Parquet data files of its table (one partition: the file's folder
 * values), and its rejected rows into data files of the error table. Nothing is committed here.
 */
final class FileLoader {
  /** The error table's columns. */
  static final Schema ERRORS_SCHEMA =
      new Schema(
          Types.NestedField.optional(1, "source_file", Types.StringType.get()),
          Types.NestedField.optional(2, "line", Types.LongType.get()),
          Types.NestedField.optional(3, "reason", Types.StringType.get()),
          Types.NestedField.optional(4, "raw_text", Types.StringType.get()),
          Types.NestedField.optional(5, "crawl_run", Types.StringType.get()),
          Types.NestedField.optional(6, "crawled_at", Types.TimestampType.withZone()));

  private static final int MAX_RAW_TEXT = 64 << 10;

  /**
   * What loading one file wrote, and which loader did: {@code duckdb} (the fast path) or {@code
   * rows} (the row reader).
   */
  record Loaded(
      List<DataFile> data, List<DataFile> errors, long rows, long errorRows, String loader) {}

  private FileLoader() {}

  /**
   * Loads {@code file}.
   *
   * @param partitions the file's partition column values (set on every row)
   * @param errorsTable the error table, or null to not write rejected rows (the error table already
   *     holds them)
   * @param progress incremented by the bytes read
   */
  static Loaded load(
      Table table,
      Path file,
      String sourcePath,
      Classification classification,
      Map<String, Object> partitions,
      Supplier<Table> errorsTable,
      String runId,
      OffsetDateTime now,
      AtomicLong progress)
      throws IOException {
    Schema schema = table.schema();
    RollingDataWriter<Record> data = writer(table, schema, partitionKey(table, schema, partitions));
    RollingDataWriter<Record> errors = null;
    Table errorTable = null;
    GenericRecord error = GenericRecord.create(ERRORS_SCHEMA);
    long rows = 0;
    long errorRows = 0;
    long reported = 0;
    boolean done = false;
    // Keys or columns the table lacks are dropped only when the schema-change policy chose so (the
    // file's sampled schema has columns the table lacks: on-schema-change log, reported); otherwise
    // a JSON key the sample did not see rejects its row with a reason instead of being lost.
    boolean dropping =
        TypeUtil.indexByName(classification.schema().asStruct()).keySet().stream()
            .anyMatch(name -> schema.findField(name) == null);
    ExtraColumns extra = dropping ? ExtraColumns.IGNORE : ExtraColumns.FAIL;
    try (RowReader reader = RowReaders.open(file, classification, schema, extra)) {
      for (SourceRow row = reader.next(); row != null; row = reader.next()) {
        if (row.rejected()) {
          errorRows++;
          if (errorsTable != null) {
            if (errors == null) {
              errorTable = errorsTable.get();
              errors = writer(errorTable, ERRORS_SCHEMA, null);
            }
            error.setField("source_file", sourcePath);
            error.setField("line", row.line());
            error.setField("reason", row.rejectReason());
            String raw = row.rawText();
            error.setField(
                "raw_text",
                raw != null && raw.length() > MAX_RAW_TEXT ? raw.substring(0, MAX_RAW_TEXT) : raw);
            error.setField("crawl_run", runId);
            error.setField("crawled_at", now);
            errors.write(error);
          }
          continue;
        }
        Record record = row.record();
        for (Map.Entry<String, Object> partition : partitions.entrySet()) {
          if (schema.findField(partition.getKey()) != null) {
            record.setField(partition.getKey(), partition.getValue());
          }
        }
        data.write(record);
        rows++;
        if ((rows & 1023) == 0) {
          long read = reader.bytesRead();
          progress.addAndGet(read - reported);
          reported = read;
        }
      }
      progress.addAndGet(reader.bytesRead() - reported);
      done = true;
    } finally {
      data.close();
      if (errors != null) {
        errors.close();
      }
      if (!done) {
        delete(table, data.result().dataFiles());
        if (errors != null) {
          delete(errorTable, errors.result().dataFiles());
        }
      }
    }
    return new Loaded(
        data.result().dataFiles(),
        errors == null ? List.of() : errors.result().dataFiles(),
        rows,
        errorRows,
        "rows");
  }

  static void delete(Table table, List<DataFile> files) {
    for (DataFile file : files) {
      try {
        table.io().deleteFile(file.location());
      } catch (RuntimeException ignored) {
        // an orphan file is harmless: no snapshot refers to it
      }
    }
  }

  private static RollingDataWriter<Record> writer(
      Table table, Schema schema, PartitionKey partition) {
    GenericFileWriterFactory writers =
        new GenericFileWriterFactory.Builder(table)
            .dataFileFormat(FileFormat.PARQUET)
            .dataSchema(schema)
            .build();
    OutputFileFactory files =
        OutputFileFactory.builderFor(table, 1, 1)
            .format(FileFormat.PARQUET)
            .operationId(UUID.randomUUID().toString())
            .build();
    long target =
        PropertyUtil.propertyAsLong(
            table.properties(),
            TableProperties.WRITE_TARGET_FILE_SIZE_BYTES,
            TableProperties.WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT);
    return new RollingDataWriter<>(writers, files, table.io(), target, table.spec(), partition);
  }

  /** The partition of a file's rows, from its folder's partition values; null if unpartitioned. */
  static PartitionKey partitionKey(Table table, Schema schema, Map<String, Object> partitions) {
    if (table.spec().isUnpartitioned()) {
      return null;
    }
    GenericRecord values = GenericRecord.create(schema);
    partitions.forEach(
        (name, value) -> {
          if (schema.findField(name) != null) {
            values.setField(name, value);
          }
        });
    PartitionKey key = new PartitionKey(table.spec(), schema);
    key.partition(new InternalRecordWrapper(schema.asStruct()).wrap(values));
    return key;
  }

  static List<String> locations(List<DataFile> files) {
    List<String> result = new ArrayList<>(files.size());
    files.forEach(file -> result.add(file.location()));
    return result;
  }
}
