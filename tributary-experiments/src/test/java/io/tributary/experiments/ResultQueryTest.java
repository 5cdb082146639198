package io.tributary.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The statistics statement on DuckDB itself (no lake): exposures deduplicated to each unit's first,
 * the 7-day window, units without events counted as 0, ratio sums and the CUPED covariate's sums.
 */
class ResultQueryTest {
  @Test
  void computesPerVariantSufficientStatistics() throws Exception {
    ExperimentSpec spec = Specs.follows();
    Map<String, Map<String, Moments>> moments = new HashMap<>();
    Map<String, Long> exposures = new HashMap<>();
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement sql = db.createStatement()) {
      sql.execute("SET TimeZone = 'UTC'");
      sql.execute("CREATE SCHEMA raw");
      sql.execute(
          "CREATE TABLE raw.experiment_exposures (experiment VARCHAR, unit VARCHAR, variant VARCHAR,"
              + " ts VARCHAR)");
      sql.execute(
          "INSERT INTO raw.experiment_exposures VALUES"
              + " ('shows', 'a', 'control', '2026-12-01T00:00:00Z'),"
              + " ('shows', 'a', 'control', '2026-12-02T00:00:00Z')," // a repeat exposure
              + " ('shows', 'b', 'control', '2026-12-01T00:00:00Z'),"
              + " ('shows', 'c', 'recommended', '2026-12-01T00:00:00Z'),"
              + " ('shows', 'd', 'recommended', '2026-12-01T00:00:00Z'),"
              + " ('other', 'e', 'recommended', '2026-12-01T00:00:00Z')");
      sql.execute("CREATE TABLE raw.follows (user_id VARCHAR, ts TIMESTAMPTZ)");
      sql.execute(
          "INSERT INTO raw.follows VALUES ('a', '2026-12-03T00:00:00Z'),"
              + " ('b', '2026-12-20T00:00:00Z')," // after the 7-day window
              + " ('c', '2026-12-01T01:00:00Z'), ('c', '2026-12-01T02:00:00Z'),"
              + " ('d', '2026-11-30T00:00:00Z')"); // before the exposure
      sql.execute("CREATE TABLE raw.listens (user_id VARCHAR, minutes DOUBLE, likes INTEGER)");
      sql.execute(
          "INSERT INTO raw.listens VALUES ('a', 10, 1), ('a', 20, 0), ('c', 5, 2), ('d', 7, 1)");
      sql.execute("CREATE TABLE raw.listens_before (user_id VARCHAR, minutes DOUBLE)");
      sql.execute("INSERT INTO raw.listens_before VALUES ('a', 3), ('c', 4), ('c', 1)");
      try (ResultSet rows = sql.executeQuery(ResultQuery.of(spec))) {
        while (rows.next()) {
          String metric = rows.getString(1);
          if (metric.equals(ResultQuery.EXPOSURES)) {
            exposures.put(rows.getString(2), rows.getLong(3));
          } else {
            moments
                .computeIfAbsent(metric, m -> new HashMap<>())
                .put(
                    rows.getString(2),
                    new Moments(
                        rows.getLong(3),
                        rows.getDouble(4),
                        rows.getDouble(5),
                        rows.getDouble(6),
                        rows.getDouble(7),
                        rows.getDouble(8)));
          }
        }
      }
    }
    assertThat(exposures).containsEntry("control", 2L).containsEntry("recommended", 2L);
    // follow_rate: a converted (b outside the window); c converted (d's follow came before)
    assertThat(moments.get("follow_rate").get("control")).isEqualTo(new Moments(2, 1, 1, 0, 0, 0));
    assertThat(moments.get("follow_rate").get("recommended"))
        .isEqualTo(new Moments(2, 1, 1, 0, 0, 0));
    // listen_minutes: a 30, b 0 | c 5, d 7; covariate a 3, b 0 | c 5, d 0
    Moments control = moments.get("listen_minutes").get("control");
    assertThat(control).isEqualTo(new Moments(2, 30, 900, 3, 9, 90));
    assertThat(moments.get("listen_minutes").get("recommended"))
        .isEqualTo(new Moments(2, 12, 74, 5, 25, 25));
    // likes_per_listen: numerator likes, denominator 1 per listen
    assertThat(moments.get("likes_per_listen").get("control"))
        .isEqualTo(new Moments(2, 1, 1, 2, 4, 2));
    assertThat(moments.get("likes_per_listen").get("recommended"))
        .isEqualTo(new Moments(2, 3, 5, 2, 2, 3));
    ExperimentResults results =
        Analysis.analyze(spec, exposures, moments, Map.of(), java.time.Instant.EPOCH);
    assertThat(results.metrics().get(2).values().get(1).value()).isCloseTo(1.5, within(1e-12));
    assertThat(results.metrics().get(1).cuped()).isTrue();
  }
}
