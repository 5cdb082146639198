package io.tributary.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.batch.internal.CrawlJob;
import io.tributary.batch.internal.Ledger;
import io.tributary.core.TableId;
import io.tributary.core.config.CrawlerSpec;
import io.tributary.core.config.TributaryConfig;
import io.tributary.lake.Lake;
import io.tributary.lake.TablePolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The crawler against real files, a real Iceberg lake on SQLite and real Parquet. */
class CrawlerIT {
  @TempDir Path dir;

  private Lake lake;
  private Supplier<Connection> db;
  private RecordingLandingEvents events;
  private LandingZone landing;
  private CrawlerRegistry registry;
  private Crawlers crawlers;
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
    events = new RecordingLandingEvents();
    landing = new LandingZone(dir.resolve("landing"), events);
    registry = new CrawlerRegistry(db, Clock.systemUTC());
    crawlers = crawlers(CrawlJob.CrashPoints.NONE);
  }

  /** The load path under test; {@link RowReaderCrawlerIT} runs every test on the other one. */
  Crawlers.LoadPath loadPath() {
    return Crawlers.LoadPath.DUCKDB_WHEN_CLEAN;
  }

  private Crawlers crawlers(CrawlJob.CrashPoints crashPoints) {
    Crawlers result =
        new Crawlers(
            lake,
            landing,
            registry,
            db,
            Clock.systemUTC(),
            Crawlers.LOCAL_NODE,
            2,
            loadPath(),
            crashPoints);
    closeables.add(result);
    return result;
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable closeable : closeables) {
      closeable.close();
    }
    landing.close();
    lake.close();
  }

  private CrawlerSpec crawler(String yaml) {
    return registry.put(
        TributaryConfig.fromYaml("crawlers:\n  - " + yaml, "test").crawlers().get(0));
  }

  private Path write(String relative, String text) {
    Path file = dir.resolve("landing").resolve(relative);
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  private Table table(String name) {
    return lake.loadTable(TableId.parse(name))
        .orElseThrow(() -> new AssertionError(name + " missing"));
  }

  private static List<Record> rows(Table table) {
    table.refresh();
    List<Record> records = new ArrayList<>();
    try (CloseableIterable<Record> all = IcebergGenerics.read(table).build()) {
      all.forEach(records::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return records;
  }

  private static List<Object> column(Table table, String name) {
    return rows(table).stream()
        .map(r -> r.getField(name))
        .sorted((a, b) -> String.valueOf(a).compareTo(String.valueOf(b)))
        .collect(Collectors.toList());
  }

  private static long snapshots(Table table) {
    table.refresh();
    return StreamSupport.stream(table.snapshots().spliterator(), false).count();
  }

  private static final String SHOWS =
      "id,title,seasons\n1,Night Shift,3\n2,Morning Call,1\n3,Late Talk,5\n";

  @Test
  void crawlsFilesIntoTablesWithPartitionsAndProperties() {
    crawler("{ name: catalog }");
    write("catalog/shows.csv", SHOWS);
    write(
        "catalog/creators/2026/11/26/c.json",
        "{\"creator_id\": 7, \"Display Name\": \"Ana\"}\n{\"creator_id\": 8, \"Display Name\": \"Bo\"}\n");
    write("catalog/creators/2026/11/27/c.json", "{\"creator_id\": 9, \"Display Name\": \"Cy\"}\n");
    write("catalog/_SUCCESS", "");

    CrawlRun run = crawlers.run("catalog");

    assertThat(run.status()).isEqualTo(CrawlRun.Status.SUCCEEDED);
    assertThat(run.counts().filesFound()).isEqualTo(3);
    assertThat(run.counts().filesLoaded()).isEqualTo(3);
    assertThat(run.counts().tablesCreated()).isEqualTo(2);
    assertThat(run.counts().rowsLoaded()).isEqualTo(6);
    Table shows = table("raw.catalog");
    assertThat(column(shows, "title")).containsExactly("Late Talk", "Morning Call", "Night Shift");
    assertThat(shows.properties())
        .containsEntry("classification", "csv")
        .containsEntry("tributary.crawler", "catalog")
        .containsEntry("tributary.row-count", "3")
        .containsKey("tributary.last-crawl")
        .containsKey("tributary.source-location");
    Table creators = table("raw.catalog_creators");
    assertThat(creators.schema().findField("display_name")).isNotNull();
    assertThat(creators.spec().fields())
        .extracting(f -> f.name())
        .containsExactly("year", "month", "day");
    assertThat(column(creators, "day")).containsExactly(26, 26, 27);
    assertThat(creators.properties()).containsEntry("classification", "json_lines");
    assertThat(crawlers.runs("catalog", 10)).extracting(CrawlRun::id).containsExactly(run.id());
    String clean = loadPath() == Crawlers.LoadPath.DUCKDB_WHEN_CLEAN ? "duckdb" : "rows";
    assertThat(run.files()).extracting(CrawlRun.FileResult::loader).containsOnly(clean);
  }

  @Test
  void incrementalRerunLoadsNothingNew() {
    crawler("{ name: catalog }");
    write("catalog/shows.csv", SHOWS);
    crawlers.run("catalog");
    long before = snapshots(table("raw.catalog"));

    CrawlRun again = crawlers.run("catalog");

    assertThat(again.counts().filesUnchanged()).isEqualTo(1);
    assertThat(again.counts().filesLoaded()).isZero();
    assertThat(snapshots(table("raw.catalog"))).isEqualTo(before);
    write("catalog/more.csv", "id,title,seasons\n4,Drive Time,2\n");
    CrawlRun third = crawlers.run("catalog");
    assertThat(third.counts().filesNew()).isEqualTo(1);
    assertThat(third.counts().filesUnchanged()).isEqualTo(1);
    assertThat(rows(table("raw.catalog"))).hasSize(4);
  }

  @Test
  void schemaDriftUnderUpdateAddsColumnsAndWidensTypes() {
    crawler("{ name: catalog }");
    write("catalog/a.json", "{\"id\": 1, \"plays\": 10}\n");
    crawlers.run("catalog");
    assertThat(table("raw.catalog").schema().findType("plays")).isEqualTo(Types.IntegerType.get());

    write("catalog/b.json", "{\"id\": 2, \"plays\": 5000000000, \"genre\": \"talk\"}\n");
    CrawlRun run = crawlers.run("catalog");

    Table table = table("raw.catalog");
    assertThat(table.schema().findType("plays")).isEqualTo(Types.LongType.get());
    assertThat(table.schema().findType("genre")).isEqualTo(Types.StringType.get());
    assertThat(run.counts().tablesUpdated()).isEqualTo(1);
    assertThat(run.tables())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.action()).isEqualTo(CrawlRun.TableAction.UPDATED);
              assertThat(c.detail()).contains("added genre string").contains("plays int -> long");
            });
    assertThat(column(table, "plays")).containsExactly(10L, 5000000000L);
    assertThat(column(table, "genre")).containsExactly(null, "talk");
  }

  @Test
  void schemaDriftUnderLogLeavesTheTableAndReportsIt() {
    crawler("{ name: catalog, on-schema-change: log }");
    write("catalog/a.json", "{\"id\": 1, \"title\": \"x\"}\n");
    crawlers.run("catalog");

    write("catalog/b.json", "{\"id\": 2, \"title\": \"y\", \"genre\": \"talk\"}\n");
    CrawlRun run = crawlers.run("catalog");

    Table table = table("raw.catalog");
    assertThat(table.schema().findField("genre")).isNull();
    assertThat(rows(table)).hasSize(2);
    assertThat(run.counts().tablesUpdated()).isZero();
    assertThat(run.tables())
        .singleElement()
        .satisfies(
            c -> assertThat(c.action()).isEqualTo(CrawlRun.TableAction.SCHEMA_CHANGE_LOGGED));
    assertThat(run.files())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.action()).isEqualTo(CrawlRun.FileAction.LOADED);
              assertThat(f.reason()).contains("on-schema-change: log").contains("genre");
            });
  }

  @Test
  void incompatibleChangeRejectsTheFileWithAReasonAndKeepsTheTable() {
    crawler("{ name: catalog }");
    write("catalog/a.csv", SHOWS);
    crawlers.run("catalog");
    long before = snapshots(table("raw.catalog"));

    write("catalog/b.csv", "id,title,seasons\nA-1,x,1\nB-2,y,2\n");
    CrawlRun run = crawlers.run("catalog");

    assertThat(run.counts().filesRejected()).isEqualTo(1);
    assertThat(run.files())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.action()).isEqualTo(CrawlRun.FileAction.REJECTED);
              assertThat(f.path()).isEqualTo("b.csv");
              assertThat(f.reason()).contains("incompatible schema change").contains("id");
            });
    Table table = table("raw.catalog");
    assertThat(table.schema().findType("id")).isNotEqualTo(Types.StringType.get());
    assertThat(rows(table)).hasSize(3);
    assertThat(snapshots(table)).isEqualTo(before);
  }

  @Test
  void badRowsGoToTheErrorTableWithFileLineAndReason() {
    crawler("{ name: catalog, sample: { records: 3 } }");
    StringBuilder csv = new StringBuilder("id,plays\n");
    for (int i = 1; i <= 20; i++) {
      csv.append(i).append(',').append(i == 15 ? "lots" : Integer.toString(i * 10)).append('\n');
    }
    write("catalog/plays.csv", csv.toString());

    CrawlRun run = crawlers.run("catalog");

    assertThat(run.counts().rowsLoaded()).isEqualTo(19);
    assertThat(run.counts().rowsRejected()).isEqualTo(1);
    assertThat(run.files()).extracting(CrawlRun.FileResult::loader).containsExactly("rows");
    List<Record> errors = rows(table("raw.catalog_errors"));
    assertThat(errors)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getField("source_file")).isEqualTo("catalog/plays.csv");
              assertThat(e.getField("line")).isEqualTo(16L);
              assertThat((String) e.getField("reason")).contains("plays").contains("lots");
              assertThat((String) e.getField("raw_text")).contains("lots");
              assertThat(e.getField("crawl_run")).isEqualTo(run.id());
            });
  }

  @Test
  void aJsonKeyTheSampleDidNotSeeIsNeverDroppedSilently() {
    crawler("{ name: catalog, sample: { records: 100 } }");
    StringBuilder json = new StringBuilder();
    for (int i = 1; i <= 1100; i++) {
      json.append("{\"id\": ").append(i).append(", \"title\": \"t").append(i).append("\"}\n");
    }
    json.append("{\"id\": 1101, \"title\": \"t1101\", \"genre\": \"talk\"}\n");
    json.append("{\"id\": 1102, \"Title\": \"spelled\"}\n");
    json.append("{\"id\": 1103, \"title\": \"t1103\", \"genre\": null}\n");
    write("catalog/shows.json", json.toString());

    CrawlRun run = crawlers.run("catalog");

    Table table = table("raw.catalog");
    assertThat(table.schema().findField("genre")).isNull();
    assertThat(run.counts().rowsLoaded()).isEqualTo(1102);
    assertThat(run.counts().rowsRejected()).isEqualTo(1);
    assertThat(run.files()).extracting(CrawlRun.FileResult::loader).containsExactly("rows");
    assertThat(rows(table))
        .filteredOn(r -> String.valueOf(r.getField("id")).equals("1102"))
        .singleElement()
        .satisfies(r -> assertThat(r.getField("title")).isEqualTo("spelled"));
    assertThat(rows(table("raw.catalog_errors")))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getField("line")).isEqualTo(1101L);
              assertThat((String) e.getField("reason")).contains("genre");
              assertThat((String) e.getField("raw_text")).contains("talk");
            });
  }

  @Test
  void aCleanJsonFileTakesTheFastPath() {
    crawler("{ name: catalog, sample: { records: 2 } }");
    write("catalog/a.json", "{\"id\": 1, \"title\": \"x\"}\n\n{\"title\": \"y\", \"id\": 2}\n");

    CrawlRun run = crawlers.run("catalog");

    assertThat(run.counts().rowsLoaded()).isEqualTo(2);
    assertThat(run.files())
        .extracting(CrawlRun.FileResult::loader)
        .containsExactly(loadPath() == Crawlers.LoadPath.DUCKDB_WHEN_CLEAN ? "duckdb" : "rows");
  }

  @Test
  void aJsonLineThatIsNotAnObjectIsRejectedNotLoadedAsNulls() {
    crawler("{ name: catalog, sample: { records: 2 } }");
    write(
        "catalog/a.json", "{\"id\": 1, \"title\": \"x\"}\n null \n{\"id\": 2, \"title\": \"y\"}\n");

    CrawlRun run = crawlers.run("catalog");

    assertThat(run.counts().rowsLoaded()).isEqualTo(2);
    assertThat(run.counts().rowsRejected()).isEqualTo(1);
    assertThat(rows(table("raw.catalog_errors")))
        .singleElement()
        .satisfies(e -> assertThat((String) e.getField("reason")).contains("not a JSON object"));
  }

  @Test
  void aCsvRowWithMoreFieldsThanTheHeaderIsRejectedNotCut() {
    crawler("{ name: catalog, sample: { records: 2 } }");
    write("catalog/shows.csv", "id,title\n1,a\n2,b\n3,c,extra\n4,d\n");

    CrawlRun run = crawlers.run("catalog");

    assertThat(run.counts().rowsLoaded()).isEqualTo(3);
    assertThat(run.counts().rowsRejected()).isEqualTo(1);
    assertThat(column(table("raw.catalog"), "title")).containsExactly("a", "b", "d");
    assertThat(rows(table("raw.catalog_errors")))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getField("line")).isEqualTo(4L);
              assertThat((String) e.getField("reason")).contains("3 fields");
              assertThat((String) e.getField("raw_text")).contains("extra");
            });
  }

  @Test
  void crashBetweenCommitAndLedgerUpdateLoadsEachFileOnce() {
    crawler("{ name: catalog, files-per-commit: 1, sample: { records: 1 } }");
    write("catalog/a.csv", SHOWS);
    write("catalog/b.csv", "id,title,seasons\n4,w,1\n5,v,oops\n");
    write("catalog/c.csv", "id,title,seasons\n6,u,2\n");
    AtomicBoolean armed = new AtomicBoolean(true);
    Crawlers crashing =
        crawlers(
            point -> {
              if (point.equals("data-committed") && armed.getAndSet(false)) {
                throw new IllegalStateException("injected crash after the Iceberg commit");
              }
            });

    CrawlRun failed = crashing.run("catalog");

    assertThat(failed.status()).isEqualTo(CrawlRun.Status.FAILED);
    assertThat(failed.error()).contains("injected crash");
    assertThat(rows(table("raw.catalog"))).hasSize(3); // a.csv committed, ledger not updated

    CrawlRun rerun = crawlers(CrawlJob.CrashPoints.NONE).run("catalog");

    assertThat(rerun.status()).isEqualTo(CrawlRun.Status.SUCCEEDED);
    assertThat(rerun.counts().filesUnchanged()).isEqualTo(1);
    assertThat(rerun.counts().filesLoaded()).isEqualTo(2);
    assertThat(column(table("raw.catalog"), "id")).containsExactly(1, 2, 3, 4, 6);
    assertThat(rows(table("raw.catalog_errors"))).hasSize(1);
  }

  @Test
  void crashAfterTheErrorTableCommitWritesErrorsOnce() {
    crawler("{ name: catalog, sample: { records: 2 } }");
    write("catalog/b.csv", "id,title,seasons\n4,w,1\n5,v,2\n6,u,oops\n");
    AtomicBoolean armed = new AtomicBoolean(true);
    Crawlers crashing =
        crawlers(
            point -> {
              if (point.equals("errors-committed") && armed.getAndSet(false)) {
                throw new IllegalStateException("injected crash");
              }
            });
    assertThat(crashing.run("catalog").status()).isEqualTo(CrawlRun.Status.FAILED);
    assertThat(rows(table("raw.catalog_errors"))).hasSize(1);
    assertThat(lake.loadTable(TableId.parse("raw.catalog")).map(CrawlerIT::rows).orElse(List.of()))
        .isEmpty();

    CrawlRun rerun = crawlers(CrawlJob.CrashPoints.NONE).run("catalog");

    assertThat(rerun.counts().filesLoaded()).isEqualTo(1);
    assertThat(rows(table("raw.catalog"))).hasSize(2);
    assertThat(rows(table("raw.catalog_errors"))).hasSize(1);
  }

  @Test
  void snapshotsRecordTheSourceFilesTheyHold() {
    crawler("{ name: catalog }");
    write("catalog/a.csv", SHOWS);
    CrawlRun run = crawlers.run("catalog");
    Table table = table("raw.catalog");
    Map<String, java.util.Optional<Ledger.Entry>> held = Ledger.fromSnapshots(table);
    assertThat(held).containsOnlyKeys("catalog/a.csv");
    assertThat(held.get("catalog/a.csv"))
        .get()
        .satisfies(
            e -> {
              assertThat(e.size()).isEqualTo(SHOWS.length());
              assertThat(e.dataFiles()).hasSize(1);
            });
    assertThat(
            StreamSupport.stream(table.snapshots().spliterator(), false)
                .anyMatch(s -> run.id().equals(s.summary().get(Ledger.RUN))))
        .isTrue();
  }

  @Test
  void aChangedFileReplacesItsRows() throws IOException {
    crawler("{ name: catalog }");
    Path file = write("catalog/a.csv", SHOWS);
    write("catalog/b.csv", "id,title,seasons\n9,keep,1\n");
    crawlers.run("catalog");

    Files.writeString(file, "id,title,seasons\n1,Night Shift,4\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
    CrawlRun run = crawlers.run("catalog");

    assertThat(run.counts().filesChanged()).isEqualTo(1);
    assertThat(run.files())
        .singleElement()
        .satisfies(f -> assertThat(f.action()).isEqualTo(CrawlRun.FileAction.REPLACED));
    assertThat(column(table("raw.catalog"), "id")).containsExactly(1, 9);
    assertThat(column(table("raw.catalog"), "seasons")).containsExactly(1, 4);
  }

  @Test
  void removedFilesUnderDeleteLoseTheirRowsAndAnEmptySourceDropsTheTable() throws IOException {
    crawler("{ name: catalog, on-removed: delete }");
    Path a = write("catalog/a.csv", SHOWS);
    Path b = write("catalog/b.csv", "id,title,seasons\n9,keep,1\n");
    crawlers.run("catalog");

    Files.delete(a);
    CrawlRun run = crawlers.run("catalog");
    assertThat(run.counts().filesRemoved()).isEqualTo(1);
    assertThat(column(table("raw.catalog"), "id")).containsExactly(9);

    Files.delete(b);
    CrawlRun last = crawlers.run("catalog");
    assertThat(last.counts().tablesDeleted()).isEqualTo(1);
    assertThat(lake.loadTable(TableId.parse("raw.catalog"))).isEmpty();
  }

  @Test
  void anEmptySourceUnderDeprecateMarksTheTable() throws IOException {
    crawler("{ name: catalog }");
    Path a = write("catalog/a.csv", SHOWS);
    crawlers.run("catalog");
    Files.delete(a);

    CrawlRun run = crawlers.run("catalog");

    assertThat(run.tables())
        .extracting(CrawlRun.TableChange::action)
        .containsExactly(CrawlRun.TableAction.DEPRECATED);
    assertThat(table("raw.catalog").properties()).containsKey("tributary.deprecated");
    assertThat(rows(table("raw.catalog"))).hasSize(3);
    assertThat(crawlers.run("catalog").tables()).isEmpty(); // reported once
  }

  @Test
  void incompatibleSchemasUnderOnePrefix() {
    write("mixed/shows.csv", SHOWS);
    write("mixed/users.json", "{\"user\": \"u1\", \"email\": \"a@b\"}\n");

    crawler("{ name: mixed }");
    CrawlRun combined = crawlers.run("mixed");
    assertThat(combined.counts().filesRejected()).isEqualTo(1);
    assertThat(combined.files())
        .filteredOn(f -> f.action() == CrawlRun.FileAction.REJECTED)
        .singleElement()
        .satisfies(f -> assertThat(f.reason()).contains("does not match table raw.mixed"));

    crawler("{ name: split, source: mixed, namespace: split, grouping: table-per-schema }");
    CrawlRun split = crawlers.run("split");
    assertThat(split.counts().tablesCreated()).isEqualTo(2);
    assertThat(rows(table("split.mixed"))).hasSize(3);
    assertThat(rows(table("split.mixed_2"))).hasSize(1);
  }

  @Test
  void aGroupThatFailsIsReportedAndTheOtherGroupsLoad() throws IOException {
    crawler("{ name: catalog }");
    write("catalog/shows.csv", SHOWS);
    write("catalog/creators/c.json", "{\"creator_id\": 7, \"name\": \"Ana\"}\n");
    assertThat(crawlers.run("catalog").counts().filesLoaded()).isEqualTo(2);
    // the creators table becomes unreadable: its current metadata file is gone
    Table creators = table("raw.catalog_creators");
    String metadata =
        ((org.apache.iceberg.BaseTable) creators).operations().current().metadataFileLocation();
    Files.delete(Path.of(java.net.URI.create(metadata)));
    write("catalog/more.csv", "id,title,seasons\n4,Drive Time,2\n");
    write("catalog/creators/d.json", "{\"creator_id\": 8, \"name\": \"Bo\"}\n");

    CrawlRun run = crawlers.run("catalog");

    assertThat(run.status()).isEqualTo(CrawlRun.Status.SUCCEEDED);
    assertThat(run.counts().filesLoaded()).isEqualTo(1);
    assertThat(run.counts().filesRejected()).isEqualTo(1);
    assertThat(rows(table("raw.catalog"))).hasSize(4);
    assertThat(run.tables())
        .singleElement()
        .satisfies(
            change -> {
              assertThat(change.table()).isEqualTo("raw.catalog_creators");
              assertThat(change.action()).isEqualTo(CrawlRun.TableAction.FAILED);
              assertThat(change.detail()).contains("cannot read its tables");
            });
    assertThat(run.files())
        .filteredOn(f -> f.action() == CrawlRun.FileAction.REJECTED)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.path()).isEqualTo("creators/d.json");
              assertThat(f.reason()).startsWith("cannot load table prefix catalog_creators: ");
            });
  }

  @Test
  void aFileBeyondTheColumnLimitIsRejectedWithTheLimitAndTheOthersLoad() throws Exception {
    try (Lake limited =
        Lake.open(
            new TributaryConfig.Catalog(
                "jdbc:sqlite:" + dir.resolve("limited.db"), null, null, dir.resolve("limited")),
            Clock.systemUTC(),
            new TablePolicy(3))) {
      Supplier<Connection> limitedDb =
          () -> {
            try {
              return limited.openMetadataConnection();
            } catch (SQLException e) {
              throw new IllegalStateException(e);
            }
          };
      CrawlerRegistry limitedRegistry = new CrawlerRegistry(limitedDb, Clock.systemUTC());
      try (Crawlers crawling =
          new Crawlers(
              limited,
              landing,
              limitedRegistry,
              limitedDb,
              Clock.systemUTC(),
              Crawlers.LOCAL_NODE,
              2,
              loadPath(),
              CrawlJob.CrashPoints.NONE)) {
        limitedRegistry.put(
            TributaryConfig.fromYaml("crawlers:\n  - { name: wide }", "test").crawlers().get(0));
        write("wide/a.json", "{\"id\": 1, \"name\": \"a\"}\n");
        assertThat(crawling.run("wide").counts().filesLoaded()).isEqualTo(1);
        write("wide/b.json", "{\"id\": 2, \"name\": \"b\", \"x\": 1, \"y\": 2}\n");
        write("wide/c.json", "{\"id\": 3, \"name\": \"c\", \"x\": 3}\n");

        CrawlRun run = crawling.run("wide");

        assertThat(run.status()).isEqualTo(CrawlRun.Status.SUCCEEDED);
        assertThat(run.counts().filesLoaded()).isEqualTo(1);
        assertThat(run.files())
            .filteredOn(f -> f.action() == CrawlRun.FileAction.REJECTED)
            .singleElement()
            .satisfies(
                f -> {
                  assertThat(f.path()).isEqualTo("b.json");
                  assertThat(f.reason())
                      .contains("incompatible schema change for table raw.wide")
                      .contains("more than the limit of 3 per table");
                });
        Table wide = limited.loadTable(TableId.parse("raw.wide")).orElseThrow();
        assertThat(column(wide, "id")).containsExactly(1, 3);
      }
    }
  }

  @Test
  void unknownFormatsAreRejectedWithTheClassifiersReason() {
    crawler("{ name: catalog }");
    write("catalog/notes.bin", "\u0000\u0001\u0002 binary \u0003");
    CrawlRun run = crawlers.run("catalog");
    assertThat(run.files())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.action()).isEqualTo(CrawlRun.FileAction.REJECTED);
              assertThat(f.reason()).startsWith("unknown format");
            });
  }

  @Test
  void eventModeCrawlsADroppedFileWithinSeconds() throws IOException {
    events.subscribe(crawlers::landed);
    crawler("{ name: profiles, mode: event }");
    landing.store(
        "profiles", "u.json", new java.io.ByteArrayInputStream("{\"id\": 1}\n".getBytes()));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        lake.loadTable(TableId.parse("raw.profiles"))
                            .map(CrawlerIT::rows)
                            .orElse(List.of()))
                    .hasSize(1));
  }

  @Test
  void scheduleModeRunsOnItsInterval() {
    write("ticks/a.json", "{\"id\": 1}\n");
    crawler("{ name: ticks, schedule: 1s }");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(lake.loadTable(TableId.parse("raw.ticks"))).isPresent());
  }
}
