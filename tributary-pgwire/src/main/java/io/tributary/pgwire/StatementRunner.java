package io.tributary.pgwire;

import io.tributary.core.TableId;
import io.tributary.query.QueryCancel;
import io.tributary.query.QueryCursor;
import io.tributary.query.QueryEngine;
import io.tributary.query.QueryResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs statements for one connection and writes their results: the session answers what it owns
 * (SET, SHOW, BEGIN...), {@code COPY (query) TO STDOUT} streams CopyData, and everything else goes,
 * rewritten for the catalogs, to the query engine, whose rows stream as DataRow messages. Not
 * thread-safe, except {@link #cancelRunning()}.
 */
final class StatementRunner {
  private static final Logger LOG = LoggerFactory.getLogger(StatementRunner.class);
  private final QueryEngine engine;
  private final Session session;
  private final Backend backend;
  private final PgWireMetrics metrics;
  private final StatementTimer timer;
  private final List<String> setup;
  private final Predicate<TableId> readable;
  private volatile QueryCancel running;

  /**
   * @param readable the tables the connection's user may read
   */
  StatementRunner(
      QueryEngine engine,
      Session session,
      Backend backend,
      PgWireMetrics metrics,
      StatementTimer timer,
      String user,
      Predicate<TableId> readable) {
    this.timer = timer;
    this.setup = CatalogRewrite.setup(user);
    this.readable = readable;
    this.engine = engine;
    this.session = session;
    this.backend = backend;
    this.metrics = metrics;
  }

  /** Cancels the query now running, if any (a CancelRequest). */
  void cancelRunning() {
    QueryCancel cancel = running;
    if (cancel != null) {
      cancel.cancel();
    }
  }

  boolean isRunning() {
    return running != null;
  }

  /** Runs one statement of a simple Query message: description, rows, tag, all in text. */
  void runSimple(String sql) throws IOException {
    Portal portal = new Portal(sql, new short[0]);
    try (portal) {
      if (!answerLocally(portal, true)) {
        describe(portal);
        execute(portal, 0);
      }
    }
  }

  /**
   * For Describe of a portal: its RowDescription, or NoData for a statement without rows. Starts
   * the query, so that the description is the one of the rows Execute will send.
   */
  void describe(Portal portal) throws IOException {
    String column = Session.showColumn(portal.sql);
    if (column != null) {
      backend.rowDescription(List.of(new QueryResult.Column(column, "VARCHAR")), new short[] {0});
      return;
    }
    if (Session.isLocal(portal.sql) || CopyOut.parse(portal.sql) != null) {
      backend.noData();
      return;
    }
    try (StatementTimer.Deadline deadline =
        timer.start(session.duration("statement_timeout"), portal.cancel)) {
      try {
        start(portal);
      } catch (RuntimeException e) {
        throw failure(e, portal.sql, deadline);
      }
    }
    backend.rowDescription(portal.cursor.columns(), portal.formats(portal.cursor.columns()));
    portal.described = true;
  }

  /** For Describe of a statement: its result columns, found by running DESCRIBE. */
  void describeStatement(String sql, int parameterCount) throws IOException {
    String column = Session.showColumn(sql);
    if (column != null) {
      backend.rowDescription(List.of(new QueryResult.Column(column, "VARCHAR")), new short[] {0});
      return;
    }
    if (Session.isLocal(sql) || CopyOut.parse(sql) != null) {
      backend.noData();
      return;
    }
    List<String> nulls = new ArrayList<>();
    for (int i = 0; i < parameterCount; i++) {
      nulls.add("NULL");
    }
    String bound = SqlText.bind(sql, nulls);
    List<QueryResult.Column> columns = new ArrayList<>();
    String describe = "DESCRIBE " + CatalogRewrite.apply(bound);
    try (QueryCursor cursor =
        CatalogRewrite.readsCatalog(bound)
            ? engine.open(describe, new QueryCancel(), setup, readable)
            : engine.open(describe, new QueryCancel(), List.of(), readable)) {
      for (List<Object> row = cursor.next(); row != null; row = cursor.next()) {
        columns.add(new QueryResult.Column(String.valueOf(row.get(0)), String.valueOf(row.get(1))));
      }
    } catch (RuntimeException e) {
      throw SqlStates.of(e, sql);
    }
    backend.rowDescription(columns, new short[columns.size()]);
  }

  /**
   * Execute: up to {@code maxRows} rows (0: all), then CommandComplete, or PortalSuspended when
   * rows remain.
   */
  void execute(Portal portal, int maxRows) throws IOException {
    if (answerLocally(portal, false)) {
      return;
    }
    long started = System.nanoTime();
    long sent = 0;
    StatementTimer.Deadline deadline =
        timer.start(session.duration("statement_timeout"), portal.cancel);
    try (deadline) {
      start(portal);
      running = portal.cancel;
      QueryCursor cursor = portal.cursor;
      RowEncoder encoder = new RowEncoder(cursor, types(cursor.columns()), portal);
      while ((maxRows <= 0 || sent < maxRows) && advance(portal)) {
        backend.dataRow(encoder, cursor);
        sent++;
      }
      portal.rowsSent += sent;
      if (portal.cancel.isCanceled()) {
        throw new PgException(SqlStates.QUERY_CANCELED, "canceling statement due to user request");
      }
      if (maxRows > 0 && sent == maxRows) {
        portal.pending = advance(portal);
        if (portal.pending) {
          backend.portalSuspended();
          return;
        }
      }
      backend.commandComplete("SELECT " + portal.rowsSent);
      portal.close();
    } catch (RuntimeException e) {
      portal.close();
      throw failure(e, portal.sql, deadline);
    } finally {
      running = null;
      metrics.statement(Duration.ofNanos(System.nanoTime() - started), sent);
    }
  }

  private static PgException failure(
      RuntimeException e, String sql, StatementTimer.Deadline deadline) {
    if (deadline.expired()) {
      return new PgException(
          SqlStates.QUERY_CANCELED, "canceling statement due to statement timeout", e);
    }
    return SqlStates.of(e, sql);
  }

  /**
   * Moves the portal's cursor to the row to send next (one read ahead, if any); false at the end.
   */
  private boolean advance(Portal portal) {
    if (portal.pending) {
      portal.pending = false;
      return true;
    }
    if (portal.cancel.isCanceled()) {
      throw new PgException(SqlStates.QUERY_CANCELED, "canceling statement due to user request");
    }
    return portal.cursor.advance();
  }

  private List<Object> next(Portal portal) {
    if (portal.cancel.isCanceled()) {
      throw new PgException(SqlStates.QUERY_CANCELED, "canceling statement due to user request");
    }
    return portal.cursor.next();
  }

  private void start(Portal portal) {
    if (portal.cursor != null || portal.rowsSent > 0) {
      return;
    }
    running = portal.cancel;
    String sql = CatalogRewrite.apply(portal.sql);
    if (LOG.isTraceEnabled() && CatalogRewrite.readsCatalog(portal.sql)) {
      LOG.trace("Catalog statement:\n{}\n-- end of statement", portal.sql);
    }
    try {
      portal.cursor =
          CatalogRewrite.readsCatalog(portal.sql)
              ? engine.open(sql, portal.cancel, setup, readable)
              : engine.open(sql, portal.cancel, List.of(), readable);
    } catch (RuntimeException e) {
      LOG.debug("Statement failed: {}\n{}", e.getMessage(), sql);
      throw SqlStates.of(e, portal.sql);
    } finally {
      running = null;
    }
  }

  /** Answers a session statement or a COPY; false when the statement is for the engine. */
  private boolean answerLocally(Portal portal, boolean simple) throws IOException {
    Session.Outcome outcome = session.answer(portal.sql);
    if (outcome != null) {
      if (outcome.column() != null) {
        if (simple) {
          backend.rowDescription(
              List.of(new QueryResult.Column(outcome.column(), "VARCHAR")), new short[] {0});
        }
        backend.dataRow(new byte[][] {outcome.value().getBytes(StandardCharsets.UTF_8)});
      }
      backend.commandComplete(outcome.tag());
      if (outcome.changed() != null) {
        backend.parameterStatus(outcome.changed(), session.setting(outcome.changed()));
      }
      return true;
    }
    if (SqlText.isBlank(portal.sql)) {
      backend.emptyQuery();
      return true;
    }
    CopyOut copy = CopyOut.parse(portal.sql);
    if (copy != null) {
      copy(copy);
      return true;
    }
    return false;
  }

  private void copy(CopyOut copy) throws IOException {
    long started = System.nanoTime();
    Portal portal = new Portal(copy.query(), new short[0]);
    long rows = 0;
    StatementTimer.Deadline deadline =
        timer.start(session.duration("statement_timeout"), portal.cancel);
    try (portal;
        deadline) {
      start(portal);
      running = portal.cancel;
      List<QueryResult.Column> columns = portal.cursor.columns();
      PgType[] types = types(columns);
      backend.copyOutResponse(columns.size());
      if (copy.header()) {
        backend.copyData(
            copy.line(
                columns.stream().map(column -> ColumnNames.postgres(column.name())).toList()));
      }
      for (List<Object> row = next(portal); row != null; row = next(portal)) {
        List<String> values = new ArrayList<>(row.size());
        for (int i = 0; i < row.size(); i++) {
          Object value = row.get(i);
          values.add(value == null ? null : ValueEncoder.text(types[i], value));
        }
        backend.copyData(copy.line(values));
        rows++;
      }
      backend.copyDone();
      backend.commandComplete("COPY " + rows);
    } catch (RuntimeException e) {
      throw failure(e, copy.query(), deadline);
    } finally {
      running = null;
      metrics.statement(Duration.ofNanos(System.nanoTime() - started), rows);
    }
  }

  private static PgType[] types(List<QueryResult.Column> columns) {
    PgType[] types = new PgType[columns.size()];
    for (int i = 0; i < types.length; i++) {
      types[i] = PgType.ofDuckDb(columns.get(i).type());
    }
    return types;
  }
}
