package io.tributary.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.FanoutDataWriter;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.util.PropertyUtil;

/** Writes records as Parquet data files of a table, partitioned by its current spec. */
final class DataFileWriter {
  private DataFileWriter() {}

  /** The table's target file size ({@code write.target-file-size-bytes}). */
  static long targetFileSize(Table table) {
    return PropertyUtil.propertyAsLong(
        table.properties(),
        TableProperties.WRITE_TARGET_FILE_SIZE_BYTES,
        TableProperties.WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT);
  }

  /**
   * Writes {@code records} (of {@code schema}) into new files partitioned by {@code spec}, none
   * larger than about {@code targetFileSize}. On failure, deletes what it wrote.
   */
  static List<DataFile> write(
      Table table,
      Schema schema,
      PartitionSpec spec,
      long targetFileSize,
      Iterator<Record> records) {
    GenericFileWriterFactory writers =
        new GenericFileWriterFactory.Builder(table)
            .dataFileFormat(FileFormat.PARQUET)
            .dataSchema(schema)
            .build();
    OutputFileFactory files =
        OutputFileFactory.builderFor(table, 0, 0)
            .format(FileFormat.PARQUET)
            .operationId(UUID.randomUUID().toString())
            .build();
    FanoutDataWriter<Record> writer =
        new FanoutDataWriter<>(writers, files, table.io(), targetFileSize);
    PartitionKey key = spec.isUnpartitioned() ? null : new PartitionKey(spec, schema);
    InternalRecordWrapper wrapper = new InternalRecordWrapper(schema.asStruct());
    try {
      while (records.hasNext()) {
        Record record = records.next();
        if (key != null) {
          key.partition(wrapper.wrap(record));
        }
        writer.write(record, spec, key);
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
}
