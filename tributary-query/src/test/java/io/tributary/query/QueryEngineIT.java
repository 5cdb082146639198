package io.tributary.query;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.InvalidInputException;
import io.tributary.core.RetriableException;
import io.tributary.core.config.TributaryConfig;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryEngineIT {
  private static final Schema EVENTS =
      new Schema(
          required(1, "event_id", Types.StringType.get()),
          required(2, "show_id", Types.StringType.get()),
          required(3, "event_type", Types.StringType.get()),
          required(4, "ts", Types.TimestampType.withZone()),
          optional(5, "duration_ms", Types.LongType.get()));
  private static final Schema SHOWS =
      new Schema(
          required(1, "show_id", Types.StringType.get()),
          optional(2, "title", Types.StringType.get()));
  private static final OffsetDateTime T0 =
      OffsetDateTime.of(2024, 5, 1, 12, 0, 0, 0, ZoneOffset.UTC);
  private static final TributaryConfig.Query SETTINGS =
      new TributaryConfig.Query(2, 256L << 20, 100, Duration.ofSeconds(20));

  private Path dir;
  private TestLake lake;
  private QueryEngine engine;

  @BeforeAll
  void setUp(@TempDir Path tempDir) {
    dir = tempDir;
    lake = new TestLake(dir, "raw", "ref");
    Table events = lake.create("raw", "app_events", EVENTS);
    lake.append(
        events,
        List.of(
            event("e1", "s1", "listen_start", 0, 1000L),
            event("e2", "s1", "listen_start", 1, 2000L),
            event("e3", "s2", "listen_start", 2, null),
            event("e4", "s2", "listen_stop", 3, 500L)));
    lake.append(events, List.of(event("e5", "s1", "listen_start", 4, 10L)));
    Table shows = lake.create("ref", "shows", SHOWS);
    lake.append(shows, List.of(List.of("s1", "Morning"), List.of("s2", "Evening")));
    engine = new QueryEngine(lake.catalog(), lake.directory(), SETTINGS);
  }

  @AfterAll
  void tearDown() throws Exception {
    engine.close();
    lake.close();
  }

  private static List<Object> event(
      String id, String show, String type, int minutes, Long durationMillis) {
    List<Object> row = new ArrayList<>();
    row.add(id);
    row.add(show);
    row.add(type);
    row.add(T0.plusMinutes(minutes));
    row.add(durationMillis);
    return row;
  }

  @Test
  void aggregatesWithOrderAndLimit() {
    QueryResult result =
        engine.execute(
            "SELECT show_id, count(*) AS n FROM raw.app_events WHERE event_type = 'listen_start'"
                + " GROUP BY 1 ORDER BY 2 DESC LIMIT 10");

    assertThat(result.columns())
        .containsExactly(
            new QueryResult.Column("show_id", "VARCHAR"), new QueryResult.Column("n", "BIGINT"));
    assertThat(result.rows()).containsExactly(List.of("s1", 3L), List.of("s2", 1L));
    assertThat(result.truncated()).isFalse();
  }

  @Test
  void streamsEveryRowWithTypedValuesAndTheSnapshotsRead() {
    record Streamed(
        List<QueryResult.Column> columns,
        List<List<Object>> rows,
        Map<io.tributary.core.TableId, Long> snapshots) {}
    Streamed streamed =
        engine.stream(
            "SELECT event_id, ts, CAST(ts AS DATE) AS day, duration_ms, 1.5::DECIMAL(4,1) AS d"
                + " FROM raw.app_events ORDER BY event_id",
            rows -> {
              List<List<Object>> all = new ArrayList<>();
              while (rows.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 0; i < rows.columns().size(); i++) {
                  row.add(rows.value(i));
                }
                all.add(row);
              }
              return new Streamed(rows.columns(), all, rows.snapshots());
            });

    assertThat(streamed.rows()).hasSize(5); // no row limit applies (max-rows is 100 here)
    assertThat(streamed.columns().get(1).type()).isEqualTo("TIMESTAMP WITH TIME ZONE");
    List<Object> first = streamed.rows().get(0);
    assertThat(first.get(0)).isEqualTo("e1");
    assertThat(((OffsetDateTime) first.get(1)).toInstant()).isEqualTo(T0.toInstant());
    assertThat(first.get(2)).isEqualTo(java.time.LocalDate.of(2024, 5, 1));
    assertThat(first.get(3)).isEqualTo(1000L);
    assertThat(first.get(4)).isEqualTo(new BigDecimal("1.5"));
    long snapshot = lake.load("raw", "app_events").currentSnapshot().snapshotId();
    assertThat(streamed.snapshots())
        .containsExactly(Map.entry(io.tributary.core.TableId.parse("raw.app_events"), snapshot));
  }

  @Test
  void noCallerReadsTheLakesFilesDirectly() {
    java.util.function.Predicate<io.tributary.core.TableId> onlyShows =
        table -> table.toString().equals("ref.shows");
    String files = lake.directory() + "/**/*.parquet";
    for (String sql :
        List.of(
            "SELECT count(*) FROM read_parquet('" + files + "', union_by_name = true)",
            "SELECT count(*) FROM glob('" + lake.directory() + "/**')",
            "WITH f AS (SELECT * FROM '" + files + "') SELECT count(*) FROM f",
            "SELECT * FROM query('SELECT * FROM raw.hid' || 'den')")) {
      assertThatThrownBy(() -> engine.execute(sql, onlyShows))
          .as(sql)
          .isInstanceOfSatisfying(
              InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("query_not_allowed"))
          .hasMessageContaining("reads the lake's tables by name");
      assertThatThrownBy(() -> engine.execute(sql))
          .as(sql)
          .isInstanceOf(InvalidInputException.class);
    }
  }

  @Test
  void aCallerReadsAndListsOnlyTheTablesItMay() {
    lake.create("raw", "hidden", EVENTS);
    java.util.function.Predicate<io.tributary.core.TableId> onlyEvents =
        table -> table.toString().equals("raw.app_events");
    assertThat(engine.execute("SELECT count(*) FROM raw.app_events", onlyEvents).rows()).hasSize(1);
    assertThatThrownBy(() -> engine.execute("SELECT * FROM raw.hidden", onlyEvents))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("forbidden"))
        .hasMessageContaining("'read' privilege on table:raw.hidden");
    assertThatThrownBy(
            () -> engine.execute("SELECT * FROM raw.hidden FOR VERSION AS OF 1", onlyEvents))
        .hasMessageContaining("table:raw.hidden");
    assertThat(
            engine
                .execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'raw'",
                    onlyEvents)
                .rows())
        .extracting(row -> row.get(0))
        .containsExactly("app_events");
  }

  @Test
  void checksSqlWithoutRunningIt() {
    engine.check("SELECT * FROM raw.no_such_table");
    assertThatThrownBy(() -> engine.check("SELEC 1"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Parser Error");
    assertThatThrownBy(() -> engine.check("DROP TABLE raw.app_events"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Query not allowed");
  }

  @Test
  void explainsSqlAgainstTheLakeWithoutRunningIt() {
    long snapshot = lake.load("raw", "app_events").currentSnapshot().snapshotId();
    engine.explain(
        "SELECT s.title, count(*) FROM raw.app_events e JOIN ref.shows s USING (show_id)"
            + " WHERE e.ts > TIMESTAMPTZ '2024-01-01 00:00:00+00' GROUP BY 1");
    engine.explain("SELECT count(*) FROM raw.app_events FOR VERSION AS OF " + snapshot);
    assertThatThrownBy(() -> engine.explain("SELECT * FROM raw.no_such_table"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no_such_table")
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> engine.explain("SELECT no_such_column FROM raw.app_events"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no_such_column");
    assertThatThrownBy(() -> engine.explain("SELEC 1"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Parser Error");
  }

  @Test
  void joinsTablesWithQuotedNamesCtesAndSubqueries() {
    QueryResult result =
        engine.execute(
            "WITH starts AS (SELECT * FROM \"raw\".\"app_events\" WHERE event_type = 'listen_start')"
                + " SELECT s.title, count(*) FROM starts e JOIN REF.Shows s USING (show_id)"
                + " WHERE e.show_id IN (SELECT show_id FROM ref.shows) GROUP BY 1 ORDER BY 1");

    assertThat(result.rows()).containsExactly(List.of("Evening", 1L), List.of("Morning", 3L));
  }

  @Test
  void returnsJsonFriendlyValues() {
    QueryResult result =
        engine.execute(
            "SELECT ts, duration_ms, 1.5::DECIMAL(4,2) d, 2.5::FLOAT f, DATE '2024-01-02' d2,"
                + " [1, 2] l, {'a': 1} s, true b, 7::TINYINT t, TIMESTAMP '2024-01-02 03:04:05' lt"
                + " FROM raw.app_events WHERE event_id = 'e3'");

    assertThat(result.columns().get(0).type()).isEqualTo("TIMESTAMP WITH TIME ZONE");
    assertThat(result.rows())
        .containsExactly(
            java.util.Arrays.asList(
                "2024-05-01T12:02:00Z",
                null,
                new BigDecimal("1.50"),
                2.5,
                "2024-01-02",
                List.of(1, 2),
                Map.of("a", 1),
                true,
                7,
                "2024-01-02T03:04:05"));
  }

  @Test
  void readsEvolvedSchemas() {
    Table evolving = lake.create("raw", "evolving", EVENTS);
    lake.append(evolving, List.of(event("e1", "s1", "listen_start", 0, 1L)));
    evolving.updateSchema().addColumn("country", Types.StringType.get()).commit();
    List<Object> withCountry = event("e6", "s3", "listen_start", 5, 1L);
    withCountry.add("NL");
    lake.append(lake.load("raw", "evolving"), List.of(withCountry));
    lake.load("raw", "evolving")
        .updateSchema()
        .addColumn("device", Types.IntegerType.get())
        .commit();

    QueryResult result =
        engine.execute("SELECT event_id, country, device FROM raw.evolving ORDER BY 1");

    assertThat(result.columns())
        .extracting(QueryResult.Column::type)
        .containsExactly("VARCHAR", "VARCHAR", "INTEGER");
    assertThat(result.rows())
        .containsExactly(
            java.util.Arrays.asList("e1", null, null), java.util.Arrays.asList("e6", "NL", null));
  }

  @Test
  void queriesTablesWithoutSnapshots() {
    lake.create("raw", "empty", EVENTS);

    QueryResult result = engine.execute("SELECT * FROM raw.empty");

    assertThat(result.columns())
        .extracting(QueryResult.Column::type)
        .containsExactly("VARCHAR", "VARCHAR", "VARCHAR", "TIMESTAMP WITH TIME ZONE", "BIGINT");
    assertThat(result.rows()).isEmpty();
    assertThat(engine.execute("SELECT count(*) FROM raw.empty").rows())
        .containsExactly(List.of(0L));
  }

  @Test
  void readsTheSnapshotPlannedAtTheStartOfTheQuery() {
    Table racing = lake.create("raw", "racing", EVENTS);
    lake.append(racing, List.of(event("e1", "s1", "listen_start", 0, 1L)));
    // a commit lands right after the engine loaded the table: this query must not see it
    Catalog committingCatalog = new CommitAfterLoadCatalog(lake);
    try (QueryEngine isolated = new QueryEngine(committingCatalog, lake.directory(), SETTINGS)) {
      QueryResult first =
          isolated.execute("SELECT count(*), (SELECT count(*) FROM raw.racing) FROM raw.racing");

      assertThat(first.rows()).containsExactly(List.of(1L, 1L));
    }
    assertThat(engine.execute("SELECT count(*) FROM raw.racing").rows())
        .containsExactly(List.of(2L));
  }

  @Test
  void refusesTablesWithDeleteFiles() {
    Table deleted = lake.create("raw", "deleted", EVENTS);
    lake.append(deleted, List.of(event("e1", "s1", "listen_start", 0, 1L)));
    lake.deleteFirstRows(deleted);

    assertThatThrownBy(() -> engine.execute("SELECT count(*) FROM raw.deleted"))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("table_has_deletes"))
        .hasMessageStartingWith("Cannot query table raw.deleted:")
        .hasMessageContaining("delete files");
  }

  @Test
  void aTableWithFilesOutsideTheLakeIsAPermanentError() {
    try (QueryEngine elsewhere =
        new QueryEngine(lake.catalog(), dir.resolve("another-lake"), SETTINGS)) {
      assertThatThrownBy(() -> elsewhere.execute("SELECT count(*) FROM ref.shows"))
          .isInstanceOfSatisfying(
              InvalidInputException.class,
              e -> assertThat(e.code()).isEqualTo("table_outside_lake"))
          .isNotInstanceOf(RetriableException.class)
          .hasMessageContaining("not inside the lake's warehouse");
    }
  }

  @Test
  void countsAnEmptyTableOfTenThousandColumns() {
    List<Types.NestedField> fields = new ArrayList<>();
    for (int i = 1; i <= 10_000; i++) {
      fields.add(optional(i, "c" + i, Types.StringType.get()));
    }
    lake.create("raw", "wide", new Schema(fields));

    assertThat(engine.execute("SELECT count(*) FROM raw.wide").rows()).containsExactly(List.of(0L));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/hostname')",
        "SELECT * FROM read_parquet('%LAKE%/../outside.parquet')",
        "SELECT * FROM glob('/etc/*')",
        "SELECT * FROM read_blob('%DIR%/catalog.db')"
      })
  void cannotReadOutsideTheLake(String sql) throws Exception {
    Files.writeString(dir.resolve("outside.parquet"), "not parquet");
    String text =
        sql.replace("%LAKE%", lake.directory().toString()).replace("%DIR%", dir.toString());

    assertThatThrownBy(() -> engine.execute(text))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("query_not_allowed"))
        .hasMessageContaining("reads files or runs SQL text")
        .hasMessageNotContaining("\n");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "COPY (SELECT 1) TO '/tmp/x.csv'",
        "ATTACH '/tmp/x.db'",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "RESET lock_configuration",
        "PRAGMA version",
        "CALL pragma_version()",
        "CREATE TABLE t AS SELECT 1",
        "insert into raw.app_events select * from raw.app_events",
        "/* hi */ DROP TABLE raw.app_events",
        "-- a comment\nDELETE FROM raw.app_events",
        "UPDATE raw.app_events SET show_id = 'x'",
        "ALTER TABLE raw.app_events ADD COLUMN x INT",
        "DETACH memory",
        "EXPORT DATABASE '/tmp/x'",
        "CHECKPOINT",
        "VACUUM",
        "EXPLAIN CREATE TABLE t (a INT)",
        "SELECT 1; SELECT 2",
        "SELECT 1; DROP TABLE raw.app_events",
        "select 1 ; copy (select 1) to '/tmp/x.csv'",
      })
  void rejectsAnythingButOneReadStatement(String sql) {
    assertThatThrownBy(() -> engine.execute(sql))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("query_not_allowed"))
        .hasMessageStartingWith("Query not allowed");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SELECT 1;",
        "select 1 ; ",
        "SELECT 1; -- done",
        "/* ; */ SELECT ';' AS x -- ; DROP TABLE t",
        "VALUES (1)",
        "FROM raw.app_events SELECT count(*)",
        "DESCRIBE raw.app_events",
        "SHOW raw.app_events",
        "SUMMARIZE raw.app_events",
        "EXPLAIN SELECT count(*) FROM raw.app_events",
        "-- plan\nexplain analyze SELECT count(*) FROM raw.app_events"
      })
  void allowsReadStatements(String sql) {
    assertThat(engine.execute(sql).rows()).isNotEmpty();
  }

  @Test
  void reportsBadQueriesWithDuckDbsOneLineMessage() {
    assertThatThrownBy(() -> engine.execute("SELEC 1"))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("query_error"))
        .hasMessage("Parser Error: syntax error at or near \"SELEC\"");
    assertThatThrownBy(() -> engine.execute("SELECT * FROM raw.nope"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Catalog Error: Table with name nope does not exist!")
        .hasMessageNotContaining("\n");
    assertThatThrownBy(() -> engine.execute("SELECT nope FROM raw.app_events"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Binder Error: Referenced column \"nope\" not found")
        .hasMessageNotContaining("\n");
    assertThatThrownBy(() -> engine.execute("SELECT CAST('x' AS INT)"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Conversion Error: Could not convert string 'x'");
  }

  @Test
  void truncatesAtMaxRows() {
    try (QueryEngine small =
        new QueryEngine(
            lake.catalog(),
            lake.directory(),
            new TributaryConfig.Query(1, 64L << 20, 3, Duration.ofSeconds(20)))) {
      QueryResult truncated = small.execute("SELECT event_id FROM raw.app_events ORDER BY 1");
      QueryResult exact = small.execute("FROM range(3)");

      assertThat(truncated.rows()).containsExactly(List.of("e1"), List.of("e2"), List.of("e3"));
      assertThat(truncated.truncated()).isTrue();
      assertThat(exact.rows()).hasSize(3);
      assertThat(exact.truncated()).isFalse();
    }
  }

  @Test
  void cancelsQueriesPastTheTimeout() {
    try (QueryEngine impatient =
        new QueryEngine(
            lake.catalog(),
            lake.directory(),
            new TributaryConfig.Query(1, 64L << 20, 10, Duration.ofMillis(300)))) {
      long start = System.nanoTime();

      assertThatThrownBy(
              () -> impatient.execute("SELECT sum(hash(i)) FROM range(1000000000000) t(i)"))
          .isInstanceOfSatisfying(
              RetriableException.class, e -> assertThat(e.code()).isEqualTo("query_timeout"));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void runsQueriesFromSeveralThreads() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<QueryResult>> results = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        results.add(
            pool.submit(
                () ->
                    engine.execute(
                        "SELECT count(*) FROM raw.app_events JOIN ref.shows USING (show_id)")));
      }
      for (Future<QueryResult> result : results) {
        assertThat(result.get().rows()).containsExactly(List.of(5L));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void refusesQueriesAfterClose() {
    QueryEngine closed = new QueryEngine(lake.catalog(), lake.directory(), SETTINGS);
    closed.close();

    assertThatThrownBy(() -> closed.execute("SELECT 1")).isInstanceOf(IllegalStateException.class);
  }

  /** Appends a row to the table right after handing out the loaded table, like a racing writer. */
  private static final class CommitAfterLoadCatalog extends ForwardingCatalog {
    private final TestLake lake;

    CommitAfterLoadCatalog(TestLake lake) {
      super(lake.catalog());
      this.lake = lake;
    }

    @Override
    public Table loadTable(TableIdentifier identifier) {
      Table table = super.loadTable(identifier);
      lake.append(
          lake.load(identifier.namespace().level(0), identifier.name()),
          List.of(event("late", "s9", "listen_start", 9, 1L)));
      return table;
    }
  }

  @Test
  void timeTravelsBySnapshotIdAndByTimeWithEachSnapshotsOwnSchema() {
    Table travel = lake.create("raw", "travel", SHOWS);
    lake.append(travel, List.of(List.of("s1", "Morning")));
    long first = travel.currentSnapshot().snapshotId();
    long firstMillis = travel.currentSnapshot().timestampMillis();
    while (System.currentTimeMillis() <= firstMillis) {
      Thread.onSpinWait(); // the next snapshot must be committed in a later millisecond
    }
    travel.updateSchema().addColumn("rating", Types.IntegerType.get()).commit();
    travel.refresh();
    lake.append(travel, List.of(List.of("s2", "Evening", 5)));

    assertThat(engine.execute("SELECT count(*) FROM raw.travel").rows())
        .containsExactly(List.of(2L));
    QueryResult old =
        engine.execute(
            "SELECT * FROM raw.travel FOR VERSION AS OF " + first + " ORDER BY travel.show_id");
    assertThat(old.columns())
        .extracting(QueryResult.Column::name)
        .containsExactly("show_id", "title");
    assertThat(old.rows()).containsExactly(List.of("s1", "Morning"));
    String atFirst =
        java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .format(java.time.Instant.ofEpochMilli(firstMillis).atOffset(ZoneOffset.UTC));
    assertThat(
            engine
                .execute(
                    "SELECT count(*) FROM raw.travel FOR TIMESTAMP AS OF TIMESTAMP '"
                        + atFirst
                        + " UTC'")
                .rows())
        .containsExactly(List.of(1L));
    String atFirstInParis =
        java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .format(java.time.Instant.ofEpochMilli(firstMillis).atOffset(ZoneOffset.ofHours(2)));
    assertThat(
            engine
                .execute(
                    "select count(*) from raw.travel for timestamp as of timestamp '"
                        + atFirstInParis
                        + " +02:00' -- FOR VERSION AS OF 1 in a comment stays")
                .rows())
        .containsExactly(List.of(1L));
  }

  @Test
  void joinsTwoVersionsOfOneTable() {
    Table events = lake.load("raw", "app_events");
    List<Long> ids = new ArrayList<>();
    events.snapshots().forEach(snapshot -> ids.add(snapshot.snapshotId()));

    QueryResult result =
        engine.execute(
            "SELECT n.event_id FROM raw.app_events FOR VERSION AS OF "
                + ids.get(ids.size() - 1)
                + " n LEFT JOIN \"raw\".\"app_events\" FOR VERSION AS OF "
                + ids.get(0)
                + " o ON n.event_id = o.event_id WHERE o.event_id IS NULL"
                + " AND 'raw.app_events FOR VERSION AS OF 1' IS NOT NULL");

    assertThat(result.rows()).containsExactly(List.of("e5"));
  }

  @Test
  void refusesUnknownSnapshotsAndTimesBeforeTheFirstSnapshot() {
    assertThatThrownBy(
            () -> engine.execute("SELECT * FROM raw.app_events FOR VERSION AS OF 123456789"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("raw.app_events")
        .hasMessageContaining("123456789");
    assertThatThrownBy(
            () ->
                engine.execute(
                    "SELECT * FROM raw.app_events"
                        + " FOR TIMESTAMP AS OF TIMESTAMP '2001-01-01 00:00:00 UTC'"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("raw.app_events")
        .hasMessageContaining("2001-01-01T00:00:00Z");
    assertThatThrownBy(
            () ->
                engine.execute(
                    "SELECT * FROM raw.app_events FOR TIMESTAMP AS OF TIMESTAMP 'yesterday'"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'yesterday'");
    assertThatThrownBy(() -> engine.execute("SELECT * FROM raw.nothing FOR VERSION AS OF 1"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("raw.nothing");
  }

  @Test
  void metadataTablesMatchIcebergsOwn() {
    Table events = lake.load("raw", "app_events");
    List<List<Object>> snapshots = new ArrayList<>();
    events
        .snapshots()
        .forEach(
            snapshot ->
                snapshots.add(
                    java.util.Arrays.asList(
                        snapshot.snapshotId(), snapshot.parentId(), snapshot.operation())));

    assertThat(
            engine
                .execute(
                    "SELECT snapshot_id, parent_id, operation FROM raw.\"app_events$snapshots\""
                        + " ORDER BY committed_at, snapshot_id")
                .rows())
        .containsExactlyElementsOf(snapshots);
    assertThat(
            engine
                .execute(
                    "SELECT count(*), bool_and(is_current_ancestor), max(made_current_at) IS NOT"
                        + " NULL FROM raw.\"app_events$history\"")
                .rows())
        .containsExactly(List.of((long) events.history().size(), true, true));
    assertThat(
            engine
                .execute(
                    "SELECT count(*), sum(record_count), min(file_format), min(content)"
                        + " FROM raw.\"app_events$files\"")
                .rows())
        .containsExactly(List.of(2L, 5L, "PARQUET", 0));
    assertThat(
            engine
                .execute(
                    "SELECT partition, record_count, file_count, total_size > 0"
                        + " FROM raw.\"app_events$partitions\"")
                .rows())
        .containsExactly(List.of("", 5L, 2L, true));
    int manifests = events.currentSnapshot().allManifests(events.io()).size();
    assertThat(
            engine
                .execute(
                    "SELECT count(*), sum(added_data_files_count) FROM raw.\"APP_EVENTS$manifests\"")
                .rows())
        .containsExactly(List.of((long) manifests, 2L));
    assertThat(
            engine
                .execute(
                    "SELECT summary::JSON ->> 'total-records' FROM raw.\"app_events$snapshots\""
                        + " WHERE snapshot_id = "
                        + events.currentSnapshot().snapshotId())
                .rows())
        .containsExactly(List.of("5"));
  }
}
