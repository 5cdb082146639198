package io.tributary.server;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.tributary.access.Privilege;
import io.tributary.access.Resource;
import io.tributary.access.ResourceKind;
import io.tributary.console.dashboards.DashboardPages;
import io.tributary.console.dashboards.DashboardPdf;
import io.tributary.console.sql.TileSaver;
import io.tributary.core.NotFoundException;
import io.tributary.core.TableId;
import io.tributary.dashboards.Dashboard;
import io.tributary.dashboards.DashboardJson;
import io.tributary.dashboards.Dashboards;
import io.tributary.dashboards.TileData;
import io.tributary.reports.ReportRenderer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The dashboard endpoints: {@code GET /v1/dashboards} (every dashboard, and the files rejected at
 * their last change: the admin's only), {@code GET, PUT, DELETE /v1/dashboards/{name}} (a PUT body
 * is the YAML or JSON definition), {@code GET /v1/dashboards/{name}/tiles/{id}?<filters>} (the
 * tile's data, or its CSV with {@code format=csv}; the caller must be allowed to read every table
 * the tile's SQL reads, as for {@code /v1/query}) and {@code GET
 * /v1/dashboards/{name}/filters/{filter}/values} (a choice filter's values). Dashboards follow
 * grants: {@code read} on {@code dashboard:<name>} to list or view one (API and pages), {@code
 * manage} to put or delete it (or save a workbench tile into it).
 */
final class DashboardRoutes {
  private final Dashboards dashboards;
  private final DashboardPages pages;
  private final DashboardPdf pdf;
  private final TileSaver tileSaver;

  DashboardRoutes(Dashboards dashboards, Clock clock) {
    this.dashboards = dashboards;
    this.pages = new DashboardPages(dashboards, ConsoleRoutes.TEMPLATES);
    this.pdf = new DashboardPdf(dashboards, new ReportRenderer(), clock);
    this.tileSaver = new TileSaver(dashboards, ConsoleRoutes.TEMPLATES);
  }

  void register(RoutesConfig routes) {
    Requires read = Requires.on(Privilege.READ, ResourceKind.DASHBOARD, "name");
    Requires manage = Requires.on(Privilege.MANAGE, ResourceKind.DASHBOARD, "name");
    routes.get("/v1/dashboards", this::list, Requires.authenticated());
    routes.get("/v1/dashboards/{name}", this::get, read);
    routes.put("/v1/dashboards/{name}", this::put, manage);
    routes.delete("/v1/dashboards/{name}", this::delete, manage);
    routes.get("/v1/dashboards/{name}/tiles/{id}", this::tile, read);
    routes.get("/v1/dashboards/{name}/filters/{filter}/values", this::values, read);
    // the console's pages, and the JSON they fetch with the session cookie
    ConsoleRoutes.page(routes, "/dashboards", pages::list, Requires.authenticated());
    ConsoleRoutes.page(routes, "/dashboards/{name}", pages::view, read);
    // the SQL workbench's "Save as dashboard tile": a change of the dashboard the form names
    ConsoleRoutes.action(
        routes,
        "/sql/tile",
        tileSaver::save,
        Requires.onField(Privilege.MANAGE, ResourceKind.DASHBOARD, "dashboard"));
    // the dashboard as a PDF: each tile reads what the viewer may read, as its data route
    ConsoleRoutes.page(routes, "/dashboards/{name}/pdf", pdf::pdf, read);
    ConsoleRoutes.page(routes, "/dashboards/{name}/drill/{id}", pages::drill, read);
    ConsoleRoutes.page(routes, "/dashboards/{name}/tiles/{id}/data", pages::data, read);
    ConsoleRoutes.page(routes, "/dashboards/{name}/filters/{filter}/values", pages::values, read);
  }

  /** Whether the request's identity may view the dashboard {@code name}. */
  static boolean readable(Context ctx, String name) {
    return AccessGate.allows(ctx, Privilege.READ, new Resource(ResourceKind.DASHBOARD, name));
  }

  private void list(Context ctx) {
    List<Map<String, Object>> list = new ArrayList<>();
    dashboards.list().stream()
        .filter(d -> readable(ctx, d.name()))
        .forEach(d -> list.add(DashboardJson.summary(d)));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("dashboards", list);
    body.put(
        "problems",
        AccessGate.allows(ctx, Privilege.ADMIN, Resource.PLATFORM)
            ? dashboards.problems()
            : Map.of());
    HttpApi.json(ctx, 200, body);
  }

  private void get(Context ctx) {
    HttpApi.json(ctx, 200, DashboardJson.definition(dashboards.require(ctx.pathParam("name"))));
  }

  private void put(Context ctx) {
    String name = ctx.pathParam("name");
    boolean existed = dashboards.get(name).isPresent();
    Dashboard saved = dashboards.put(name, new String(ctx.bodyAsBytes(), StandardCharsets.UTF_8));
    HttpApi.json(ctx, existed ? 200 : 201, DashboardJson.definition(saved));
  }

  private void delete(Context ctx) {
    String name = ctx.pathParam("name");
    if (!dashboards.delete(name)) {
      throw new NotFoundException("Dashboard", name);
    }
    ctx.status(204);
  }

  private void tile(Context ctx) {
    String name = ctx.pathParam("name");
    String id = ctx.pathParam("id");
    TileData data = dashboards.tile(name, id, filterValues(ctx), readable(ctx));
    if (data.truncated()) {
      ctx.header(HttpApi.TRUNCATED_HEADER, "true; limit=" + dashboards.maxRows());
    }
    if ("csv".equals(ctx.queryParam("format"))) {
      ctx.status(200)
          .contentType("text/csv; charset=utf-8")
          .header("Content-Disposition", "attachment; filename=\"" + name + "-" + id + ".csv\"")
          .result(data.toCsv().getBytes(StandardCharsets.UTF_8));
      return;
    }
    HttpApi.json(ctx, 200, DashboardJson.data(data));
  }

  private void values(Context ctx) {
    List<String> values =
        dashboards.choices(
            ctx.pathParam("name"), ctx.pathParam("filter"), filterValues(ctx), readable(ctx));
    HttpApi.json(ctx, 200, Map.of("values", values));
  }

  private static Map<String, String> filterValues(Context ctx) {
    Map<String, String> values = new LinkedHashMap<>();
    ctx.queryParamMap()
        .forEach(
            (key, list) -> {
              if (!list.isEmpty()) {
                values.put(key, list.get(0));
              }
            });
    return values;
  }

  private static Predicate<TableId> readable(Context ctx) {
    return table -> AccessGate.allows(ctx, Privilege.READ, Resource.table(table));
  }
}
