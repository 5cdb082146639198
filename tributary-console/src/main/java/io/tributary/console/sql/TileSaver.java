package io.tributary.console.sql;

import io.javalin.http.Context;
import io.tributary.console.Templates;
import io.tributary.console.Viewer;
import io.tributary.core.TributaryException;
import io.tributary.dashboards.Dashboard;
import io.tributary.dashboards.Dashboards;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code POST /sql/tile}: the workbench's "Save as dashboard tile" form (dashboard, tile id, title,
 * chart, and the columns it draws), which adds the editor's statement as a tile to a dashboard
 * saved through the API ({@link Dashboards#addTile}); answers a fragment saying what was saved, or
 * the error (a dashboard defined by a file answers its 409).
 */
public final class TileSaver {
  private final Dashboards dashboards;
  private final Templates templates;

  public TileSaver(Dashboards dashboards, Templates templates) {
    this.dashboards = Objects.requireNonNull(dashboards, "dashboards is null");
    this.templates = Objects.requireNonNull(templates, "templates is null");
  }

  /** {@code POST /sql/tile}. */
  public void save(Context ctx, Viewer viewer) {
    String name = field(ctx, "dashboard");
    String id = field(ctx, "tile");
    String chart = field(ctx, "chart");
    String sql = field(ctx, "sql");
    String title = field(ctx, "title");
    String x = field(ctx, "x");
    List<String> y =
        Arrays.stream(field(ctx, "y").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList();
    Map<String, Object> options = new LinkedHashMap<>();
    switch (chart) {
      case "pie" -> {
        put(options, "label", x);
        put(options, "value", y.isEmpty() ? "" : y.get(0));
      }
      case "big-number" -> put(options, "value", y.isEmpty() ? "" : y.get(0));
      case "heatmap" -> {
        put(options, "x", x);
        put(options, "y", y.isEmpty() ? "" : y.get(0));
        put(options, "value", y.size() < 2 ? "" : y.get(1));
      }
      case "table" -> {}
      default -> {
        put(options, "x", x);
        if (!y.isEmpty()) {
          options.put("y", y);
        }
      }
    }
    Map<String, Object> params = new LinkedHashMap<>();
    if (sql.isBlank()) {
      params.put("error", "Enter a statement to save as a tile");
      params.put("href", "");
      templates.answer(ctx, status(ctx, 400), "sql/tile-saved.jte", params);
      return;
    }
    try {
      Dashboard saved =
          dashboards.addTile(name, id, title.isEmpty() ? id : title, chart, sql, options);
      params.put("error", "");
      params.put(
          "message",
          "Tile "
              + id
              + " added to dashboard "
              + saved.name()
              + " ("
              + saved.tiles().size()
              + " tiles)");
      params.put("href", "/dashboards/" + saved.name());
      templates.answer(ctx, 200, "sql/tile-saved.jte", params);
    } catch (TributaryException e) {
      params.put("error", e.getMessage() == null ? e.code() : e.getMessage());
      params.put("href", "");
      templates.answer(ctx, status(ctx, e.errorCode().httpStatus()), "sql/tile-saved.jte", params);
    } catch (IllegalArgumentException e) {
      params.put("error", e.getMessage());
      params.put("href", "");
      templates.answer(ctx, status(ctx, 400), "sql/tile-saved.jte", params);
    }
  }

  /** An error's status; 200 for htmx, which swaps only successes into the form's result. */
  private static int status(Context ctx, int status) {
    return "true".equals(ctx.header("HX-Request")) ? 200 : status;
  }

  private static void put(Map<String, Object> options, String key, String value) {
    if (!value.isEmpty()) {
      options.put(key, value);
    }
  }

  private static String field(Context ctx, String name) {
    String value = ctx.formParam(name);
    return value == null ? "" : value.trim();
  }
}
