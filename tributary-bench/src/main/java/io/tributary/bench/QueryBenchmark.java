package io.tributary.bench;

import io.tributary.access.AdminCredentials;
import io.tributary.core.TableId;
import io.tributary.core.config.PartitionField;
import io.tributary.core.config.TributaryConfig;
import io.tributary.lake.Lake;
import io.tributary.lake.RowLoad;
import io.tributary.server.Platform;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.types.Types;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench query}: the same SQL over the same generated app events, timed on DuckDB reading the
 * table's Parquet files directly, Tributary over HTTP (NDJSON) and over its PostgreSQL endpoint
 * (pgJDBC), and with {@code --postgres} a real PostgreSQL loaded with the same rows (pgJDBC), all
 * in one run; plus the planning overhead of a query on a table of 1,000 files. With {@code
 * --access-cost}, the HTTP queries also run on a twin platform with access off holding the same
 * rows, for the cost of authentication.
 */
@Command(
    name = "query",
    description =
        "SQL on the lake vs DuckDB on the same files (and PostgreSQL with --postgres), one run.")
final class QueryBenchmark implements Callable<Integer> {
  private static final TableId EVENTS = new TableId("raw", "app_events");
  private static final TableId SHOWS = new TableId("raw", "shows");
  private static final TableId MANY_FILES = new TableId("raw", "files_1000");
  private static final String ACCESS_OFF = "tributary_http_access_off";
  private static final long ROWS_PER_COMMIT = 1_000_000;
  private static final int FILES = 1_000;
  private static final int FILES_PER_COMMIT = 100;
  private static final int ROWS_PER_FILE = 100;

  @Option(names = "--rows", defaultValue = "10000000", description = "App events generated")
  long rows;

  @Option(names = "--runs", defaultValue = "3", description = "Timed runs per query (median)")
  int runs;

  @Option(names = "--postgres", description = "Also load and time a local PostgreSQL")
  boolean postgres;

  @Option(
      names = "--access-cost",
      description =
          "Also time the HTTP queries on a twin platform with access off (same rows), and report"
              + " the query rate with access on over the rate with it off")
  boolean accessCost;

  @Option(names = "--json", description = "Print one JSON object")
  boolean json;

  @Override
  public Integer call() throws Exception {
    try (ScratchDir dir = new ScratchDir("tributary-bench-query")) {
      return run(dir.path());
    }
  }

  private int run(Path dir) throws Exception {
    TributaryConfig config =
        new TributaryConfig(
            dir,
            LocalPlatform.http(),
            LocalPlatform.embeddedKafka(),
            LocalPlatform.catalog(dir),
            TributaryConfig.Ingest.DEFAULT,
            TributaryConfig.Query.DEFAULT,
            List.of());
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("rows", rows);
    Path offDir = dir.resolve("access-off");
    try (Platform platform = Platform.start(config, Clock.systemUTC());
        Platform off =
            accessCost
                ? Platform.start(AccessCost.accessOff(config, offDir), Clock.systemUTC())
                : null) {
      generate(platform.lake());
      if (off != null) {
        generate(off.lake());
      }
      TributaryConfig.Query query = config.query();
      long memoryPerQuery = query.memoryLimitBytes() / Math.max(2, query.threads());
      AdminCredentials admin = platform.adminCredentials();
      List<SqlPeer> peers = new ArrayList<>();
      try {
        peers.add(
            new DuckDbDirectPeer(
                platform.lake().catalog(),
                List.of(EVENTS, SHOWS, MANY_FILES),
                query.threads(),
                memoryPerQuery));
        peers.add(new HttpSqlPeer(platform.httpUri(), admin.token()));
        if (off != null) {
          peers.add(new HttpSqlPeer(ACCESS_OFF, off.httpUri(), admin.token()));
        }
        peers.add(
            new JdbcSqlPeer(
                "tributary_pgwire",
                "jdbc:postgresql://127.0.0.1:" + platform.pgwirePort() + "/tributary",
                admin.user(),
                admin.password()));
        LocalPostgres server = postgres ? LocalPostgres.start(dir, 512) : null;
        try {
          if (server != null) {
            peers.add(loadPostgres(server));
          }
          timeQueries(peers, result);
          if (off != null) {
            accessCost(result);
          }
          planning(platform, (DuckDbDirectPeer) peers.get(0), memoryPerQuery, result);
        } finally {
          if (server != null) {
            server.close();
          }
        }
      } finally {
        for (SqlPeer peer : peers) {
          peer.close();
        }
      }
      result.put("rss_peak_mib", Host.peakRssMib());
    }
    Results.print(result, json);
    return 0;
  }

  /**
   * The query rate over HTTP with access on over the rate with access off, per query and over all
   * queries (the sum of their median times); the overall line printed beside the results.
   */
  private void accessCost(Map<String, Object> result) {
    double on = 0;
    double off = 0;
    for (String query : queries().keySet()) {
      double onMillis = ((Number) result.get(query + "_tributary_http_ms")).doubleValue();
      double offMillis = ((Number) result.get(query + "_" + ACCESS_OFF + "_ms")).doubleValue();
      result.put(query + "_http_access_on_vs_off", Results.round2(offMillis / onMillis));
      on += onMillis;
      off += offMillis;
    }
    int queries = queries().size();
    result.put("http_access_on_vs_off", Results.round2(off / on));
    System.err.println(
        AccessCost.line(
            "HTTP queries (all " + queries + ")",
            queries * 60_000 / on,
            queries * 60_000 / off,
            "queries/min"));
  }

  /** The queries, by name; the same text runs on every peer. */
  private Map<String, String> queries() {
    Map<String, String> queries = new LinkedHashMap<>();
    queries.put(
        "point_lookup",
        "SELECT * FROM raw.app_events WHERE event_id = '" + AppEventRows.eventId(rows / 2) + "'");
    queries.put(
        "filter",
        "SELECT event_id, user_id, ts FROM raw.app_events"
            + " WHERE show_id = 'show_0042' AND event_type = 'like'");
    queries.put(
        "group_by",
        "SELECT event_type, count(*) AS events, avg(duration_ms) AS avg_ms FROM raw.app_events"
            + " GROUP BY event_type ORDER BY event_type");
    queries.put(
        "top_n",
        "SELECT show_id, count(*) AS listens FROM raw.app_events WHERE event_type = 'listen_start'"
            + " GROUP BY show_id ORDER BY listens DESC, show_id LIMIT 10");
    queries.put(
        "join_catalog",
        "SELECT s.creator, count(*) AS listens FROM raw.app_events e JOIN raw.shows s"
            + " ON e.show_id = s.show_id WHERE e.event_type = 'listen_start'"
            + " GROUP BY s.creator ORDER BY listens DESC, s.creator LIMIT 10");
    queries.put(
        "fetch_1m",
        "SELECT event_id, user_id, show_id, event_type, ts, duration_ms FROM raw.app_events"
            + " LIMIT "
            + Math.min(1_000_000, rows));
    return queries;
  }

  /**
   * Times each query on every peer: one warm-up run each, then {@code runs} rounds in which the
   * peers take turns (A, B, C, A, B, C...), so a noisy neighbour weighs on all of them alike; the
   * median of each peer's runs is reported.
   */
  private void timeQueries(List<SqlPeer> peers, Map<String, Object> result) throws Exception {
    for (Map.Entry<String, String> query : queries().entrySet()) {
      Map<String, Double> millis = new LinkedHashMap<>();
      long expected = -1;
      for (SqlPeer peer : peers) {
        log("%s on %s...", query.getKey(), peer.name());
        long count = peer.run(query.getValue()); // warm-up
        if (expected >= 0 && count != expected) {
          throw new IllegalStateException(
              query.getKey() + ": " + peer.name() + " read " + count + " rows, not " + expected);
        }
        expected = count;
      }
      double[][] times = new double[peers.size()][runs];
      for (int run = 0; run < runs; run++) {
        for (int p = 0; p < peers.size(); p++) {
          long start = System.nanoTime();
          peers.get(p).run(query.getValue());
          times[p][run] = (System.nanoTime() - start) / 1e6;
        }
      }
      for (int p = 0; p < peers.size(); p++) {
        double median = Spread.medianOf(times[p]);
        millis.put(peers.get(p).name(), median);
        result.put(query.getKey() + "_" + peers.get(p).name() + "_ms", Results.round2(median));
      }
      result.put(query.getKey() + "_rows", expected);
      if (query.getKey().equals("fetch_1m")) {
        scanAndExport(peers, query.getValue(), expected, millis, result);
      }
      double duckdb = millis.get("duckdb");
      result.put(
          query.getKey() + "_http_vs_duckdb",
          Results.round2(millis.get("tributary_http") / duckdb));
      result.put(
          query.getKey() + "_pgwire_vs_duckdb",
          Results.round2(millis.get("tributary_pgwire") / duckdb));
      if (millis.containsKey("postgres")) {
        result.put(
            query.getKey() + "_postgres_vs_pgwire",
            Results.round2(millis.get("postgres") / millis.get("tributary_pgwire")));
      }
    }
  }

  /**
   * DuckDB's own scan and Arrow export of the fetch's rows (no value read, no protocol), beside
   * PostgreSQL's whole fetch: the floor under any DuckDB-based fetch on this machine.
   */
  private void scanAndExport(
      List<SqlPeer> peers,
      String sql,
      long expected,
      Map<String, Double> millis,
      Map<String, Object> result)
      throws Exception {
    DuckDbDirectPeer duckdb = (DuckDbDirectPeer) peers.get(0);
    log("fetch_1m on duckdb, scan and Arrow export only...");
    long count = duckdb.scanAndExport(sql); // warm-up
    if (count != expected) {
      throw new IllegalStateException("fetch_1m: DuckDB exported " + count + " rows");
    }
    double[] times = new double[runs];
    for (int run = 0; run < runs; run++) {
      long start = System.nanoTime();
      duckdb.scanAndExport(sql);
      times[run] = (System.nanoTime() - start) / 1e6;
    }
    double export = Spread.medianOf(times);
    result.put("fetch_1m_duckdb_scan_export_only_ms", Results.round2(export));
    result.put(
        "fetch_1m_pgwire_vs_duckdb_scan_export_only",
        Results.round2(millis.get("tributary_pgwire") / export));
    if (millis.containsKey("postgres")) {
      result.put(
          "fetch_1m_postgres_vs_duckdb_scan_export_only",
          Results.round2(millis.get("postgres") / export));
    }
  }

  /**
   * The engine's overhead on a count over 1,000 files, timed alternately against DuckDB on the same
   * files (a view made once): DuckDB open, and DuckDB under the engine's file sandbox (reading only
   * the lake's directory). The planning overhead is the in-process query (catalog, planning, the
   * statement check, views) minus the sandboxed DuckDB; the sandbox's own cost (DuckDB resolves
   * every file's path, one system call per path component, at each access) is reported apart, and
   * so is the whole overhead over DuckDB open.
   */
  private void planning(
      Platform platform, DuckDbDirectPeer duckdb, long memoryPerQuery, Map<String, Object> result)
      throws Exception {
    String sql = "SELECT count(*) FROM " + MANY_FILES;
    try (DuckDbDirectPeer sandboxed =
        new DuckDbDirectPeer(
            platform.lake().catalog(),
            List.of(MANY_FILES),
            platform.config().query().threads(),
            memoryPerQuery,
            platform.lake().warehouse())) {
      double[] engine = new double[Math.max(runs, 5)];
      double[] open = new double[engine.length];
      double[] locked = new double[engine.length];
      platform.query().execute(sql);
      duckdb.run(sql);
      sandboxed.run(sql);
      for (int run = 0; run < engine.length; run++) {
        long start = System.nanoTime();
        platform.query().execute(sql);
        engine[run] = (System.nanoTime() - start) / 1e6;
        start = System.nanoTime();
        duckdb.run(sql);
        open[run] = (System.nanoTime() - start) / 1e6;
        start = System.nanoTime();
        sandboxed.run(sql);
        locked[run] = (System.nanoTime() - start) / 1e6;
      }
      double tributary = Spread.medianOf(engine);
      double own = Spread.medianOf(open);
      double sandbox = Spread.medianOf(locked);
      result.put("files_1000_tributary_ms", Results.round2(tributary));
      result.put("files_1000_duckdb_ms", Results.round2(own));
      result.put("files_1000_duckdb_sandboxed_ms", Results.round2(sandbox));
      result.put("planning_overhead_1000_files_ms", Results.round2(tributary - sandbox));
      result.put("sandbox_cost_1000_files_ms", Results.round2(sandbox - own));
      result.put("overhead_over_open_duckdb_1000_files_ms", Results.round2(tributary - own));
    }
  }

  private void generate(Lake lake) {
    log("generating %,d app events in the lake...", rows);
    long start = System.nanoTime();
    RowLoad events = new RowLoad(lake.writer(EVENTS), List.of());
    for (long from = 0; from < rows; from += ROWS_PER_COMMIT) {
      events.write(
          AppEventRows.EVENTS,
          AppEventRows.events(from, Math.min(rows, from + ROWS_PER_COMMIT)),
          RowLoad.Mode.APPEND,
          Map.of());
    }
    log("  %.1f s", (System.nanoTime() - start) / 1e9);
    new RowLoad(lake.writer(SHOWS), List.of())
        .write(AppEventRows.SHOWS_SCHEMA, AppEventRows.shows(), RowLoad.Mode.APPEND, Map.of());
    log("writing a table of %,d files...", FILES);
    Schema parts =
        new Schema(
            Types.NestedField.optional(1, "part", Types.IntegerType.get()),
            Types.NestedField.optional(2, "n", Types.LongType.get()));
    RowLoad many = new RowLoad(lake.writer(MANY_FILES), List.of(PartitionField.parse("part")));
    for (int first = 0; first < FILES; first += FILES_PER_COMMIT) {
      many.write(parts, partRows(first, first + FILES_PER_COMMIT), RowLoad.Mode.APPEND, Map.of());
    }
  }

  /** {@link #ROWS_PER_FILE} rows for each part {@code from..to-1}, in part order. */
  private static Iterator<StructLike> partRows(int from, int to) {
    return new Iterator<>() {
      private final AppEventRows.Row row = new AppEventRows.Row(2);
      private long next = (long) from * ROWS_PER_FILE;

      @Override
      public boolean hasNext() {
        return next < (long) to * ROWS_PER_FILE;
      }

      @Override
      public StructLike next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        row.values[0] = (int) (next / ROWS_PER_FILE);
        row.values[1] = next++;
        return row;
      }
    };
  }

  /** Loads the same rows into PostgreSQL with COPY, indexes the lookup key, and analyzes. */
  private JdbcSqlPeer loadPostgres(LocalPostgres server) throws Exception {
    JdbcSqlPeer peer = new JdbcSqlPeer("postgres", server.jdbcUrl(), LocalPostgres.USER, null);
    log("loading %,d app events into PostgreSQL with COPY...", rows);
    long start = System.nanoTime();
    peer.execute("CREATE SCHEMA raw");
    peer.execute(
        "CREATE TABLE raw.app_events (event_id text, user_id text, show_id text, event_type text,"
            + " ts timestamptz, duration_ms bigint)");
    peer.execute("CREATE TABLE raw.shows (show_id text, title text, creator text)");
    CopyManager copy = new CopyManager(peer.connection().unwrap(BaseConnection.class));
    CopyIn in = copy.copyIn("COPY raw.app_events FROM STDIN (FORMAT csv)");
    StringBuilder batch = new StringBuilder();
    for (long i = 0; i < rows; i++) {
      batch.append(AppEventRows.csvLine(i));
      if (batch.length() > (1 << 20) || i == rows - 1) {
        byte[] bytes = batch.toString().getBytes(StandardCharsets.UTF_8);
        in.writeToCopy(bytes, 0, bytes.length);
        batch.setLength(0);
      }
    }
    in.endCopy();
    CopyIn shows = copy.copyIn("COPY raw.shows FROM STDIN (FORMAT csv)");
    for (int n = 0; n < AppEventRows.SHOWS; n++) {
      byte[] line =
          (AppEventRows.show(n) + "," + AppEventRows.title(n) + ",creator_" + (n % 97) + "\n")
              .getBytes(StandardCharsets.UTF_8);
      shows.writeToCopy(line, 0, line.length);
    }
    shows.endCopy();
    peer.connection().commit();
    peer.execute("CREATE INDEX ON raw.app_events (event_id)");
    peer.execute("CREATE UNIQUE INDEX ON raw.shows (show_id)");
    peer.execute("ANALYZE raw.app_events");
    peer.execute("ANALYZE raw.shows");
    log("  %.1f s", (System.nanoTime() - start) / 1e9);
    return peer;
  }

  private static void log(String format, Object... args) {
    System.err.printf(format + "%n", args);
  }
}
