package io.tributary.dashboards;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tributary.core.config.Units;
import io.tributary.core.config.YamlLines;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses a dashboard definition (YAML, or JSON, which is YAML too) strictly: unknown keys, wrong
 * types, unknown chart or filter types, options a chart needs but misses, placeholders naming no
 * filter and duplicate ids are refused with a {@link DashboardDefinitionException} naming the
 * source, the line and the key: {@code dashboards/live.yaml:12: tiles[1].chart: unknown chart type
 * 'pies' (use one of [line, ...])}. Nothing else is thrown, whatever the text.
 *
 * <pre>
 * title: Live now
 * description: Listeners per show over the last hour
 * refresh: 10s
 * filters:
 *   - { name: period, type: date-range, default: 1h }
 *   - { name: show, type: choice, values-sql: "SELECT DISTINCT show_id FROM raw.app_events" }
 * tiles:
 *   - id: listeners
 *     title: Listeners per show
 *     chart: line
 *     sql: SELECT ... WHERE ts >= $start AND ts < $end AND ($show = '' OR show_id = $show)
 *     options: { x: minute, y: listeners, series: show_id, drill: { filter: show } }
 *     layout: { x: 0, y: 0, w: 12, h: 4 }
 * </pre>
 */
public final class DashboardParser {
  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
              .build());

  static {
    YAML.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  }

  private static final Pattern FILTER_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,63}");
  private static final Pattern TILE_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private static final Set<String> TOP =
      Set.of("title", "description", "refresh", "filters", "tiles");
  private static final Set<String> FILTER =
      Set.of("name", "type", "label", "default", "values-sql");
  private static final Set<String> TILE =
      Set.of("id", "title", "sql", "chart", "options", "layout");
  private static final Set<String> OPTIONS =
      Set.of("x", "y", "series", "label", "value", "compare", "columns", "drill", "unit");
  private static final Set<String> DRILL = Set.of("filter", "column");
  private static final Set<String> LAYOUT = Set.of("x", "y", "w", "h");
  private static final Set<String> RESERVED = Set.of("start", "end", "format", "view");
  static final int MAX_TILES = 64;
  static final int MAX_FILTERS = 16;

  private final String source;
  private final YamlLines lines;

  private DashboardParser(String source, String text) {
    this.source = source;
    this.lines = YamlLines.of(text);
  }

  /**
   * Parses {@code text} as dashboard {@code name}, defined at {@code source} (a file path or {@code
   * api}).
   *
   * @throws DashboardDefinitionException naming source, line and key for whatever is wrong
   */
  public static Dashboard parse(String name, String text, Dashboard.Origin origin, String source) {
    try {
      Dashboard.requireName(name);
      return new DashboardParser(source, text).dashboard(name, text, origin);
    } catch (DashboardDefinitionException e) {
      throw e;
    } catch (RuntimeException e) {
      // a shape no rule above foresaw: still the definition's fault, never the platform's
      throw new DashboardDefinitionException(
          source + ": cannot read the dashboard: " + e.getClass().getSimpleName(), e);
    }
  }

  private Dashboard dashboard(String name, String text, Dashboard.Origin origin) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation location = e.getLocation();
      int line = location == null ? 1 : Math.max(1, location.getLineNr());
      throw new DashboardDefinitionException(
          source + ":" + line + ": not valid YAML: " + e.getOriginalMessage());
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw error("", "the definition is empty; it needs title and tiles");
    }
    object(root, "", TOP);
    String title = text(root, "title", true);
    String description = text(root, "description", false);
    Duration refresh = Duration.ZERO;
    String refreshText = text(root, "refresh", false);
    if (!refreshText.isEmpty()) {
      try {
        refresh = Units.parseDuration(refreshText);
      } catch (RuntimeException e) {
        throw error("refresh", "invalid duration '" + refreshText + "' (e.g. 10s, 5m, 1h)");
      }
      if (refresh.compareTo(Duration.ofSeconds(1)) < 0
          || refresh.compareTo(Duration.ofDays(1)) > 0) {
        throw error("refresh", "invalid refresh " + refreshText + " (must be 1s to 1d)");
      }
    }
    List<Dashboard.Filter> filters = filters(root.get("filters"));
    List<Dashboard.Tile> tiles = tiles(root.get("tiles"), filters);
    return new Dashboard(name, title, description, refresh, filters, tiles, origin, source, text);
  }

  private List<Dashboard.Filter> filters(JsonNode node) {
    List<Dashboard.Filter> filters = new ArrayList<>();
    if (node == null || node.isNull()) {
      return filters;
    }
    if (!node.isArray()) {
      throw error("filters", "must be a list of filters");
    }
    if (node.size() > MAX_FILTERS) {
      throw error("filters", node.size() + " filters (at most " + MAX_FILTERS + ")");
    }
    Set<String> names = new HashSet<>();
    boolean dateRange = false;
    for (int i = 0; i < node.size(); i++) {
      String path = "filters[" + i + "]";
      JsonNode filter = node.get(i);
      object(filter, path, FILTER);
      String name = text(filter, path + ".name", true);
      if (!FILTER_NAME.matcher(name).matches() || RESERVED.contains(name)) {
        throw error(
            path + ".name",
            "invalid filter name '"
                + name
                + "': use [a-z_][a-z0-9_]*, not one of "
                + RESERVED.stream().sorted().toList());
      }
      if (!names.add(name)) {
        throw error(path + ".name", "duplicate filter name '" + name + "'");
      }
      String typeText = text(filter, path + ".type", true);
      FilterType type =
          FilterType.of(typeText)
              .orElseThrow(
                  () ->
                      error(
                          path + ".type",
                          "unknown filter type '"
                              + typeText
                              + "' (use one of "
                              + FilterType.labels()
                              + ")"));
      if (type == FilterType.DATE_RANGE) {
        if (dateRange) {
          throw error(path + ".type", "a dashboard has at most one date-range filter");
        }
        dateRange = true;
      }
      String valuesSql = text(filter, path + ".values-sql", type == FilterType.CHOICE);
      if (type != FilterType.CHOICE && !valuesSql.isEmpty()) {
        throw error(path + ".values-sql", "only a choice filter has values-sql");
      }
      String label = text(filter, path + ".label", false);
      String defaultValue = text(filter, path + ".default", false);
      if (type == FilterType.DATE_RANGE) {
        defaultValue = defaultValue.isEmpty() ? "24h" : defaultValue;
        try {
          FilterValues.parseRange(defaultValue, java.time.Instant.EPOCH);
        } catch (IllegalArgumentException e) {
          throw error(path + ".default", e.getMessage());
        }
      }
      filters.add(
          new Dashboard.Filter(
              name, type, label.isEmpty() ? name : label, defaultValue, valuesSql, lineOf(path)));
    }
    return filters;
  }

  private List<Dashboard.Tile> tiles(JsonNode node, List<Dashboard.Filter> filters) {
    if (node == null || node.isNull()) {
      throw error("tiles", "missing: a dashboard needs at least one tile");
    }
    if (!node.isArray() || node.isEmpty()) {
      throw error("tiles", "must be a non-empty list of tiles");
    }
    if (node.size() > MAX_TILES) {
      throw error("tiles", node.size() + " tiles (at most " + MAX_TILES + ")");
    }
    Set<String> placeholders = new HashSet<>();
    for (Dashboard.Filter filter : filters) {
      if (filter.type() == FilterType.DATE_RANGE) {
        placeholders.add("start");
        placeholders.add("end");
      } else {
        placeholders.add(filter.name());
      }
    }
    for (int i = 0; i < filters.size(); i++) {
      if (!filters.get(i).valuesSql().isEmpty()) {
        checkPlaceholders(
            "filters[" + i + "].values-sql", filters.get(i).valuesSql(), placeholders);
      }
    }
    List<Dashboard.Tile> tiles = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < node.size(); i++) {
      String path = "tiles[" + i + "]";
      JsonNode tile = node.get(i);
      object(tile, path, TILE);
      String id = text(tile, path + ".id", true);
      if (!TILE_ID.matcher(id).matches()) {
        throw error(path + ".id", "invalid tile id '" + id + "': use [a-z0-9][a-z0-9_-]*");
      }
      if (!ids.add(id)) {
        throw error(path + ".id", "duplicate tile id '" + id + "'");
      }
      String title = text(tile, path + ".title", false);
      String sql = text(tile, path + ".sql", true);
      checkPlaceholders(path + ".sql", sql, placeholders);
      String chartText = text(tile, path + ".chart", true);
      ChartType chart =
          ChartType.of(chartText)
              .orElseThrow(
                  () ->
                      error(
                          path + ".chart",
                          "tile '"
                              + id
                              + "': unknown chart type '"
                              + chartText
                              + "' (use one of "
                              + ChartType.labels()
                              + ")"));
      Dashboard.Options options = options(tile.get("options"), path + ".options");
      for (String required : chart.requiredOptions()) {
        if (!options.has(required)) {
          throw error(
              path + ".options",
              "tile '"
                  + id
                  + "': a "
                  + chart.label()
                  + " chart needs options "
                  + chart.requiredOptions()
                  + "; '"
                  + required
                  + "' is missing");
        }
      }
      if (!options.drillFilter().isEmpty()
          && filters.stream().noneMatch(f -> f.name().equals(options.drillFilter()))) {
        throw error(
            path + ".options.drill.filter",
            "tile '" + id + "': unknown filter '" + options.drillFilter() + "' referenced");
      }
      Dashboard.Layout layout = layout(tile.get("layout"), path + ".layout", i);
      tiles.add(
          new Dashboard.Tile(
              id, title.isEmpty() ? id : title, sql, chart, options, layout, lineOf(path)));
    }
    return tiles;
  }

  private void checkPlaceholders(String path, String sql, Set<String> known) {
    TileSql bound;
    try {
      bound = TileSql.of(sql);
    } catch (IllegalArgumentException e) {
      throw error(path, e.getMessage());
    }
    for (String name : bound.names()) {
      if (!known.contains(name)) {
        throw error(
            path,
            "unknown filter referenced: $"
                + name
                + " (placeholders: "
                + known.stream().sorted().map(k -> "$" + k).toList()
                + ")");
      }
    }
  }

  private Dashboard.Options options(JsonNode node, String path) {
    if (node == null || node.isNull()) {
      return new Dashboard.Options("", List.of(), "", "", "", "", List.of(), "", "", "");
    }
    object(node, path, OPTIONS);
    String drillFilter = "";
    String drillColumn = "";
    JsonNode drill = node.get("drill");
    if (drill != null && !drill.isNull()) {
      object(drill, path + ".drill", DRILL);
      drillFilter = text(drill, path + ".drill.filter", true);
      drillColumn = text(drill, path + ".drill.column", false);
    }
    return new Dashboard.Options(
        text(node, path + ".x", false),
        textList(node, path + ".y"),
        text(node, path + ".series", false),
        text(node, path + ".label", false),
        text(node, path + ".value", false),
        text(node, path + ".compare", false),
        textList(node, path + ".columns"),
        drillFilter,
        drillColumn,
        text(node, path + ".unit", false));
  }

  private Dashboard.Layout layout(JsonNode node, String path, int index) {
    int x = (index % 2) * 6;
    int y = (index / 2) * 4;
    int w = 6;
    int h = 4;
    if (node != null && !node.isNull()) {
      object(node, path, LAYOUT);
      x = integer(node, path + ".x", x, 0, 11);
      y = integer(node, path + ".y", y, 0, 1000);
      w = integer(node, path + ".w", w, 1, 12);
      h = integer(node, path + ".h", h, 1, 12);
    }
    return new Dashboard.Layout(x, y, w, h);
  }

  private int integer(JsonNode parent, String path, int fallback, int min, int max) {
    JsonNode node = parent.get(last(path));
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.canConvertToInt() || !node.isIntegralNumber()) {
      throw error(path, "must be an integer from " + min + " to " + max);
    }
    int value = node.intValue();
    if (value < min || value > max) {
      throw error(path, "invalid value " + value + " (must be " + min + " to " + max + ")");
    }
    return value;
  }

  /** Refuses a non-object node and keys outside {@code allowed}. */
  private void object(JsonNode node, String path, Set<String> allowed) {
    if (node == null || !node.isObject()) {
      throw error(path, "must be a mapping of keys " + allowed.stream().sorted().toList());
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      String key = it.next().getKey();
      if (!allowed.contains(key)) {
        String child = path.isEmpty() ? key : path + "." + key;
        throw error(
            child, "unknown key '" + key + "' (use " + allowed.stream().sorted().toList() + ")");
      }
    }
  }

  /** The scalar at {@code path} (its last segment read from {@code parent}) as text. */
  private String text(JsonNode parent, String path, boolean required) {
    JsonNode node = parent.get(last(path));
    if (node == null || node.isNull()) {
      if (required) {
        throw error(path, "missing");
      }
      return "";
    }
    if (!node.isValueNode()) {
      throw error(
          path,
          "must be a text value, not a "
              + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
    String value = node.asText().strip();
    if (required && value.isEmpty()) {
      throw error(path, "must not be empty");
    }
    return value;
  }

  private List<String> textList(JsonNode parent, String path) {
    JsonNode node = parent.get(last(path));
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (node.isValueNode()) {
      return List.of(text(parent, path, true));
    }
    if (!node.isArray()) {
      throw error(path, "must be a column name or a list of them");
    }
    List<String> values = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      if (!item.isValueNode() || item.isNull() || item.asText().isBlank()) {
        throw error(path + "[" + i + "]", "must be a column name");
      }
      values.add(item.asText().strip());
    }
    return values;
  }

  private static String last(String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? path : path.substring(dot + 1);
  }

  private DashboardDefinitionException error(String path, String message) {
    int line = lineOf(path);
    return new DashboardDefinitionException(
        source + ":" + line + ": " + (path.isEmpty() ? "" : path + ": ") + message);
  }

  /** The line of {@code path} (or of its nearest enclosing key), 1 when none is known. */
  private int lineOf(String path) {
    return Math.max(1, lines.lineOf(path));
  }
}
