package io.tributary.dashboards;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON views of dashboards and tile data that the API and the console answer. */
public final class DashboardJson {
  private DashboardJson() {}

  /** A list entry: name, title, description, refresh, origin, source, tile count. */
  public static Map<String, Object> summary(Dashboard dashboard) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("name", dashboard.name());
    view.put("title", dashboard.title());
    view.put("description", dashboard.description());
    view.put("refreshSeconds", dashboard.refresh().toSeconds());
    view.put("origin", dashboard.origin().name().toLowerCase(java.util.Locale.ROOT));
    view.put("source", dashboard.source());
    view.put("tiles", dashboard.tiles().size());
    return view;
  }

  /** The whole definition: the summary, the filters, the tiles and the text it was parsed from. */
  public static Map<String, Object> definition(Dashboard dashboard) {
    Map<String, Object> view = summary(dashboard);
    List<Map<String, Object>> filters = new ArrayList<>();
    for (Dashboard.Filter filter : dashboard.filters()) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("name", filter.name());
      item.put("type", filter.type().label());
      item.put("label", filter.label());
      item.put("default", filter.defaultValue());
      if (!filter.valuesSql().isEmpty()) {
        item.put("valuesSql", filter.valuesSql());
      }
      filters.add(item);
    }
    view.put("filters", filters);
    List<Map<String, Object>> tiles = new ArrayList<>();
    for (Dashboard.Tile tile : dashboard.tiles()) {
      tiles.add(tile(tile));
    }
    view.put("tiles", tiles);
    view.put("text", dashboard.text());
    return view;
  }

  /** One tile's definition: id, title, chart, sql, options, layout. */
  public static Map<String, Object> tile(Dashboard.Tile tile) {
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("id", tile.id());
    item.put("title", tile.title());
    item.put("chart", tile.chart().label());
    item.put("sql", tile.sql());
    Dashboard.Options options = tile.options();
    Map<String, Object> opts = new LinkedHashMap<>();
    putIfSet(opts, "x", options.x());
    if (!options.y().isEmpty()) {
      opts.put("y", options.y());
    }
    putIfSet(opts, "series", options.series());
    putIfSet(opts, "label", options.label());
    putIfSet(opts, "value", options.value());
    putIfSet(opts, "compare", options.compare());
    if (!options.columns().isEmpty()) {
      opts.put("columns", options.columns());
    }
    if (!options.drillFilter().isEmpty()) {
      opts.put("drill", Map.of("filter", options.drillFilter(), "column", options.drillSource()));
    }
    putIfSet(opts, "unit", options.unit());
    item.put("options", opts);
    Dashboard.Layout layout = tile.layout();
    item.put("layout", Map.of("x", layout.x(), "y", layout.y(), "w", layout.w(), "h", layout.h()));
    return item;
  }

  /** A tile's data: columns, rows, truncated, snapshots, elapsedMillis, filters. */
  public static Map<String, Object> data(TileData data) {
    Map<String, Object> view = new LinkedHashMap<>();
    List<Map<String, String>> columns = new ArrayList<>();
    data.columns().forEach(c -> columns.add(Map.of("name", c.name(), "type", c.type())));
    view.put("columns", columns);
    view.put("rows", data.rows());
    view.put("truncated", data.truncated());
    view.put("snapshots", data.snapshots());
    view.put("elapsedMillis", data.elapsedMillis());
    view.put("filters", data.filters());
    return view;
  }

  private static void putIfSet(Map<String, Object> map, String key, String value) {
    if (!value.isEmpty()) {
      map.put(key, value);
    }
  }
}
