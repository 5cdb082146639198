package io.tributary.console.dashboards;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.tributary.access.Privilege;
import io.tributary.access.Resource;
import io.tributary.access.ResourceKind;
import io.tributary.console.Page;
import io.tributary.console.Templates;
import io.tributary.console.Viewer;
import io.tributary.core.ErrorCode;
import io.tributary.core.NotFoundException;
import io.tributary.core.TableId;
import io.tributary.core.TributaryException;
import io.tributary.dashboards.ChartType;
import io.tributary.dashboards.Dashboard;
import io.tributary.dashboards.DashboardJson;
import io.tributary.dashboards.Dashboards;
import io.tributary.dashboards.FilterType;
import io.tributary.dashboards.TileData;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard pages: {@code /dashboards} (the list, and the files rejected at their last change),
 * {@code /dashboards/{name}} (filters in the URL, tiles that each fetch their own data from {@code
 * /dashboards/{name}/tiles/{id}/data}, drawn by {@code dashboards.js}), {@code
 * /dashboards/{name}/drill/{id}} (one tile as a table, with a filter set from a clicked bar or row)
 * and the JSON the pages fetch. Tile data reads only the tables the viewer may read, as the API.
 */
public final class DashboardPages {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardPages.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Dashboards dashboards;
  private final Templates templates;

  public DashboardPages(Dashboards dashboards, Templates templates) {
    this.dashboards = Objects.requireNonNull(dashboards, "dashboards is null");
    this.templates = Objects.requireNonNull(templates, "templates is null");
  }

  /** What the view template draws of one tile: its id, title, grid place, and its config. */
  public record TileView(String id, String title, String chart, String style, String config) {}

  /** One filter of the form: the filter, its current value, and where its values come from. */
  public record FilterView(
      String name, String label, String type, String value, String valuesUrl) {}

  /**
   * {@code GET /dashboards}: the dashboards the viewer may read ({@code read} on {@code
   * dashboard:<name>}); the rejected files for the admin only.
   */
  public void list(Context ctx, Viewer viewer) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("page", Page.of(ctx, "Dashboards", "dashboards"));
    params.put(
        "dashboards",
        dashboards.list().stream()
            .filter(
                d -> viewer.allows(Privilege.READ, new Resource(ResourceKind.DASHBOARD, d.name())))
            .toList());
    params.put(
        "problems",
        viewer.allows(Privilege.ADMIN, Resource.PLATFORM) ? dashboards.problems() : Map.of());
    templates.answer(ctx, 200, "dashboards/list.jte", params);
  }

  /** {@code GET /dashboards/{name}}. */
  public void view(Context ctx, Viewer viewer) {
    Dashboard dashboard = dashboards.require(ctx.pathParam("name"));
    List<TileView> tiles = new ArrayList<>();
    for (Dashboard.Tile tile : dashboard.tiles()) {
      tiles.add(tileView(dashboard, tile, false));
    }
    answerView(ctx, dashboard, dashboard.title(), tiles, "");
  }

  /** {@code GET /dashboards/{name}/drill/{id}}: the tile's rows as a table, full width. */
  public void drill(Context ctx, Viewer viewer) {
    Dashboard dashboard = dashboards.require(ctx.pathParam("name"));
    String id = ctx.pathParam("id");
    Dashboard.Tile tile =
        dashboard
            .tile(id)
            .orElseThrow(() -> new NotFoundException("Tile of dashboard " + dashboard.name(), id));
    String filter = tile.options().drillFilter();
    String value = filter.isEmpty() ? "" : ctx.queryParam(filter);
    String title =
        dashboard.title()
            + " · "
            + tile.title()
            + (value == null || value.isEmpty() ? "" : " · " + filter + " = " + value);
    answerView(ctx, dashboard, title, List.of(tileView(dashboard, tile, true)), tile.title());
  }

  private void answerView(
      Context ctx, Dashboard dashboard, String title, List<TileView> tiles, String drilled) {
    List<FilterView> filters = new ArrayList<>();
    for (Dashboard.Filter filter : dashboard.filters()) {
      String value = ctx.queryParam(filter.name());
      filters.add(
          new FilterView(
              filter.name(),
              filter.label(),
              filter.type().label(),
              value == null || value.isEmpty() ? filter.defaultValue() : value,
              filter.type() == FilterType.CHOICE
                  ? "/dashboards/" + dashboard.name() + "/filters/" + filter.name() + "/values"
                  : ""));
    }
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("page", Page.of(ctx, title, "dashboards"));
    params.put("dashboard", dashboard);
    params.put("filters", filters);
    params.put("tiles", tiles);
    params.put("drilled", drilled);
    params.put("refreshSeconds", dashboard.refresh().toSeconds());
    templates.answer(ctx, 200, "dashboards/view.jte", params);
  }

  private static TileView tileView(Dashboard dashboard, Dashboard.Tile tile, boolean asTable) {
    Map<String, Object> config = DashboardJson.tile(tile);
    config.remove("sql");
    String base = "/dashboards/" + dashboard.name() + "/tiles/" + tile.id() + "/data";
    config.put("dataUrl", base);
    if (asTable) {
      config.put("chart", ChartType.TABLE.label());
    }
    if (!tile.options().drillFilter().isEmpty() && !asTable) {
      config.put("drillUrl", "/dashboards/" + dashboard.name() + "/drill/" + tile.id());
    }
    Dashboard.Layout layout = tile.layout();
    String style =
        asTable
            ? "grid-column: 1 / -1; grid-row: span 8"
            : "grid-column: "
                + (layout.x() + 1)
                + " / span "
                + Math.min(layout.w(), 12 - layout.x())
                + "; grid-row: "
                + (layout.y() + 1)
                + " / span "
                + layout.h();
    try {
      return new TileView(
          tile.id(),
          tile.title(),
          (String) config.get("chart"),
          style,
          JSON.writeValueAsString(config));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write the config of tile " + tile.id(), e);
    }
  }

  /**
   * {@code GET /dashboards/{name}/tiles/{id}/data}: the tile's data as JSON (or CSV with {@code
   * format=csv}); an error answers its status with {@code {"error": {"code", "message"}}}, so the
   * page shows it in the tile.
   */
  public void data(Context ctx, Viewer viewer) {
    String name = ctx.pathParam("name");
    String id = ctx.pathParam("id");
    TileData data;
    try {
      data = dashboards.tile(name, id, queryValues(ctx), readable(viewer));
    } catch (TributaryException e) {
      json(ctx, e.errorCode().httpStatus(), error(e.code(), e.getMessage()));
      return;
    } catch (RuntimeException e) {
      LOG.error("Tile {} of dashboard {} failed", id, name, e);
      json(
          ctx,
          500,
          error(
              ErrorCode.INTERNAL_ERROR.code(), "Internal error: " + e.getClass().getSimpleName()));
      return;
    }
    if ("csv".equals(ctx.queryParam("format"))) {
      Templates.headers(ctx);
      ctx.status(200)
          .contentType("text/csv; charset=utf-8")
          .header("Content-Disposition", "attachment; filename=\"" + name + "-" + id + ".csv\"")
          .result(data.toCsv().getBytes(StandardCharsets.UTF_8));
      return;
    }
    json(ctx, 200, DashboardJson.data(data));
  }

  /** {@code GET /dashboards/{name}/filters/{filter}/values}: a choice filter's values. */
  public void values(Context ctx, Viewer viewer) {
    try {
      List<String> values =
          dashboards.choices(
              ctx.pathParam("name"), ctx.pathParam("filter"), queryValues(ctx), readable(viewer));
      json(ctx, 200, Map.of("values", values));
    } catch (TributaryException e) {
      json(ctx, e.errorCode().httpStatus(), error(e.code(), e.getMessage()));
    }
  }

  private static Map<String, Object> error(String code, String message) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", code);
    error.put("message", message == null ? "" : message);
    return Map.of("error", error);
  }

  private static Predicate<TableId> readable(Viewer viewer) {
    return table -> viewer.allows(Privilege.READ, Resource.table(table));
  }

  private static Map<String, String> queryValues(Context ctx) {
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

  private static void json(Context ctx, int status, Object body) {
    Templates.headers(ctx);
    try {
      ctx.status(status).contentType("application/json").result(JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write JSON", e);
    }
  }
}
