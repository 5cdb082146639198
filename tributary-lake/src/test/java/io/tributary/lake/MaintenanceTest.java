package io.tributary.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.TableId;
import io.tributary.core.config.PartitionField;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaintenanceTest {
  private static final TableId EVENTS = TableId.parse("raw.app_events");
  private static final Instant T0 = Instant.parse("2026-11-26T07:42:00Z");

  @TempDir Path dir;
  private Lake lake;
  private TableSink sink;

  @BeforeEach
  void open() {
    // a clock a minute ahead, so every snapshot is old enough to expire
    lake = TestLakes.open(dir, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1)));
    sink = lake.sink(EVENTS, List.of(PartitionField.parse("day(_ingested_at)")));
  }

  @AfterEach
  void close() {
    lake.close();
  }

  private void appendBatch(int batch, int rows, Map<String, String> properties) {
    List<Map<String, Object>> batchRows = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      batchRows.add(
          Map.of("id", (long) batch * 1000 + i, "_ingested_at", T0.plus(Duration.ofDays(i % 2))));
    }
    assertThat(sink.prepare(batchRows)).isEmpty();
    sink.append(batchRows, properties);
  }

  private Table table() {
    Table table = lake.loadTable(EVENTS).orElseThrow();
    table.refresh();
    return table;
  }

  private static List<DataFile> files(Table table) throws IOException {
    List<DataFile> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      tasks.forEach(task -> files.add(task.file()));
    }
    return files;
  }

  private static List<Long> ids(Table table) {
    return TestLakes.read(table).stream().map(r -> (Long) r.getField("id")).toList();
  }

  @Test
  void compactsSmallFilesPerPartitionKeepingRowsAndMarkers() throws IOException {
    for (int batch = 0; batch < 6; batch++) {
      appendBatch(batch, 10, Map.of("tributary.offsets", "0:" + batch));
    }
    appendBatch(6, 10, Map.of()); // newest snapshot without the marker
    Table before = table();
    List<Long> idsBefore = ids(before);
    assertThat(files(before)).hasSize(14);

    MaintenanceResult result =
        lake.maintain(EVENTS, new MaintenanceOptions(128L << 20, Duration.ofDays(1), 5));

    assertThat(result.filesRewritten()).isEqualTo(14);
    assertThat(result.filesWritten()).isEqualTo(2);
    assertThat(result.rowsRewritten()).isEqualTo(70);
    assertThat(result.snapshotsExpired()).isZero();
    Table after = table();
    assertThat(files(after)).hasSize(2);
    assertThat(ids(after)).containsExactlyInAnyOrderElementsOf(idsBefore);
    assertThat(after.currentSnapshot().operation()).isEqualTo("replace");
    assertThat(after.currentSnapshot().summary()).containsEntry("tributary.offsets", "0:5");
    assertThat(lake.maintain(EVENTS, MaintenanceOptions.DEFAULTS).filesRewritten()).isZero();
  }

  @Test
  void expiresOldSnapshotsAndDeletesFilesNoLongerReferenced() throws IOException {
    for (int batch = 0; batch < 4; batch++) {
      appendBatch(batch, 4, Map.of("tributary.offsets", "0:" + batch));
    }
    List<Path> appendedFiles = paths(files(table()));

    MaintenanceResult result =
        lake.maintain(EVENTS, new MaintenanceOptions(128L << 20, Duration.ZERO, 1));

    assertThat(result.filesRewritten()).isEqualTo(8);
    assertThat(result.snapshotsExpired()).isEqualTo(4);
    assertThat(table().snapshots()).hasSize(1);
    List<Path> compactedFiles = paths(files(table()));
    // Iceberg deletes the files a snapshot removed once that snapshot expires too
    appendBatch(4, 4, Map.of("tributary.offsets", "0:4"));
    assertThat(
            lake.maintain(EVENTS, new MaintenanceOptions(1, Duration.ZERO, 1)).snapshotsExpired())
        .isEqualTo(1);

    assertThat(appendedFiles).noneMatch(Files::exists);
    assertThat(compactedFiles).allMatch(Files::exists);
    assertThat(ids(table())).hasSize(20);
    assertThat(sink.lastCommitted("tributary.offsets")).contains("0:4");
  }

  private static List<Path> paths(List<DataFile> files) {
    return files.stream().map(f -> LocalFileIO.toFile(f.location()).toPath()).toList();
  }

  @Test
  void expiryCarriesProgressMarkersForward() {
    appendBatch(0, 2, Map.of("tributary.offsets", "0:0", "other", "x"));
    appendBatch(1, 2, Map.of());
    appendBatch(2, 2, Map.of());

    MaintenanceResult result =
        lake.maintain(EVENTS, new MaintenanceOptions(1, Duration.ZERO, 1)); // nothing is small

    Table table = table();
    assertThat(result.snapshotsExpired()).isEqualTo(3);
    assertThat(table.snapshots()).hasSize(1);
    assertThat(table.currentSnapshot().summary())
        .containsEntry("tributary.offsets", "0:0")
        .doesNotContainKey("other");
    assertThat(sink.lastCommitted("tributary.offsets")).contains("0:0");
    assertThat(ids(table)).hasSize(6);
    // nothing to carry when the current snapshot holds the markers
    appendBatch(3, 2, Map.of("tributary.offsets", "0:3"));
    lake.maintain(EVENTS, new MaintenanceOptions(1, Duration.ZERO, 1));
    assertThat(table().snapshots()).hasSize(1);
    assertThat(table().currentSnapshot().operation()).isEqualTo("append");
    assertThat(sink.lastCommitted("tributary.offsets")).contains("0:3");
  }

  @Test
  void maintenanceIsSafeWhileAnotherThreadAppends() throws Exception {
    appendBatch(0, 20, Map.of("tributary.offsets", "0:0"));
    CompletableFuture<Void> appender =
        CompletableFuture.runAsync(
            () -> {
              for (int batch = 1; batch <= 20; batch++) {
                appendBatch(batch, 20, Map.of("tributary.offsets", "0:" + batch));
              }
            });
    int runs = 0;
    while (!appender.isDone() || runs == 0) {
      lake.maintain(EVENTS, new MaintenanceOptions(128L << 20, Duration.ZERO, 3));
      runs++;
    }
    appender.get();
    lake.maintain(EVENTS, new MaintenanceOptions(128L << 20, Duration.ZERO, 3));

    List<Long> ids = ids(table());
    Set<Long> distinct = new HashSet<>(ids);
    assertThat(ids).hasSize(21 * 20);
    assertThat(distinct).hasSize(21 * 20);
    assertThat(files(table())).hasSize(2);
    assertThat(sink.lastCommitted("tributary.offsets")).contains("0:20");
  }

  @Test
  void readsCompactedRowsWithEvolvedSchema() {
    appendBatch(0, 3, Map.of());
    List<Map<String, Object>> rows = List.of(Map.of("id", 99L, "extra", "x", "_ingested_at", T0));
    sink.prepare(rows);
    sink.append(rows, Map.of());

    lake.maintain(EVENTS, MaintenanceOptions.DEFAULTS);

    List<Record> records = TestLakes.read(table());
    assertThat(records).hasSize(4);
    assertThat(records).filteredOn(r -> "x".equals(r.getField("extra"))).hasSize(1);
  }
}
