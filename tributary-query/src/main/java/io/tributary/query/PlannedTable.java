package io.tributary.query;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.TableId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * A lake table as planned once at the start of a query: its schema and the data files of its
 * current snapshot (its id, -1 if none), which the query's view reads and nothing else, and whether
 * the table ever had another schema. Files of a lake on S3 are read from their copies in the {@link
 * ReadThroughCache}: {@code files} holds those copies' paths and {@code remote} what to download
 * (through {@code io}) before the query reads them.
 */
record PlannedTable(
    TableId id,
    String view,
    Schema schema,
    List<Path> files,
    long snapshotId,
    boolean oneSchema,
    List<RemoteFile> remote,
    FileIO io) {
  PlannedTable {
    files = List.copyOf(files);
    remote = List.copyOf(remote);
  }

  /** A data file in remote storage and its length as Iceberg recorded it. */
  record RemoteFile(String location, long length) {}

  /**
   * Plans the current snapshot of {@code table}; its files must lie inside {@code lake}, or be
   * served by {@code cache} (null when the lake is local).
   */
  static PlannedTable plan(TableId id, Table table, Path lake, ReadThroughCache cache) {
    Snapshot current = table.currentSnapshot();
    if (current == null) {
      return new PlannedTable(
          id, id.name(), table.schema(), List.of(), -1, true, List.of(), table.io());
    }
    return plan(id, id.name(), table.schema(), table, current, lake, cache);
  }

  /**
   * Plans {@code snapshot} of {@code table}, read with the schema it was written with, as the view
   * {@code view}; its files must lie inside {@code lake}.
   */
  static PlannedTable plan(
      TableId id, String view, Table table, Snapshot snapshot, Path lake, ReadThroughCache cache) {
    Schema schema = SnapshotUtil.schemaFor(table, snapshot.snapshotId());
    return plan(id, view, schema, table, snapshot, lake, cache);
  }

  private static PlannedTable plan(
      TableId id,
      String view,
      Schema schema,
      Table table,
      Snapshot snapshot,
      Path lake,
      ReadThroughCache cache) {
    List<Path> files = new ArrayList<>();
    List<RemoteFile> remote = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks =
        table.newScan().useSnapshot(snapshot.snapshotId()).planFiles()) {
      for (FileScanTask task : tasks) {
        if (!task.deletes().isEmpty()) {
          throw new InvalidInputException(
              ErrorCode.TABLE_HAS_DELETES,
              "Cannot query table "
                  + id
                  + ": its data file "
                  + task.file().location()
                  + " has row-level delete files, which queries do not apply;"
                  + " rewrite the table without deletes first");
        }
        String location = task.file().location();
        if (cache != null && cache.serves(location)) {
          files.add(cache.localPath(location));
          remote.add(new RemoteFile(location, task.file().fileSizeInBytes()));
        } else {
          files.add(localPath(id, location, lake));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot plan the files of table " + id, e);
    }
    // a table whose schema never changed has files of that one schema: no union by name needed
    return new PlannedTable(
        id,
        view,
        schema,
        files,
        snapshot.snapshotId(),
        table.schemas().size() == 1,
        remote,
        table.io());
  }

  private static Path localPath(TableId id, String location, Path lake) {
    String path = location;
    if (path.startsWith("file:")) {
      path = path.substring("file:".length());
      if (path.startsWith("///")) {
        path = path.substring(2);
      }
    }
    Path file = Path.of(path).normalize();
    if (!file.isAbsolute() || !file.startsWith(lake)) {
      // permanent: retrying cannot help, the table's files must be moved into the lake
      throw new InvalidInputException(
          ErrorCode.TABLE_OUTSIDE_LAKE,
          "Cannot query table "
              + id
              + ": its data file "
              + location
              + " is not inside the lake's warehouse, and queries read only the lake's files");
    }
    return file;
  }

  @Override
  public String toString() {
    return id + (view.equals(id.name()) ? "" : " as " + view) + " (" + files.size() + " files)";
  }

  /**
   * The {@code read_parquet} call over the planned files, uniting their columns by name when the
   * table's schema changed over time (which costs DuckDB a read of every file's footer up front).
   */
  String readParquet() {
    return readParquet(!oneSchema);
  }

  /** The {@code read_parquet} call that unites the columns of all files, to list them. */
  String readAllColumns() {
    return readParquet(true);
  }

  /**
   * Without hive partitioning: an Iceberg data file holds its partition values, and DuckDB's
   * detection of {@code name=value} directories in 1,000 paths cost 11 ms per bind, twice a query
   * (the view's creation, then the query), and took the partition column from the path.
   */
  private String readParquet(boolean unionByName) {
    return "read_parquet("
        + fileList()
        + ", hive_partitioning = false"
        + (unionByName ? ", union_by_name = true)" : ")");
  }

  /**
   * The planned files as one DuckDB list value. A list literal of a thousand strings costs DuckDB
   * about 10 ms to parse and fold, every time a query binds the view; one string literal split on
   * newlines costs a tenth of that. A path holding a newline (never one the lake writes) falls back
   * to the literal.
   */
  String fileList() {
    List<String> paths = files.stream().map(Path::toString).toList();
    if (paths.stream().anyMatch(path -> path.indexOf('\n') >= 0)) {
      return paths.stream().map(Sql::literal).collect(Collectors.joining(", ", "[", "]"));
    }
    return "string_split(" + Sql.literal(String.join("\n", paths)) + ", chr(10))";
  }

  /**
   * The view's query: the schema's columns in order, each read from the files if any of them has it
   * ({@code fileColumns}), else a typed NULL.
   */
  String viewQuery(Set<String> fileColumns) {
    String columns =
        schema.columns().stream()
            .map(field -> column(field, fileColumns))
            .collect(Collectors.joining(", "));
    return "SELECT " + columns + " FROM " + readParquet();
  }

  /**
   * The column list of an empty table, {@code (name TYPE, ...)}. An empty table is an empty
   * in-memory DuckDB table rather than a view of typed NULLs: such a view makes DuckDB allocate a
   * vector per column even for no rows, which exhausts the query memory for wide tables.
   */
  String emptyTableColumns() {
    return schema.columns().stream()
        .map(field -> Sql.identifier(field.name()) + " " + DuckDbTypes.of(field.type()))
        .collect(Collectors.joining(", ", "(", ")"));
  }

  private static String column(Types.NestedField field, Set<String> fileColumns) {
    String name = Sql.identifier(field.name());
    return fileColumns.contains(field.name())
        ? name
        : "CAST(NULL AS " + DuckDbTypes.of(field.type()) + ") AS " + name;
  }
}
