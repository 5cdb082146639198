package io.tributary.dashboards;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One dashboard: its title, description, auto-refresh interval ({@link Duration#ZERO}: none),
 * filters and tiles, where it was defined ({@code source}: a file path or {@code api}) and the text
 * it was parsed from.
 */
public record Dashboard(
    String name,
    String title,
    String description,
    Duration refresh,
    List<Filter> filters,
    List<Tile> tiles,
    Origin origin,
    String source,
    String text) {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  /** Where a dashboard is defined. */
  public enum Origin {
    /** A YAML file of the dashboards folder. */
    FILE,
    /** {@code PUT /v1/dashboards/{name}}, kept in the metadata database. */
    API
  }

  public Dashboard {
    requireName(name);
    Objects.requireNonNull(title, "title is null");
    Objects.requireNonNull(description, "description is null");
    Objects.requireNonNull(refresh, "refresh is null");
    filters = List.copyOf(filters);
    tiles = List.copyOf(tiles);
    Objects.requireNonNull(origin, "origin is null");
    Objects.requireNonNull(source, "source is null");
    Objects.requireNonNull(text, "text is null");
  }

  /** Checks a dashboard name: lower-case letters, digits, {@code _} and {@code -}, ≤ 64. */
  public static String requireName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new DashboardDefinitionException(
          "Invalid dashboard name '" + name + "': use [a-z0-9][a-z0-9_-]{0,63}");
    }
    return name;
  }

  /** The tile with id {@code id}, if any. */
  public Optional<Tile> tile(String id) {
    return tiles.stream().filter(tile -> tile.id().equals(id)).findFirst();
  }

  /** The filter named {@code name}, if any. */
  public Optional<Filter> filter(String name) {
    return filters.stream().filter(filter -> filter.name().equals(name)).findFirst();
  }

  /**
   * A dashboard filter: its name (the URL parameter and, except for a date range, the SQL
   * placeholder {@code $<name>}), type, label, default value ({@code ""}: none) and, for a choice,
   * the SQL that lists the values.
   */
  public record Filter(
      String name, FilterType type, String label, String defaultValue, String valuesSql, int line) {
    public Filter {
      Objects.requireNonNull(name, "name is null");
      Objects.requireNonNull(type, "type is null");
      Objects.requireNonNull(label, "label is null");
      Objects.requireNonNull(defaultValue, "defaultValue is null");
      Objects.requireNonNull(valuesSql, "valuesSql is null");
    }
  }

  /**
   * One tile: its id (unique in the dashboard), title, SQL, chart type, options and place on the
   * grid; {@code line} is where it starts in its source.
   */
  public record Tile(
      String id,
      String title,
      String sql,
      ChartType chart,
      Options options,
      Layout layout,
      int line) {
    public Tile {
      Objects.requireNonNull(id, "id is null");
      Objects.requireNonNull(title, "title is null");
      Objects.requireNonNull(sql, "sql is null");
      Objects.requireNonNull(chart, "chart is null");
      Objects.requireNonNull(options, "options is null");
      Objects.requireNonNull(layout, "layout is null");
    }
  }

  /**
   * What a tile draws from its result columns: {@code x} and {@code y} (one or more columns) for
   * line, bar, stacked and area charts, with {@code series} splitting rows into series by a
   * column's value; {@code label} and {@code value} for a pie; {@code value} and {@code compare}
   * (the value to show the delta against) for a big number; {@code x}, {@code y} and {@code value}
   * for a heatmap; {@code columns} to pick a table's columns; {@code drillFilter} (and {@code
   * drillColumn}, default {@code x} or {@code label}) to open a filtered table from a bar or row.
   * Empty strings and lists mean unset.
   */
  public record Options(
      String x,
      List<String> y,
      String series,
      String label,
      String value,
      String compare,
      List<String> columns,
      String drillFilter,
      String drillColumn,
      String unit) {
    public Options {
      Objects.requireNonNull(x, "x is null");
      y = List.copyOf(y);
      Objects.requireNonNull(series, "series is null");
      Objects.requireNonNull(label, "label is null");
      Objects.requireNonNull(value, "value is null");
      Objects.requireNonNull(compare, "compare is null");
      columns = List.copyOf(columns);
      Objects.requireNonNull(drillFilter, "drillFilter is null");
      Objects.requireNonNull(drillColumn, "drillColumn is null");
      Objects.requireNonNull(unit, "unit is null");
    }

    /** The column the drill-down takes its value from: {@code drillColumn}, else x or label. */
    public String drillSource() {
      if (!drillColumn.isEmpty()) {
        return drillColumn;
      }
      return x.isEmpty() ? label : x;
    }

    /** Every result column an option names, keyed by option ({@code y[1]} for a list). */
    public java.util.Map<String, String> namedColumns() {
      java.util.Map<String, String> named = new java.util.LinkedHashMap<>();
      put(named, "x", x);
      for (int i = 0; i < y.size(); i++) {
        put(named, "y[" + i + "]", y.get(i));
      }
      put(named, "series", series);
      put(named, "label", label);
      put(named, "value", value);
      put(named, "compare", compare);
      for (int i = 0; i < columns.size(); i++) {
        put(named, "columns[" + i + "]", columns.get(i));
      }
      if (!drillFilter.isEmpty()) {
        put(named, "drill.column", drillSource());
      }
      return named;
    }

    private static void put(java.util.Map<String, String> named, String key, String column) {
      if (!column.isEmpty()) {
        named.put(key, column);
      }
    }

    /** Whether {@code option} (one of {@link ChartType#requiredOptions()}) is set. */
    public boolean has(String option) {
      return switch (option) {
        case "x" -> !x.isEmpty();
        case "y" -> !y.isEmpty();
        case "label" -> !label.isEmpty();
        case "value" -> !value.isEmpty();
        default -> false;
      };
    }
  }

  /** A tile's place on a 12-column grid: column, row, width (1–12) and height (rows). */
  public record Layout(int x, int y, int w, int h) {
    public Layout {
      if (x < 0 || x > 11 || y < 0 || w < 1 || w > 12 || h < 1 || h > 12) {
        throw new IllegalArgumentException(
            "Invalid layout x=" + x + " y=" + y + " w=" + w + " h=" + h);
      }
    }
  }

  /** The date-range filter, if the dashboard has one. */
  public Optional<Filter> dateRange() {
    return filters.stream().filter(filter -> filter.type() == FilterType.DATE_RANGE).findFirst();
  }
}
