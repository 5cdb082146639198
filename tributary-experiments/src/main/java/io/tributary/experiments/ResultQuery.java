package io.tributary.experiments;

import io.tributary.experiments.ExperimentSpec.Exposure;
import io.tributary.experiments.ExperimentSpec.Kind;
import io.tributary.experiments.ExperimentSpec.Metric;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one SQL statement that computes an experiment's per-variant sufficient statistics on the
 * lake: the exposures by variant, and for each metric the units, sum and sum of squares of its
 * per-unit value and the second value's sums and cross term (a ratio's denominator, or the CUPED
 * covariate). One statement, so every table is read at one snapshot; only a few rows per variant
 * come back.
 *
 * <p>Columns: {@code metric} ({@link #EXPOSURES} for the exposure counts), {@code variant}, {@code
 * n}, {@code sum_y}, {@code sum_yy}, {@code sum_x}, {@code sum_xx}, {@code sum_xy}. Public so the
 * demo's tests can run it on the simulator's events in a plain DuckDB.
 */
public final class ResultQuery {
  /** The {@code metric} value of the exposure-count rows. */
  public static final String EXPOSURES = "__exposures";

  private ResultQuery() {}

  /** The statement for {@code spec}. */
  public static String of(ExperimentSpec spec) {
    StringBuilder sql = new StringBuilder("WITH exposures AS (");
    sql.append(exposures(spec)).append(")");
    List<Metric> metrics = spec.allMetrics();
    for (int i = 0; i < metrics.size(); i++) {
      Metric metric = metrics.get(i);
      sql.append(",\nm").append(i).append(" AS (").append(metric.sql()).append(")");
      sql.append(",\nu").append(i).append(" AS (").append(perUnit(metric, i)).append(")");
      if (metric.covariate().isPresent()) {
        sql.append(",\nc")
            .append(i)
            .append(
                " AS (SELECT CAST(unit AS VARCHAR) AS unit, SUM(CAST(value AS DOUBLE)) AS x FROM (")
            .append(metric.covariate().get())
            .append(") AS covariate GROUP BY 1)");
      }
    }
    sql.append("\nSELECT '")
        .append(EXPOSURES)
        .append("' AS metric, variant, COUNT(*) AS n, 0.0 AS sum_y, 0.0 AS sum_yy, 0.0 AS sum_x,")
        .append(" 0.0 AS sum_xx, 0.0 AS sum_xy FROM exposures GROUP BY variant");
    for (int i = 0; i < metrics.size(); i++) {
      Metric metric = metrics.get(i);
      String x =
          metric.kind() == Kind.RATIO
              ? "u.x"
              : metric.covariate().isPresent() ? "COALESCE(c.x, 0.0)" : "0.0";
      sql.append("\nUNION ALL SELECT '")
          .append(metric.name())
          .append("', u.variant, COUNT(*), SUM(u.y), SUM(u.y * u.y), SUM(")
          .append(x)
          .append("), SUM(")
          .append(x)
          .append(" * ")
          .append(x)
          .append("), SUM(")
          .append(x)
          .append(" * u.y) FROM u")
          .append(i)
          .append(" AS u");
      if (metric.covariate().isPresent()) {
        sql.append(" LEFT JOIN c").append(i).append(" AS c ON c.unit = u.unit");
      }
      sql.append(" GROUP BY u.variant");
    }
    return sql.toString();
  }

  private static String exposures(ExperimentSpec spec) {
    Exposure exposure = spec.exposure();
    String ts = "CAST(" + exposure.timeColumn() + " AS TIMESTAMPTZ)";
    StringBuilder where = new StringBuilder();
    where.append(exposure.filter().isEmpty() ? "TRUE" : "(" + exposure.filter() + ")");
    spec.start()
        .ifPresent(
            start ->
                where
                    .append(" AND ")
                    .append(ts)
                    .append(" >= TIMESTAMPTZ '")
                    .append(start)
                    .append("'"));
    spec.end()
        .ifPresent(
            end ->
                where
                    .append(" AND ")
                    .append(ts)
                    .append(" < TIMESTAMPTZ '")
                    .append(end)
                    .append("'"));
    String variants =
        spec.variantNames().stream().map(v -> "'" + v + "'").collect(Collectors.joining(", "));
    return "SELECT unit, variant, exposed_at FROM (SELECT CAST("
        + exposure.unitColumn()
        + " AS VARCHAR) AS unit, arg_min(CAST("
        + exposure.variantColumn()
        + " AS VARCHAR), "
        + ts
        + ") AS variant, min("
        + ts
        + ") AS exposed_at FROM "
        + exposure.table()
        + " WHERE "
        + where
        + " GROUP BY 1) AS first_exposures WHERE variant IN ("
        + variants
        + ")";
  }

  private static String perUnit(Metric metric, int i) {
    String join = "CAST(m.unit AS VARCHAR) = e.unit";
    if (metric.window().isPresent()) {
      String ts = "CAST(m.ts AS TIMESTAMPTZ)";
      join +=
          " AND "
              + ts
              + " >= e.exposed_at AND "
              + ts
              + " < e.exposed_at + INTERVAL "
              + metric.window().get().toSeconds()
              + " SECOND";
    }
    String values =
        switch (metric.kind()) {
          case CONVERSION -> "CASE WHEN COUNT(m.unit) > 0 THEN 1.0 ELSE 0.0 END AS y";
          case MEAN -> "COALESCE(SUM(CAST(m.value AS DOUBLE)), 0.0) AS y";
          case RATIO ->
              "COALESCE(SUM(CAST(m.numerator AS DOUBLE)), 0.0) AS y,"
                  + " COALESCE(SUM(CAST(m.denominator AS DOUBLE)), 0.0) AS x";
        };
    return "SELECT e.unit, e.variant, "
        + values
        + " FROM exposures AS e LEFT JOIN m"
        + i
        + " AS m ON "
        + join
        + " GROUP BY e.unit, e.variant";
  }
}
