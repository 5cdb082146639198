package io.tributary.query;

import io.tributary.core.TableId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.HistoryEntry;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * Trino's metadata tables of a lake table, {@code namespace."table$snapshots"} and its siblings:
 * built in Java from the table's Iceberg metadata and created as small in-memory tables in the
 * query's database before the statement runs. {@code $files}, {@code $partitions} and {@code
 * $manifests} describe the current snapshot.
 */
final class MetadataTables {
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

  /** The metadata tables, each with its DuckDB columns. */
  enum Kind {
    SNAPSHOTS(
        "committed_at TIMESTAMPTZ, snapshot_id BIGINT, parent_id BIGINT, operation VARCHAR,"
            + " manifest_list VARCHAR, summary VARCHAR"),
    HISTORY(
        "made_current_at TIMESTAMPTZ, snapshot_id BIGINT, parent_id BIGINT,"
            + " is_current_ancestor BOOLEAN"),
    FILES(
        "content INTEGER, file_path VARCHAR, file_format VARCHAR, record_count BIGINT,"
            + " file_size_in_bytes BIGINT, partition VARCHAR"),
    PARTITIONS("partition VARCHAR, record_count BIGINT, file_count BIGINT, total_size BIGINT"),
    MANIFESTS(
        "path VARCHAR, length BIGINT, partition_spec_id INTEGER, added_snapshot_id BIGINT,"
            + " added_data_files_count INTEGER, existing_data_files_count INTEGER,"
            + " deleted_data_files_count INTEGER");

    private final String columns;

    Kind(String columns) {
      this.columns = columns;
    }

    /** The kind named {@code name} (as in {@code table$name}), or {@code null}. */
    static Kind named(String name) {
      for (Kind kind : values()) {
        if (kind.suffix().equals(name)) {
          return kind;
        }
      }
      return null;
    }

    String suffix() {
      return name().toLowerCase(Locale.ROOT);
    }

    int columnCount() {
      return columns.split(",").length;
    }
  }

  /** A reference to one metadata table of {@code table}. */
  record Reference(TableId table, Kind kind) {
    Reference {
      Objects.requireNonNull(table, "table is null");
      Objects.requireNonNull(kind, "kind is null");
    }

    String name() {
      return table.name() + "$" + kind.suffix();
    }
  }

  private MetadataTables() {}

  /** Creates {@code reference}'s table from {@code table}'s metadata in the query's database. */
  static void create(Connection connection, Reference reference, Table table) throws SQLException {
    String name =
        Sql.identifier(reference.table().namespace()) + "." + Sql.identifier(reference.name());
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE SCHEMA IF NOT EXISTS " + Sql.identifier(reference.table().namespace()));
      statement.execute("CREATE TABLE " + name + " (" + reference.kind().columns + ")");
    }
    List<List<Object>> rows = rows(reference.kind(), table);
    if (rows.isEmpty()) {
      return;
    }
    String marks =
        Collections.nCopies(reference.kind().columnCount(), "?").stream()
            .collect(Collectors.joining(", ", "(", ")"));
    try (PreparedStatement insert =
        connection.prepareStatement("INSERT INTO " + name + " VALUES " + marks)) {
      for (List<Object> row : rows) {
        for (int i = 0; i < row.size(); i++) {
          Object value = row.get(i);
          insert.setObject(i + 1, value instanceof Instant time ? TIMESTAMP.format(time) : value);
        }
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  static List<List<Object>> rows(Kind kind, Table table) {
    return switch (kind) {
      case SNAPSHOTS -> snapshots(table);
      case HISTORY -> history(table);
      case FILES -> files(table);
      case PARTITIONS -> partitions(table);
      case MANIFESTS -> manifests(table);
    };
  }

  private static List<List<Object>> snapshots(Table table) {
    List<List<Object>> rows = new ArrayList<>();
    for (Snapshot snapshot : table.snapshots()) {
      rows.add(
          row(
              Instant.ofEpochMilli(snapshot.timestampMillis()),
              snapshot.snapshotId(),
              snapshot.parentId(),
              snapshot.operation(),
              snapshot.manifestListLocation(),
              json(snapshot.summary())));
    }
    return rows;
  }

  private static List<List<Object>> history(Table table) {
    Set<Long> ancestors = new HashSet<>();
    if (table.currentSnapshot() != null) {
      SnapshotUtil.ancestorIds(table.currentSnapshot(), table::snapshot).forEach(ancestors::add);
    }
    List<List<Object>> rows = new ArrayList<>();
    for (HistoryEntry entry : table.history()) {
      Snapshot snapshot = table.snapshot(entry.snapshotId());
      rows.add(
          row(
              Instant.ofEpochMilli(entry.timestampMillis()),
              entry.snapshotId(),
              snapshot == null ? null : snapshot.parentId(),
              ancestors.contains(entry.snapshotId())));
    }
    return rows;
  }

  private static List<List<Object>> files(Table table) {
    List<List<Object>> rows = new ArrayList<>();
    for (ContentFile<?> file : liveFiles(table)) {
      rows.add(
          row(
              file.content().id(),
              file.location(),
              file.format().name(),
              file.recordCount(),
              file.fileSizeInBytes(),
              partition(table, file)));
    }
    return rows;
  }

  private static List<List<Object>> partitions(Table table) {
    Map<String, long[]> totals = new TreeMap<>();
    for (ContentFile<?> file : liveFiles(table)) {
      if (file.content() == FileContent.DATA) {
        long[] total = totals.computeIfAbsent(partition(table, file), p -> new long[3]);
        total[0] += file.recordCount();
        total[1]++;
        total[2] += file.fileSizeInBytes();
      }
    }
    List<List<Object>> rows = new ArrayList<>();
    totals.forEach((partition, total) -> rows.add(row(partition, total[0], total[1], total[2])));
    return rows;
  }

  private static List<List<Object>> manifests(Table table) {
    List<List<Object>> rows = new ArrayList<>();
    for (ManifestFile manifest : currentManifests(table)) {
      rows.add(
          row(
              manifest.path(),
              manifest.length(),
              manifest.partitionSpecId(),
              manifest.snapshotId(),
              manifest.addedFilesCount(),
              manifest.existingFilesCount(),
              manifest.deletedFilesCount()));
    }
    return rows;
  }

  private static List<ManifestFile> currentManifests(Table table) {
    Snapshot current = table.currentSnapshot();
    return current == null ? List.of() : current.allManifests(table.io());
  }

  /** The data and delete files of the current snapshot. */
  private static List<ContentFile<?>> liveFiles(Table table) {
    List<ContentFile<?>> files = new ArrayList<>();
    for (ManifestFile manifest : currentManifests(table)) {
      if (manifest.content() == ManifestContent.DATA) {
        read(manifest, ManifestFiles.read(manifest, table.io(), table.specs()), files);
      } else {
        read(
            manifest, ManifestFiles.readDeleteManifest(manifest, table.io(), table.specs()), files);
      }
    }
    return files;
  }

  private static <F extends ContentFile<F>> void read(
      ManifestFile manifest, ManifestReader<F> reader, List<ContentFile<?>> files) {
    try (reader) {
      for (F file : reader) {
        files.add(file.copyWithoutStats());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read manifest " + manifest.path(), e);
    }
  }

  private static String partition(Table table, ContentFile<?> file) {
    PartitionSpec spec = table.specs().get(file.specId());
    return spec == null || spec.isUnpartitioned() ? "" : spec.partitionToPath(file.partition());
  }

  private static String json(Map<String, String> map) {
    return new TreeMap<>(map)
        .entrySet().stream()
            .map(entry -> quote(entry.getKey()) + ":" + quote(entry.getValue()))
            .collect(Collectors.joining(",", "{", "}"));
  }

  private static String quote(String text) {
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        default -> {
          if (c < 0x20) {
            quoted.append(String.format("\\u%04x", (int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }

  private static List<Object> row(Object... values) {
    return Collections.unmodifiableList(java.util.Arrays.asList(values));
  }
}
