package io.tributary.query;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.jdbc.JdbcCatalog;

/** A real lake for tests: an Iceberg JDBC catalog on SQLite and Parquet files under a folder. */
public final class TestLake implements AutoCloseable {
  private final Path lakeDirectory;
  private final JdbcCatalog catalog = new JdbcCatalog();
  private final AtomicInteger task = new AtomicInteger();

  public TestLake(Path dir, String... namespaces) {
    this.lakeDirectory = dir.resolve("lake");
    catalog.initialize(
        "lake",
        Map.of(
            CatalogProperties.URI,
            "jdbc:sqlite:" + dir.resolve("catalog.db"),
            CatalogProperties.WAREHOUSE_LOCATION,
            "file://" + lakeDirectory,
            CatalogProperties.FILE_IO_IMPL,
            LocalFileIO.class.getName(),
            "jdbc.schema-version",
            "V1"));
    for (String namespace : namespaces) {
      catalog.createNamespace(Namespace.of(namespace));
    }
  }

  public JdbcCatalog catalog() {
    return catalog;
  }

  public Path directory() {
    return lakeDirectory;
  }

  public Table create(String namespace, String name, Schema schema) {
    return catalog.createTable(
        TableIdentifier.of(namespace, name),
        schema,
        PartitionSpec.unpartitioned(),
        Map.of("format-version", "2"));
  }

  public Table load(String namespace, String name) {
    return catalog.loadTable(TableIdentifier.of(namespace, name));
  }

  /** Writes the rows (values in the table schema's column order) as one Parquet file; commits. */
  public void append(Table table, List<List<Object>> rows) {
    Schema schema = table.schema();
    OutputFileFactory files =
        OutputFileFactory.builderFor(table, 1, task.incrementAndGet())
            .format(FileFormat.PARQUET)
            .build();
    GenericFileWriterFactory writers =
        new GenericFileWriterFactory.Builder(table).dataFileFormat(FileFormat.PARQUET).build();
    DataWriter<Record> writer = writers.newDataWriter(files.newOutputFile(), table.spec(), null);
    try (writer) {
      for (List<Object> row : rows) {
        Record record = GenericRecord.create(schema);
        for (int i = 0; i < row.size(); i++) {
          record.set(i, row.get(i));
        }
        writer.write(record);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    table.newAppend().appendFile(writer.toDataFile()).commit();
  }

  /** Commits a position delete of the first row of every data file of the table. */
  public void deleteFirstRows(Table table) {
    OutputFileFactory files =
        OutputFileFactory.builderFor(table, 1, task.incrementAndGet())
            .format(FileFormat.PARQUET)
            .build();
    GenericFileWriterFactory writers =
        new GenericFileWriterFactory.Builder(table).deleteFileFormat(FileFormat.PARQUET).build();
    PositionDeleteWriter<Record> writer =
        writers.newPositionDeleteWriter(files.newOutputFile(), table.spec(), null);
    try (writer;
        CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask scanTask : tasks) {
        writer.write(PositionDelete.<Record>create().set(scanTask.file().location(), 0));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    table.newRowDelta().addDeletes(writer.toDeleteFile()).commit();
  }

  @Override
  public void close() throws IOException {
    catalog.close();
  }
}
