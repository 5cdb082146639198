package io.tributary.lake;

import io.tributary.core.TableId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.util.SnapshotUtil;
import org.apache.iceberg.util.StructLikeMap;

/**
 * One maintenance run on one table: compacts small data files per partition (copy-on-write, rows
 * unchanged), then expires old snapshots.
 *
 * <p>Files are planned from one snapshot and rewritten without the lock; the rewrite commit and the
 * expiry hold the table's commit lock. The rewrite validates against the planned snapshot, so
 * appends committed meanwhile are kept, and carries forward every {@code tributary.*} summary
 * property (delivery progress markers). Before expiry would remove the newest snapshot holding a
 * {@code tributary.*} property, the markers are carried into a new empty snapshot, so {@link
 * TableSink#lastCommitted} keeps finding them.
 */
final class Maintenance {
  static final String MARKER_PREFIX = "tributary.";

  private final TableId id;
  private final Table table;
  private final TableWriter writer;
  private final MaintenanceOptions options;
  private final Clock clock;
  private final ExecutorService workers;

  Maintenance(
      TableId id,
      Table table,
      TableWriter writer,
      MaintenanceOptions options,
      Clock clock,
      ExecutorService workers) {
    this.id = id;
    this.table = table;
    this.writer = writer;
    this.options = options;
    this.clock = clock;
    this.workers = workers;
  }

  MaintenanceResult run() {
    long start = System.nanoTime();
    List<List<DataFile>> groups = smallFileGroups();
    List<DataFile> rewritten = new ArrayList<>();
    List<DataFile> written = new ArrayList<>();
    long rows = 0;
    if (!groups.isEmpty()) {
      long plannedSnapshot = table.currentSnapshot().snapshotId();
      try {
        for (List<DataFile> group : groups) {
          rewritten.addAll(group);
          rows += group.stream().mapToLong(DataFile::recordCount).sum();
          written.addAll(rewrite(group));
        }
      } catch (RuntimeException e) {
        DataFileWriter.delete(table.io(), written);
        throw e;
      }
      commitRewrite(plannedSnapshot, rewritten, written);
    }
    int expired = expire();
    return new MaintenanceResult(
        rewritten.size(),
        written.size(),
        rows,
        expired,
        Duration.ofNanos(System.nanoTime() - start));
  }

  /**
   * Data files below 3/4 of the target size, grouped by spec and partition; groups of 2 or more.
   */
  private List<List<DataFile>> smallFileGroups() {
    table.refresh();
    Snapshot current = table.currentSnapshot();
    if (current == null) {
      return List.of();
    }
    long threshold = options.targetFileSizeBytes() / 4 * 3;
    Map<Integer, StructLikeMap<List<DataFile>>> bySpec = new HashMap<>();
    try (CloseableIterable<FileScanTask> tasks =
        table.newScan().useSnapshot(current.snapshotId()).planWith(workers).planFiles()) {
      for (FileScanTask task : tasks) {
        DataFile file = task.file();
        if (file.fileSizeInBytes() < threshold && task.deletes().isEmpty()) {
          bySpec
              .computeIfAbsent(
                  file.specId(),
                  spec -> StructLikeMap.create(table.specs().get(spec).partitionType()))
              .computeIfAbsent(file.partition(), partition -> new ArrayList<>())
              .add(file.copy());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot plan the files of table " + id, e);
    }
    List<List<DataFile>> groups = new ArrayList<>();
    bySpec
        .values()
        .forEach(
            partitions ->
                partitions.values().stream()
                    .filter(files -> files.size() > 1)
                    .forEach(groups::add));
    return groups;
  }

  private List<DataFile> rewrite(List<DataFile> files) {
    Schema schema = table.schema();
    List<CloseableIterable<Record>> readers = new ArrayList<>();
    for (DataFile file : files) {
      readers.add(
          Parquet.read(table.io().newInputFile(file.location()))
              .project(schema)
              .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(schema, fileSchema))
              .build());
    }
    try (CloseableIterable<Record> records = CloseableIterable.concat(readers)) {
      InternalRecordWrapper internal = new InternalRecordWrapper(schema.asStruct());
      return DataFileWriter.write(
          table,
          schema,
          table.spec(),
          options.targetFileSizeBytes(),
          CloseableIterable.transform(records, internal::wrap).iterator());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the data files of table " + id, e);
    }
  }

  private void commitRewrite(
      long plannedSnapshot, List<DataFile> rewritten, List<DataFile> written) {
    // the markers are read and the rewrite committed under one hold of the lock
    writer.locked(
        () -> {
          table.refresh();
          // another node's delivery may commit newer markers meanwhile: never carry stale ones
          Map<String, String> markers = latestMarkers();
          return writer.commitOrDiscard(
              TableChange.rewriteIf(
                  rewritten,
                  written,
                  plannedSnapshot,
                  markers,
                  SummaryExpectation.unchanged(markers)));
        });
  }

  /** For each {@code tributary.*} key, its value in the newest snapshot that has it. */
  private Map<String, String> latestMarkers() {
    Map<String, String> markers = new LinkedHashMap<>();
    for (Snapshot snapshot : SnapshotUtil.currentAncestors(table)) {
      snapshot
          .summary()
          .forEach(
              (key, value) -> {
                if (key.startsWith(MARKER_PREFIX)) {
                  markers.putIfAbsent(key, value);
                }
              });
    }
    return markers;
  }

  private int expire() {
    return writer.locked(this::expireLocked);
  }

  private int expireLocked() {
    {
      table.refresh();
      if (table.currentSnapshot() == null) {
        return 0;
      }
      long cutoff = clock.millis() - options.expireOlderThan().toMillis();
      if (expiryWouldDropMarkers(cutoff)) {
        // carry the markers into a new (empty) snapshot, so resuming still finds them
        Map<String, String> markers = latestMarkers();
        writer.commit(
            TableChange.appendIf(List.of(), markers, SummaryExpectation.unchanged(markers)));
        table.refresh();
      }
      int before = count(table.snapshots());
      Commits.run(
          id,
          "snapshot expiry",
          () ->
              table
                  .expireSnapshots()
                  .planWith(workers)
                  .executeDeleteWith(workers)
                  .expireOlderThan(cutoff)
                  .retainLast(options.retainLast())
                  .commit());
      table.refresh();
      return before - count(table.snapshots());
    }
  }

  /**
   * Whether the newest snapshot holding some {@code tributary.*} key is neither among the last
   * {@code retainLast} snapshots nor younger than {@code cutoff}.
   */
  private boolean expiryWouldDropMarkers(long cutoff) {
    Set<String> seen = new HashSet<>();
    int position = 0;
    for (Snapshot snapshot : SnapshotUtil.currentAncestors(table)) {
      boolean kept = position++ < options.retainLast() || snapshot.timestampMillis() >= cutoff;
      for (String key : snapshot.summary().keySet()) {
        if (key.startsWith(MARKER_PREFIX) && seen.add(key) && !kept) {
          return true;
        }
      }
    }
    return false;
  }

  private static int count(Iterable<?> items) {
    int count = 0;
    for (Object ignored : items) {
      count++;
    }
    return count;
  }
}
