package io.tributary.query;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.OverloadedException;
import io.tributary.core.RetriableException;
import io.tributary.core.TableId;
import io.tributary.core.config.TributaryConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers SQL over the lake with embedded DuckDB.
 *
 * <p>Each query runs in its own session of a locked-down in-memory DuckDB database: a fresh
 * connection over an empty catalog of its own ({@link QueryDatabase}). For every lake table the SQL
 * names as {@code namespace.table} (or {@code "namespace"."table"}), the engine plans the files of
 * the table's current Iceberg snapshot once, and exposes them as a view of the same name over
 * {@code read_parquet} in that catalog; the query therefore reads one consistent snapshot per
 * table. The database is locked down: it may read files inside the lake directory only, cannot
 * change its settings, install or load extensions, or write files. Databases are opened and locked
 * down ahead of the queries, on a background thread ({@link DatabasePool}), and serve one query at
 * a time: after each, its catalog is dropped and the database checked to hold nothing of it. Only
 * one read statement (SELECT, WITH, VALUES, FROM, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN) is accepted
 * per call.
 *
 * <p>At most {@code max(2, threads)} queries run at once, each with {@code threads} DuckDB threads
 * and an equal share of {@code memoryLimitBytes}; others wait up to {@code timeout}. Thread-safe.
 */
public final class QueryEngine implements AutoCloseable {
  private static final Predicate<TableId> EVERY_TABLE = table -> true;

  private static final Logger LOG = LoggerFactory.getLogger(QueryEngine.class);
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  private final TablePlanner planner;
  private final Path lake;
  private final ReadThroughCache files;
  private final TributaryConfig.Query settings;
  private final int maxConcurrent;
  private final Semaphore running;
  private final ScheduledExecutorService timer;
  private final DatabasePool databases;

  /**
   * Creates an engine over the tables of {@code catalog}, whose data files lie under {@code
   * lakeDirectory}.
   */
  public QueryEngine(Catalog catalog, Path lakeDirectory, TributaryConfig.Query settings) {
    this(catalog, lakeDirectory, settings, null);
  }

  /**
   * Creates an engine over the tables of {@code catalog}, whose data files lie under {@code
   * lakeDirectory} or are served by {@code remoteFiles} (the lake on S3; null when it is local):
   * queries read the local copies the cache keeps, held until the query ends.
   */
  public QueryEngine(
      Catalog catalog,
      Path lakeDirectory,
      TributaryConfig.Query settings,
      ReadThroughCache remoteFiles) {
    this.lake = lakeDirectory.toAbsolutePath().normalize();
    this.files = remoteFiles;
    this.planner =
        new TablePlanner(Objects.requireNonNull(catalog, "catalog is null"), lake, remoteFiles);
    this.settings = Objects.requireNonNull(settings, "settings is null");
    check(settings.threads() >= 1, "query.threads", settings.threads(), ">= 1");
    check(settings.maxRows() >= 1, "query.max-rows", settings.maxRows(), ">= 1");
    check(
        settings.timeout() != null && settings.timeout().toMillis() > 0,
        "query.timeout",
        settings.timeout(),
        "> 0");
    this.maxConcurrent = Math.max(2, settings.threads());
    check(
        settings.memoryLimitBytes() >= maxConcurrent * (16L << 20),
        "query.memory-limit",
        settings.memoryLimitBytes(),
        ">= 16 MiB per concurrent query (" + maxConcurrent + ")");
    this.running = new Semaphore(maxConcurrent, true);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "tributary-query-timeout");
              thread.setDaemon(true);
              return thread;
            });
    this.databases = new DatabasePool(() -> QueryDatabase.open(this::lockDown), maxConcurrent);
  }

  /** The most rows one answer holds ({@code query.max-rows}); more rows mark it truncated. */
  public int maxRows() {
    return settings.maxRows();
  }

  private static void check(boolean valid, String key, Object value, String rule) {
    if (!valid) {
      throw new IllegalArgumentException(
          "Invalid " + key + ": " + value + " (must be " + rule + ")");
    }
  }

  /**
   * Runs one read statement and returns at most {@code maxRows} rows.
   *
   * @throws InvalidInputException {@code query_not_allowed} for anything but one read statement,
   *     {@code query_error} for a statement DuckDB rejects (syntax, unknown table or column, file
   *     access outside the lake), with DuckDB's one-line message
   * @throws RetriableException {@code query_timeout} when the query ran longer than the timeout
   * @throws OverloadedException when all query slots stayed busy for the whole timeout
   */
  public QueryResult execute(String sql) {
    return execute(sql, EVERY_TABLE);
  }

  /**
   * As {@link #execute(String)}, reading only tables {@code readable} accepts: a statement naming
   * another lake table fails with {@code forbidden} (403, SQLSTATE 42501), and the catalog tables
   * ({@code information_schema}, {@code pg_catalog}) list only readable ones.
   */
  public QueryResult execute(String sql, Predicate<TableId> readable) {
    long start = System.nanoTime();
    try (QueryCursor cursor =
        open(sql, settings.maxRows() + 1L, new QueryCancel(), List.of(), readable)) {
      List<List<Object>> rows = new ArrayList<>();
      boolean truncated = false;
      for (List<Object> row = cursor.next(); row != null; row = cursor.next()) {
        if (rows.size() == settings.maxRows()) {
          truncated = true;
          break;
        }
        rows.add(row);
      }
      long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      return new QueryResult(cursor.columns(), rows, truncated, elapsed);
    }
  }

  /**
   * Starts one read statement and returns a cursor over all its rows, which the caller must close.
   * The same sandbox, snapshot rules, slots and timeout as {@link #execute(String)} apply, but not
   * {@code maxRows}: the cursor streams. {@code cancel} may stop the query from another thread.
   *
   * @throws InvalidInputException as {@link #execute(String)}
   * @throws RetriableException as {@link #execute(String)}, or {@code query_canceled}
   */
  public QueryCursor open(String sql, QueryCancel cancel) {
    return open(sql, cancel, List.of(), EVERY_TABLE);
  }

  /**
   * As {@link #open(String, QueryCancel)}, after running {@code setup} in the query's database:
   * trusted statements from the caller's own code, never a user's, that define the macros and views
   * {@code sql} uses (a protocol's catalog emulation, say). They run inside the sandbox.
   */
  public QueryCursor open(String sql, QueryCancel cancel, List<String> setup) {
    return open(sql, cancel, setup, EVERY_TABLE);
  }

  /**
   * As {@link #open(String, QueryCancel, List)}, reading only the tables {@code readable} accepts.
   */
  public QueryCursor open(
      String sql, QueryCancel cancel, List<String> setup, Predicate<TableId> readable) {
    return open(sql, Long.MAX_VALUE, cancel, setup, readable);
  }

  /**
   * As {@link #open(String, QueryCancel, List, Predicate)}, for a reader that takes at most {@code
   * rowLimit} rows ({@code Long.MAX_VALUE}: all), which lets DuckDB sort only those.
   */
  private QueryCursor open(
      String sql,
      long rowLimit,
      QueryCancel cancel,
      List<String> setup,
      Predicate<TableId> readable) {
    Objects.requireNonNull(setup, "setup is null");
    Objects.requireNonNull(readable, "readable is null");
    Objects.requireNonNull(sql, "sql is null");
    Objects.requireNonNull(cancel, "cancel is null");
    if (sql.isBlank()) {
      throw new InvalidInputException(ErrorCode.QUERY_ERROR, "The SQL text is empty");
    }
    if (timer.isShutdown()) {
      throw new IllegalStateException("The query engine is closed");
    }
    long deadline = System.nanoTime() + settings.timeout().toNanos();
    acquireSlot();
    StartErrors database = null;
    Statement statement = null;
    List<ReadThroughCache.Lease> held = new ArrayList<>();
    try {
      database = databaseFor(!setup.isEmpty() || CatalogTables.mentioned(sql));
      Connection connection = database.connection();
      TimeTravel.Rewritten travel = TimeTravel.rewrite(sql);
      List<PlannedTable> past = planner.planPast(travel.references(), readable);
      String query = travel.resolve(past.stream().map(PlannedTable::snapshotId).toList());
      String runnable = StatementCheck.runnable(connection, query, rowLimit);
      Predicate<String> isNamespace = planner.namespaces();
      Map<String, List<PlannedTable>> tables =
          planner.planTables(query, isNamespace, past, readable);
      Map<TableId, Table> described =
          CatalogTables.mentioned(query) ? planner.allTables(readable) : Map.of();
      for (Map.Entry<String, List<PlannedTable>> namespace : tables.entrySet()) {
        createViews(connection, namespace.getKey(), namespace.getValue(), held);
      }
      planner.createMetadataTables(connection, query, isNamespace, readable);
      CatalogTables.create(connection, described, tables);
      statement = connection.createStatement();
      for (String trusted : setup) {
        statement.execute(trusted);
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        throw timeout(null);
      }
      AtomicBoolean timedOut = new AtomicBoolean();
      Statement started = statement;
      ScheduledFuture<?> timeout =
          timer.schedule(() -> cancel(started, timedOut), remaining, TimeUnit.NANOSECONDS);
      Function<SQLException, RuntimeException> errors =
          e -> failure(e, timedOut.get(), cancel.isCanceled());
      cancel.attach(statement);
      if (cancel.isCanceled()) { // DuckDB forgets an interrupt that comes before the query
        timeout.cancel(false);
        throw failure(null, false, true);
      }
      try {
        ResultSet result = statement.executeQuery(runnable);
        LOG.debug("Query over tables {} started", tables.values());
        return new QueryCursor(
            database,
            statement,
            result,
            cancel,
            timeout,
            () -> {
              release(held);
              running.release();
            },
            errors,
            () -> timedOut.get() || cancel.isCanceled(),
            ArrowRows.available());
      } catch (SQLException e) {
        SQLException real =
            timedOut.get() || cancel.isCanceled()
                ? e
                : database.explain(e, runnable, second -> rerunUnder(second, cancel, deadline));
        timeout.cancel(false);
        throw errors.apply(real);
      }
    } catch (SQLException e) {
      close(database, statement, cancel, held);
      throw new IllegalStateException("DuckDB failed: " + Sql.firstLine(e.getMessage()), e);
    } catch (RuntimeException e) {
      close(database, statement, cancel, held);
      throw e;
    }
  }

  /** Lets the cache evict the files a query held. */
  private static void release(List<ReadThroughCache.Lease> held) {
    held.forEach(ReadThroughCache.Lease::close);
    held.clear();
  }

  /** Lets {@code cancel} and the rest of the timeout reach a failed statement's second run. */
  private Runnable rerunUnder(Statement second, QueryCancel cancel, long deadline) {
    cancel.attach(second);
    AtomicBoolean ignored = new AtomicBoolean();
    ScheduledFuture<?> timeout =
        timer.schedule(
            () -> cancel(second, ignored),
            Math.max(0, deadline - System.nanoTime()),
            TimeUnit.NANOSECONDS);
    return () -> {
      timeout.cancel(false);
      cancel.detach();
    };
  }

  private void close(
      StartErrors database,
      Statement statement,
      QueryCancel cancel,
      List<ReadThroughCache.Lease> held) {
    cancel.detach();
    release(held);
    try (database;
        statement) {
      // closed by try-with-resources
    } catch (SQLException e) {
      LOG.debug("Closing a failed query's database: {}", Sql.firstLine(e.getMessage()));
    } finally {
      running.release();
    }
  }

  /**
   * Checks that {@code sql} is one read statement DuckDB can parse, without running it or reading
   * any table.
   *
   * @throws InvalidInputException {@code query_not_allowed} or {@code query_error} as {@link
   *     #execute} does
   */
  public void check(String sql) {
    Objects.requireNonNull(sql, "sql is null");
    if (sql.isBlank()) {
      throw new InvalidInputException(ErrorCode.QUERY_ERROR, "The SQL text is empty");
    }
    try (StartErrors database = StartErrors.openDatabase()) {
      Connection connection = database.connection();
      TimeTravel.Rewritten travel = TimeTravel.rewrite(sql);
      List<Long> placeholders = travel.references().stream().map(reference -> 0L).toList();
      StatementCheck.runnable(connection, travel.resolve(placeholders));
    } catch (SQLException e) {
      throw new IllegalStateException("DuckDB failed: " + Sql.firstLine(e.getMessage()), e);
    }
  }

  /**
   * Checks that {@code sql} is one read statement DuckDB can plan over the lake as it is now: it
   * parses, and the tables, columns and functions it names exist. DuckDB plans it ({@code EXPLAIN})
   * without running it; no data file is read beyond the footers that give the schemas.
   *
   * @throws InvalidInputException {@code query_not_allowed} or {@code query_error} as {@link
   *     #execute} does, with DuckDB's message naming what is missing
   */
  public void explain(String sql) {
    Objects.requireNonNull(sql, "sql is null");
    if (sql.isBlank()) {
      throw new InvalidInputException(ErrorCode.QUERY_ERROR, "The SQL text is empty");
    }
    if (timer.isShutdown()) {
      throw new IllegalStateException("The query engine is closed");
    }
    acquireSlot();
    List<ReadThroughCache.Lease> held = new ArrayList<>();
    try (StartErrors database = databaseFor(CatalogTables.mentioned(sql))) {
      String explain = "EXPLAIN " + prepare(database.connection(), sql, EVERY_TABLE, held).query();
      try (Statement statement = database.connection().createStatement()) {
        statement.execute(explain);
      } catch (SQLException e) {
        SQLException real = database.explain(e, explain, second -> () -> {});
        throw new InvalidInputException(
            ErrorCode.QUERY_ERROR, Sql.firstLine(real.getMessage()), real);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("DuckDB failed: " + Sql.firstLine(e.getMessage()), e);
    } finally {
      release(held);
      running.release();
    }
  }

  /**
   * Runs one read statement like {@link #execute}, but hands every row of the result, with no row
   * limit, to {@code handler} as it is read; the timeout covers the handler too.
   *
   * @return what the handler returns
   * @throws InvalidInputException as {@link #execute}, and for a statement that fails while read
   */
  public <T> T stream(String sql, ResultStream.Handler<T> handler) {
    return stream(sql, EVERY_TABLE, handler);
  }

  /**
   * As {@link #stream(String, ResultStream.Handler)}, reading only the tables {@code readable}
   * accepts: a statement naming another lake table fails with {@code forbidden} (403, SQLSTATE
   * 42501).
   */
  public <T> T stream(String sql, Predicate<TableId> readable, ResultStream.Handler<T> handler) {
    return stream(sql, List.of(), readable, handler);
  }

  /**
   * As {@link #stream(String, Predicate, ResultStream.Handler)}, with {@code parameters} bound to
   * the statement's positional parameters {@code $1}, {@code $2}... of a DuckDB prepared statement:
   * each value is data of its Java type ({@code String}, {@code Long}, {@code Double}, {@code
   * Boolean}, {@code java.time.OffsetDateTime}, {@code LocalDate}...), never SQL text.
   */
  public <T> T stream(
      String sql,
      List<?> parameters,
      Predicate<TableId> readable,
      ResultStream.Handler<T> handler) {
    Objects.requireNonNull(parameters, "parameters is null");
    Objects.requireNonNull(readable, "readable is null");
    Objects.requireNonNull(sql, "sql is null");
    if (sql.isBlank()) {
      throw new InvalidInputException(ErrorCode.QUERY_ERROR, "The SQL text is empty");
    }
    if (timer.isShutdown()) {
      throw new IllegalStateException("The query engine is closed");
    }
    long deadline = System.nanoTime() + settings.timeout().toNanos();
    acquireSlot();
    List<ReadThroughCache.Lease> held = new ArrayList<>();
    try (StartErrors database = databaseFor(CatalogTables.mentioned(sql))) {
      Prepared prepared = prepare(database.connection(), sql, readable, held);
      return streamRows(
          database, prepared.query(), parameters, deadline, prepared.snapshots(), handler);
    } catch (SQLException e) {
      throw new IllegalStateException("DuckDB failed: " + Sql.firstLine(e.getMessage()), e);
    } finally {
      release(held);
      running.release();
    }
  }

  /**
   * The lake tables a SQL text reads, found as {@link #stream} finds them (without parsing it, so
   * another engine's dialect will do), each with its current snapshot id (-1 if it has none).
   *
   * @throws io.tributary.core.TributaryException {@code forbidden} for a table {@code readable}
   *     refuses
   */
  public Map<TableId, Long> currentSnapshots(String sql, Predicate<TableId> readable) {
    Objects.requireNonNull(sql, "sql is null");
    Objects.requireNonNull(readable, "readable is null");
    return planner.currentSnapshots(sql, planner.namespaces(), readable);
  }

  /** A whole-result statement over the lake's views, and the snapshot each table is read at. */
  private record Prepared(String query, Map<TableId, Long> snapshots) {}

  /**
   * Plans {@code sql} (time travel resolved, no row limit) over the tables {@code readable} accepts
   * and creates their views and metadata tables in {@code connection}.
   */
  private Prepared prepare(
      Connection connection,
      String sql,
      Predicate<TableId> readable,
      List<ReadThroughCache.Lease> held)
      throws SQLException {
    TimeTravel.Rewritten travel = TimeTravel.rewrite(sql);
    List<PlannedTable> past = planner.planPast(travel.references(), readable);
    String query = travel.resolve(past.stream().map(PlannedTable::snapshotId).toList());
    StatementCheck.runnable(connection, query);
    Predicate<String> isNamespace = planner.namespaces();
    Map<String, List<PlannedTable>> tables = planner.planTables(query, isNamespace, past, readable);
    Map<TableId, Long> snapshots = new TreeMap<>(java.util.Comparator.comparing(TableId::toString));
    for (Map.Entry<String, List<PlannedTable>> namespace : tables.entrySet()) {
      createViews(connection, namespace.getKey(), namespace.getValue(), held);
      namespace.getValue().forEach(table -> snapshots.putIfAbsent(table.id(), table.snapshotId()));
    }
    planner.createMetadataTables(connection, query, isNamespace, readable);
    return new Prepared(query, snapshots);
  }

  private <T> T streamRows(
      StartErrors database,
      String sql,
      List<?> parameters,
      long deadline,
      Map<TableId, Long> snapshots,
      ResultStream.Handler<T> handler)
      throws SQLException {
    try (Statement statement = statementFor(database, sql, parameters)) {
      AtomicBoolean timedOut = new AtomicBoolean();
      ScheduledFuture<?> cancel =
          timer.schedule(
              () -> cancel(statement, timedOut),
              Math.max(0, deadline - System.nanoTime()),
              TimeUnit.NANOSECONDS);
      try (ResultSet result =
          parameters.isEmpty()
              ? statement.executeQuery(sql)
              : ((PreparedStatement) statement).executeQuery()) {
        return handler.handle(new JdbcResultStream(result, snapshots, timedOut::get));
      } catch (SQLException e) {
        if (timedOut.get()) {
          throw timeout(e);
        }
        SQLException real =
            parameters.isEmpty()
                ? database.explain(
                    e, sql, second -> rerunUnder(second, new QueryCancel(), deadline))
                : database.explain(
                    e, sql, parameters, second -> rerunUnder(second, new QueryCancel(), deadline));
        throw new InvalidInputException(
            ErrorCode.QUERY_ERROR, Sql.firstLine(real.getMessage()), real);
      } finally {
        cancel.cancel(false);
      }
    }
  }

  /**
   * A plain statement, or for {@code parameters} a prepared one with them bound; a statement DuckDB
   * cannot prepare fails with {@code query_error} and its message.
   */
  private static Statement statementFor(StartErrors database, String sql, List<?> parameters)
      throws SQLException {
    if (parameters.isEmpty()) {
      return database.connection().createStatement();
    }
    PreparedStatement prepared;
    try {
      prepared = database.connection().prepareStatement(sql);
    } catch (SQLException e) {
      throw new InvalidInputException(ErrorCode.QUERY_ERROR, Sql.firstLine(e.getMessage()), e);
    }
    try {
      for (int i = 0; i < parameters.size(); i++) {
        prepared.setObject(i + 1, parameters.get(i));
      }
      return prepared;
    } catch (SQLException e) {
      prepared.close();
      throw new InvalidInputException(
          ErrorCode.QUERY_ERROR, "Cannot bind the parameters: " + Sql.firstLine(e.getMessage()), e);
    }
  }

  private RuntimeException failure(SQLException e, boolean timedOut, boolean canceled) {
    if (timedOut) {
      return timeout(e);
    }
    if (canceled) {
      return new RetriableException(ErrorCode.QUERY_CANCELED, "Query canceled on request", e);
    }
    return new InvalidInputException(ErrorCode.QUERY_ERROR, Sql.firstLine(e.getMessage()), e);
  }

  private void acquireSlot() {
    boolean acquired;
    try {
      acquired = running.tryAcquire(settings.timeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableException(
          ErrorCode.QUERY_INTERRUPTED, "Interrupted waiting for a query slot", e);
    }
    if (!acquired) {
      throw new OverloadedException(
          "All "
              + maxConcurrent
              + " query slots stayed busy for "
              + settings.timeout().toMillis()
              + " ms; retry later",
          RETRY_AFTER);
    }
  }

  /**
   * The database a query runs in: a session of a reused one ({@link DatabasePool}), or for a
   * statement that reads the catalogs a new database of its own, closed after it. A catalog's oids
   * depend on everything a database ever created, and PostgreSQL clients read an oid in one
   * statement (psql's {@code \d}: the table's oid from {@code pg_class}) and look it up in the
   * next, so each catalog statement gets a database where the same statements give the same oids.
   */
  private StartErrors databaseFor(boolean readsCatalogs) throws SQLException {
    if (!readsCatalogs) {
      return databases.take();
    }
    return StartErrors.openDatabase(this::lockDown);
  }

  private void lockDown(Connection connection) throws SQLException {
    long memoryPerQuery = settings.memoryLimitBytes() / maxConcurrent;
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET memory_limit = '" + (memoryPerQuery >> 10) + "KiB'");
      statement.execute("SET threads = " + settings.threads());
      statement.execute("SET temp_directory = ''"); // no spilling outside the lake
      statement.execute(
          "SET allowed_directories = ["
              + Sql.literal(lake.toString())
              + (files == null ? "" : ", " + Sql.literal(files.dir().toString()))
              + "]");
      statement.execute("SET enable_external_access = false");
      statement.execute("SET lock_configuration = true");
    }
  }

  private void createViews(
      Connection connection,
      String namespace,
      List<PlannedTable> tables,
      List<ReadThroughCache.Lease> held)
      throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA " + Sql.identifier(namespace));
    }
    for (PlannedTable table : tables) {
      for (PlannedTable.RemoteFile remote : table.remote()) {
        held.add(files.acquire(table.io(), remote.location(), remote.length()));
      }
      createView(connection, table);
    }
  }

  private void createView(Connection connection, PlannedTable table) throws SQLException {
    String name = Sql.identifier(table.id().namespace()) + "." + Sql.identifier(table.view());
    if (table.files().isEmpty()) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE " + name + " " + table.emptyTableColumns());
      }
      return;
    }
    Set<String> fileColumns =
        planner.fileColumns(
            table,
            () -> {
              Set<String> read = new TreeSet<>();
              try (Statement statement = connection.createStatement();
                  ResultSet columns =
                      statement.executeQuery("DESCRIBE SELECT * FROM " + table.readAllColumns())) {
                while (columns.next()) {
                  read.add(columns.getString("column_name"));
                }
              }
              return read;
            });
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE VIEW " + name + " AS " + table.viewQuery(fileColumns));
    }
  }

  private static void cancel(Statement statement, AtomicBoolean timedOut) {
    timedOut.set(true);
    try {
      statement.cancel();
    } catch (SQLException e) {
      LOG.warn("Cannot cancel a query past its timeout: {}", Sql.firstLine(e.getMessage()));
    }
  }

  private RetriableException timeout(SQLException cause) {
    return new RetriableException(
        ErrorCode.QUERY_TIMEOUT,
        "Query did not finish within "
            + settings.timeout().toMillis()
            + " ms; narrow it (filters, LIMIT) or raise query.timeout",
        cause);
  }

  /** How many queries hold a slot now (running, or open cursors); 0 when all are closed. */
  public int activeQueries() {
    return maxConcurrent - running.availablePermits();
  }

  /** Stops the timeout timer; queries still running finish on their own threads. */
  @Override
  public void close() {
    timer.shutdownNow();
    databases.close();
  }
}
