package io.tributary.bench;

import io.tributary.core.TableId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;
import org.duckdb.DuckDBResultSet;

/**
 * DuckDB reading the same Parquet files directly, on its own JDBC connection: a view per table over
 * {@code read_parquet} of the table's current files (without hive partitioning, as the engine reads
 * them: an Iceberg data file holds its partition values), created once before any timing; the same
 * threads and memory as one Tributary query. Given a sandbox directory, it reads under the engine's
 * file sandbox too (only that directory, no other external access), to tell what the sandbox costs
 * DuckDB from what the engine adds.
 */
final class DuckDbDirectPeer implements SqlPeer {
  private final Connection connection;

  DuckDbDirectPeer(Catalog catalog, List<TableId> tables, int threads, long memoryBytes)
      throws SQLException {
    this(catalog, tables, threads, memoryBytes, null);
  }

  /**
   * As the plain peer; with {@code sandbox} not null, DuckDB may read files under it alone ({@code
   * allowed_directories} and {@code enable_external_access = false}, as the query engine sets
   * them).
   */
  DuckDbDirectPeer(
      Catalog catalog, List<TableId> tables, int threads, long memoryBytes, Path sandbox)
      throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("autoinstall_known_extensions", "false");
    properties.setProperty("autoload_known_extensions", "false");
    connection = DriverManager.getConnection("jdbc:duckdb:", properties);
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET threads = " + threads);
      statement.execute("SET memory_limit = '" + (memoryBytes >> 20) + "MiB'");
      if (sandbox != null) {
        statement.execute(
            "SET allowed_directories = ['" + sandbox.toString().replace("'", "''") + "']");
        statement.execute("SET enable_external_access = false");
      }
      List<String> schemas = new ArrayList<>();
      for (TableId id : tables) {
        if (!schemas.contains(id.namespace())) {
          statement.execute("CREATE SCHEMA " + id.namespace());
          schemas.add(id.namespace());
        }
        statement.execute(
            "CREATE VIEW "
                + id
                + " AS SELECT * FROM read_parquet("
                + files(catalog.loadTable(TableIdentifier.of(id.namespace(), id.name())))
                + ", hive_partitioning = false)");
      }
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /** The table's current data files as a DuckDB list literal. */
  static String files(Table table) {
    List<String> paths = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        paths.add(task.file().location().replaceFirst("^file:(//)?", ""));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return paths.stream()
        .map(p -> "'" + p.replace("'", "''") + "'")
        .collect(Collectors.joining(", ", "[", "]"));
  }

  @Override
  public String name() {
    return "duckdb";
  }

  @Override
  public long run(String sql) throws SQLException {
    long rows = 0;
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      int width = result.getMetaData().getColumnCount();
      while (result.next()) {
        for (int i = 1; i <= width; i++) {
          result.getObject(i);
        }
        rows++;
      }
    }
    return rows;
  }

  /**
   * Runs {@code sql} and reads its result only as DuckDB's Arrow export (2,048-row batches, as the
   * engine reads it), without looking at any value: DuckDB's own scan and export, the part of a
   * fetch no encoding or protocol can avoid. Returns the row count.
   */
  long scanAndExport(String sql) throws SQLException {
    long rows = 0;
    try (BufferAllocator allocator = new RootAllocator();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql);
        ArrowReader reader =
            (ArrowReader) result.unwrap(DuckDBResultSet.class).arrowExportStream(allocator, 2048)) {
      while (reader.loadNextBatch()) {
        rows += reader.getVectorSchemaRoot().getRowCount();
      }
    } catch (IOException e) {
      throw new SQLException(e.getMessage(), e);
    }
    return rows;
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
