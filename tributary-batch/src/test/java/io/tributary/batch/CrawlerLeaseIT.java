package io.tributary.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.batch.internal.CrawlJob;
import io.tributary.core.TableId;
import io.tributary.core.config.TributaryConfig;
import io.tributary.lake.Lake;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crawler run whose node stalls longer than the lease (here: the injected clock jumps 31 s
 * between two commits, as a paused JVM or a frozen VM would see it) stops before its next commit:
 * what it loaded but had not committed is discarded, not committed; another node then runs the
 * crawler and loads every remaining file once.
 */
class CrawlerLeaseIT {
  @TempDir Path dir;

  private Lake lake;
  private Supplier<Connection> db;
  private LandingZone landing;
  private CrawlerRegistry registry;
  private final MovableClock clock = new MovableClock(Instant.parse("2026-12-05T09:00:00Z"));
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeEach
  void open() {
    lake =
        Lake.open(
            new TributaryConfig.Catalog(
                "jdbc:sqlite:" + dir.resolve("catalog.db"), null, null, dir.resolve("lake")));
    db =
        () -> {
          try {
            return lake.openMetadataConnection();
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        };
    landing = new LandingZone(dir.resolve("landing"), new RecordingLandingEvents());
    registry = new CrawlerRegistry(db, clock);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable closeable : closeables) {
      closeable.close();
    }
    landing.close();
    lake.close();
  }

  private Crawlers node(String name, CrawlJob.CrashPoints points) {
    Crawlers crawlers =
        new Crawlers(
            lake,
            landing,
            registry,
            db,
            clock,
            name,
            1,
            Crawlers.LoadPath.DUCKDB_WHEN_CLEAN,
            points);
    closeables.add(crawlers);
    return crawlers;
  }

  private void write(String relative, String text) {
    Path file = dir.resolve("landing").resolve(relative);
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aRunThatOutlivedItsLeaseStopsBeforeItsNextCommit() throws IOException {
    registry.put(
        TributaryConfig.fromYaml(
                "crawlers:\n  - { name: catalog, files-per-commit: 1, sample: { records: 1 } }",
                "test")
            .crawlers()
            .get(0));
    write("catalog/a.csv", "id,title\n1,a\n2,b\n");
    write("catalog/b.csv", "id,title\n3,c\n");
    write("catalog/c.csv", "id,title\n4,d\n");
    AtomicBoolean stall = new AtomicBoolean(true);
    Crawlers stalled =
        node(
            "node-a",
            point -> {
              if (point.equals("data-committed") && stall.getAndSet(false)) {
                clock.advance(Duration.ofSeconds(31)); // longer than the 30 s lease
              }
            });

    CrawlRun lost = stalled.run("catalog");

    assertThat(lost.status()).isEqualTo(CrawlRun.Status.FAILED);
    assertThat(lost.error())
        .contains("lost the lease of crawler catalog")
        .contains("stopped before committing to table raw.catalog");
    Table table = lake.loadTable(TableId.parse("raw.catalog")).orElseThrow();
    assertThat(ids(table)).as("only a.csv, committed before the stall").containsExactly(1, 2);
    assertThat(dataFilesOnDisk(table))
        .as("b.csv's loaded file was discarded, not left or committed")
        .isEqualTo(committedFiles(table));

    CrawlRun elsewhere = node("node-b", CrawlJob.CrashPoints.NONE).run("catalog");

    assertThat(elsewhere.status()).isEqualTo(CrawlRun.Status.SUCCEEDED);
    assertThat(elsewhere.counts().filesLoaded()).isEqualTo(2);
    assertThat(ids(table)).containsExactly(1, 2, 3, 4);
  }

  private static List<Integer> ids(Table table) {
    table.refresh();
    try (CloseableIterable<Record> all = IcebergGenerics.read(table).build()) {
      return StreamSupport.stream(all.spliterator(), false)
          .map(r -> ((Number) r.getField("id")).intValue())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Set<String> committedFiles(Table table) throws IOException {
    table.refresh();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      return StreamSupport.stream(tasks.spliterator(), false)
          .map(t -> Path.of(java.net.URI.create(t.file().location())).toString())
          .collect(Collectors.toSet());
    }
  }

  private static Set<String> dataFilesOnDisk(Table table) throws IOException {
    Path data = Path.of(java.net.URI.create(table.location())).resolve("data");
    try (Stream<Path> files = Files.walk(data)) {
      return files
          .filter(f -> f.toString().endsWith(".parquet"))
          .map(Path::toString)
          .collect(Collectors.toSet());
    }
  }

  /** A clock the test moves. */
  private static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
