package io.tributary.server;

import io.javalin.config.RoutesConfig;
import io.tributary.access.Privilege;
import io.tributary.console.catalog.CatalogPages;
import io.tributary.console.sql.SqlWorkbench;
import io.tributary.core.config.StreamSpec;
import io.tributary.lake.Lake;
import io.tributary.query.QueryEngine;
import io.tributary.query.workbench.QueryHistory;
import io.tributary.query.workbench.ResultPages;
import io.tributary.stream.StreamRegistry;
import java.sql.Connection;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/**
 * The console's SQL workbench ({@code /sql}) and catalog browser ({@code /catalog}): every route
 * with its {@link Requires}; statements run as the viewer with the table checks of {@code POST
 * /v1/query}, and the catalog's description and tags form applies a {@link TablePatch} as {@code
 * PATCH /v1/tables/{table}} does (MANAGE on the table).
 */
final class WorkbenchRoutes {
  /** History entries kept per user. */
  static final int HISTORY_PER_USER = 500;

  private final SqlWorkbench workbench;
  private final CatalogPages catalog;

  WorkbenchRoutes(
      Lake lake,
      QueryEngine query,
      StreamRegistry streams,
      Supplier<Connection> metadata,
      ResultPages.Limits limits,
      Supplier<List<String>> dashboards,
      Clock clock) {
    this.workbench =
        new SqlWorkbench(
            query,
            lake,
            new ResultPages(limits, clock),
            new QueryHistory(metadata, HISTORY_PER_USER),
            ConsoleRoutes.TEMPLATES,
            dashboards,
            clock);
    this.catalog =
        new CatalogPages(
            lake,
            query,
            table ->
                streams.list().stream()
                    .filter(spec -> spec.table().equals(table))
                    .map(StreamSpec::name)
                    .sorted()
                    .toList(),
            (table, body) -> {
              TablePatch patch = TablePatch.parse(body);
              lake.updateProperties(table, patch.set(), patch.remove());
            },
            ConsoleRoutes.TEMPLATES);
  }

  void register(RoutesConfig routes) {
    ConsoleRoutes.page(routes, "/sql", workbench::page, Requires.authenticated());
    ConsoleRoutes.action(routes, "/sql/run", workbench::run, Requires.authenticated());
    ConsoleRoutes.page(routes, "/sql/results/{id}", workbench::results, Requires.authenticated());
    ConsoleRoutes.page(routes, "/sql/history", workbench::history, Requires.authenticated());
    ConsoleRoutes.action(routes, "/sql/download", workbench::download, Requires.authenticated());
    ConsoleRoutes.page(routes, "/catalog", catalog::list, Requires.authenticated());
    ConsoleRoutes.page(
        routes, "/catalog/{table}", catalog::table, Requires.onTable(Privilege.READ, "table"));
    ConsoleRoutes.action(
        routes,
        "/catalog/{table}/about",
        catalog::describe,
        Requires.onTable(Privilege.MANAGE, "table"));
  }
}
