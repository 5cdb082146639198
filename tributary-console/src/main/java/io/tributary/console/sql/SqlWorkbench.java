package io.tributary.console.sql;

import io.javalin.http.Context;
import io.tributary.access.Privilege;
import io.tributary.access.Resource;
import io.tributary.access.ResourceKind;
import io.tributary.console.Page;
import io.tributary.console.Sessions;
import io.tributary.console.Templates;
import io.tributary.console.Viewer;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.TableId;
import io.tributary.core.TributaryException;
import io.tributary.lake.Lake;
import io.tributary.query.ErrorPosition;
import io.tributary.query.QueryCancel;
import io.tributary.query.QueryCursor;
import io.tributary.query.QueryEngine;
import io.tributary.query.QueryResult;
import io.tributary.query.workbench.HistoryEntry;
import io.tributary.query.workbench.QueryHistory;
import io.tributary.query.workbench.ResultPages;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQL workbench's page and actions. A statement runs once, as the viewer, reading only the
 * tables the viewer may read (as {@code POST /v1/query}); its rows are kept for paging in {@link
 * ResultPages} (bounded per session, dropped when idle) and every run goes into the viewer's {@link
 * QueryHistory}. The CSV download runs the statement again and streams every row.
 */
public final class SqlWorkbench {
  /** Rows per page of the results grid. */
  public static final int PAGE_SIZE = 100;

  /** The longest statement accepted. */
  public static final int MAX_SQL_CHARS = 100_000;

  /** History entries the page lists. */
  public static final int HISTORY_SHOWN = 50;

  private static final Logger LOG = LoggerFactory.getLogger(SqlWorkbench.class);

  private final QueryEngine query;
  private final Lake lake;
  private final ResultPages pages;
  private final QueryHistory history;
  private final Templates templates;
  private final Supplier<List<String>> dashboards;
  private final Clock clock;

  public SqlWorkbench(
      QueryEngine query,
      Lake lake,
      ResultPages pages,
      QueryHistory history,
      Templates templates,
      Supplier<List<String>> dashboards,
      Clock clock) {
    this.query = Objects.requireNonNull(query, "query is null");
    this.lake = Objects.requireNonNull(lake, "lake is null");
    this.pages = Objects.requireNonNull(pages, "pages is null");
    this.history = Objects.requireNonNull(history, "history is null");
    this.templates = Objects.requireNonNull(templates, "templates is null");
    this.dashboards = Objects.requireNonNull(dashboards, "dashboards is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
  }

  /** The tables {@code viewer} may read. */
  static Predicate<TableId> readable(Viewer viewer) {
    return table -> viewer.allows(Privilege.READ, Resource.table(table));
  }

  /** {@code GET /sql}: the editor, with the completion data of the viewer's tables. */
  public void page(Context ctx, Viewer viewer) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("page", Page.of(ctx, "SQL workbench", "sql"));
    params.put("schema", Cells.text(completions(viewer)));
    String sql = ctx.queryParam("sql");
    params.put("sql", sql == null ? "" : sql);
    List<String> tileTargets = tileTargets(viewer);
    params.put("tileTargets", tileTargets);
    params.put(
        "tileForm",
        !tileTargets.isEmpty()
            || viewer.allows(Privilege.MANAGE, new Resource(ResourceKind.DASHBOARD, "*")));
    templates.answer(ctx, 200, "sql/workbench.jte", params);
  }

  /**
   * The dashboards {@code viewer} may add a tile to (MANAGE). The "Save as dashboard tile" form is
   * shown when there is one, or when the viewer may create dashboards ({@code dashboard:*}).
   */
  List<String> tileTargets(Viewer viewer) {
    return dashboards.get().stream()
        .filter(name -> viewer.allows(Privilege.MANAGE, new Resource(ResourceKind.DASHBOARD, name)))
        .sorted()
        .toList();
  }

  /** The viewer's tables and their columns, nested ones as {@code a.b}: for completion. */
  Map<String, List<String>> completions(Viewer viewer) {
    Predicate<TableId> readable = readable(viewer);
    Map<String, List<String>> tables = new TreeMap<>();
    for (TableId id : lake.listTables()) {
      if (!readable.test(id)) {
        continue;
      }
      try {
        Optional<Table> table = lake.loadTable(id);
        table.ifPresent(
            t ->
                tables.put(
                    id.toString(),
                    t.schema().columns().stream().map(Types.NestedField::name).toList()));
      } catch (RuntimeException e) {
        LOG.debug("Cannot load table {} for completion: {}", id, e.toString());
      }
    }
    return tables;
  }

  /** {@code POST /sql/run}: runs the statement once and answers the first page (a fragment). */
  public void run(Context ctx, Viewer viewer) {
    String sql = ctx.formParam("sql");
    if (sql == null || sql.isBlank()) {
      answerError(ctx, "", "Enter a statement to run", Optional.empty());
      return;
    }
    if (sql.length() > MAX_SQL_CHARS) {
      answerError(
          ctx,
          sql,
          "The statement is " + sql.length() + " characters long (at most " + MAX_SQL_CHARS + ")",
          Optional.empty());
      return;
    }
    Instant started = clock.instant();
    long startNanos = System.nanoTime();
    ResultPages.Page page;
    try (QueryCursor cursor = query.open(sql, new QueryCancel(), List.of(), readable(viewer))) {
      page =
          pages.keep(session(ctx, viewer), cursor.columns(), rows(cursor), startNanos, PAGE_SIZE);
    } catch (TributaryException e) {
      long millis = (System.nanoTime() - startNanos) / 1_000_000;
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      history.failed(viewer.user(), sql, started, millis, message);
      ctx.header("HX-Trigger", "sql-history");
      answerError(ctx, sql, message, ErrorPosition.locate(sql, e));
      return;
    }
    history.succeeded(viewer.user(), sql, started, page.elapsedMillis(), page.keptRows());
    ctx.header("HX-Trigger", "sql-history");
    answerPage(ctx, page);
  }

  /** {@code GET /sql/results/{id}?offset=n}: a page of a kept result (a fragment). */
  public void results(Context ctx, Viewer viewer) {
    String id = ctx.pathParam("id");
    int offset = offset(ctx.queryParam("offset"));
    Optional<ResultPages.Page> page = pages.page(session(ctx, viewer), id, offset, PAGE_SIZE);
    if (page.isEmpty()) {
      answerError(
          ctx,
          "",
          "This result is no longer kept (results are dropped after "
              + pages.limits().idle().toMinutes()
              + " minutes unread, or when newer ones need the room): run the statement again",
          Optional.empty());
      return;
    }
    answerPage(ctx, page.get());
  }

  /** {@code GET /sql/history}: the viewer's own history, newest first (a fragment). */
  public void history(Context ctx, Viewer viewer) {
    List<HistoryEntry> entries = history.list(viewer.user(), HISTORY_SHOWN);
    templates.answer(ctx, 200, "sql/history.jte", Map.of("entries", entries));
  }

  /**
   * {@code POST /sql/download}: the statement's rows as CSV, streamed as they are read (no row
   * limit; the engine's timeout still applies). An error before the first row answers the error;
   * one after it ends the download short.
   */
  public void download(Context ctx, Viewer viewer) throws IOException {
    String sql = ctx.formParam("sql");
    if (sql == null || sql.isBlank() || sql.length() > MAX_SQL_CHARS) {
      throw new InvalidInputException(
          ErrorCode.INVALID_REQUEST,
          "The form field sql must hold a statement of 1 to " + MAX_SQL_CHARS + " characters");
    }
    try (QueryCursor cursor = query.open(sql, new QueryCancel(), List.of(), readable(viewer))) {
      ctx.status(200);
      ctx.contentType("text/csv; charset=utf-8");
      ctx.header("Content-Disposition", "attachment; filename=\"query.csv\"");
      Templates.headers(ctx);
      Writer out =
          new BufferedWriter(
              new OutputStreamWriter(ctx.res().getOutputStream(), StandardCharsets.UTF_8), 1 << 16);
      List<QueryResult.Column> columns = cursor.columns();
      for (int i = 0; i < columns.size(); i++) {
        out.write(i == 0 ? "" : ",");
        out.write(Cells.csv(columns.get(i).name()));
      }
      out.write("\r\n");
      for (List<Object> row = cursor.next(); row != null; row = cursor.next()) {
        for (int i = 0; i < row.size(); i++) {
          out.write(i == 0 ? "" : ",");
          out.write(Cells.csv(row.get(i)));
        }
        out.write("\r\n");
      }
      out.flush();
    }
  }

  private static int offset(String text) {
    if (text == null) {
      return 0;
    }
    try {
      int offset = Integer.parseInt(text);
      if (offset >= 0) {
        return offset;
      }
    } catch (NumberFormatException e) {
      // named below
    }
    throw new InvalidInputException(
        ErrorCode.INVALID_REQUEST, "Invalid offset: '" + text + "' (must be a number >= 0)");
  }

  /** The results' owner: the login session, or the user for a request with a token. */
  static String session(Context ctx, Viewer viewer) {
    String cookie = ctx.cookie(Sessions.COOKIE);
    return cookie != null && !viewer.csrfToken().isEmpty()
        ? "session:" + cookie
        : "user:" + viewer.user();
  }

  private void answerPage(Context ctx, ResultPages.Page page) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("result", ResultView.of(page));
    templates.answer(ctx, 200, "sql/result.jte", params);
  }

  private void answerError(
      Context ctx, String sql, String message, Optional<ErrorPosition> position) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("error", ErrorView.of(sql, message, position));
    // 200: htmx swaps the fragment in, which shows the error in place
    templates.answer(ctx, 200, "sql/error.jte", params);
  }

  /** The cursor's rows, each read when asked for (not one ahead). */
  private static Iterator<List<Object>> rows(QueryCursor cursor) {
    return new Iterator<>() {
      private List<Object> next;
      private boolean done;

      @Override
      public boolean hasNext() {
        if (next == null && !done) {
          next = cursor.next();
          done = next == null;
        }
        return next != null;
      }

      @Override
      public List<Object> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        List<Object> row = next;
        next = null;
        return row;
      }
    };
  }
}
