package io.tributary.dashboards;

import io.tributary.core.TableId;
import io.tributary.query.QueryEngine;
import io.tributary.query.QueryResult;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Runs tile queries on the query engine with the filter values bound as prepared-statement
 * parameters, reading at most {@code maxRows} rows; and checks a tile's SQL without reading rows.
 */
final class TileRunner {
  private final QueryEngine engine;
  private final int maxRows;

  TileRunner(QueryEngine engine, int maxRows) {
    this.engine = Objects.requireNonNull(engine, "engine is null");
    if (maxRows < 1) {
      throw new IllegalArgumentException("Invalid maxRows: " + maxRows + " (must be >= 1)");
    }
    this.maxRows = maxRows;
  }

  int maxRows() {
    return maxRows;
  }

  /**
   * Runs {@code sql} with {@code values} bound, reading only tables {@code readable} accepts.
   *
   * @throws io.tributary.core.TributaryException the engine's error (query_error, forbidden,
   *     query_timeout, overloaded...)
   */
  TileData run(String sql, FilterValues values, Predicate<TableId> readable) {
    TileSql bound = TileSql.of(sql);
    List<Object> parameters = values.parameters(bound);
    long start = System.nanoTime();
    return engine.stream(
        bound.sql(),
        parameters,
        readable,
        result -> {
          List<List<Object>> rows = new ArrayList<>();
          boolean truncated = false;
          int width = result.columns().size();
          while (result.next()) {
            if (rows.size() == maxRows) {
              truncated = true;
              break;
            }
            List<Object> row = new ArrayList<>(width);
            for (int i = 0; i < width; i++) {
              row.add(jsonFriendly(result.value(i)));
            }
            rows.add(row);
          }
          Map<String, Long> snapshots = new LinkedHashMap<>();
          result.snapshots().forEach((table, id) -> snapshots.put(table.toString(), id));
          long elapsed = (System.nanoTime() - start) / 1_000_000;
          return new TileData(
              result.columns(), rows, truncated, snapshots, elapsed, values.chosen());
        });
  }

  /**
   * The result columns of {@code sql} with {@code values} bound, planned over the lake without
   * reading rows ({@code LIMIT 0}).
   */
  List<QueryResult.Column> columns(String sql, FilterValues values) {
    String body = sql.strip();
    while (body.endsWith(";")) {
      body = body.substring(0, body.length() - 1).strip();
    }
    TileSql bound = TileSql.of("SELECT * FROM (\n" + body + "\n) AS tile LIMIT 0");
    return engine.stream(
        bound.sql(), values.parameters(bound), table -> true, result -> result.columns());
  }

  private static Object jsonFriendly(Object value) {
    if (value instanceof TemporalAccessor) {
      return value.toString();
    }
    if (value instanceof Float f) {
      return f.doubleValue();
    }
    return value;
  }
}
