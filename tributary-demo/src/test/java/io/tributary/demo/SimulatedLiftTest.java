package io.tributary.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.amp.AppExperiment;
import io.tributary.amp.EventGenerator;
import io.tributary.amp.SimulatorConfig;
import io.tributary.experiments.Analysis;
import io.tributary.experiments.ExperimentParser;
import io.tributary.experiments.ExperimentResults;
import io.tributary.experiments.ExperimentResults.Difference;
import io.tributary.experiments.ExperimentResults.MetricResult;
import io.tributary.experiments.ExperimentResults.Verdict;
import io.tributary.experiments.ExperimentSpec;
import io.tributary.experiments.Moments;
import io.tributary.experiments.ResultQuery;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The experiment analysis on the simulator's own events, with a known truth: the live-audio
 * simulator runs the demo's {@code recommended_shows} experiment with a configured lift of follows
 * and likes, its events are loaded into an in-memory DuckDB as {@code raw.app_events}, and the
 * experiment's real sufficient-statistics SQL ({@link ResultQuery}) and {@link Analysis} must find
 * the lift: the true value inside the 95% interval, no sample-ratio mismatch at 50/50, and no
 * significant verdict when the lift is 0 (A/A).
 */
class SimulatedLiftTest {
  private static final Clock EVENING =
      Clock.fixed(Instant.parse("2026-11-26T19:00:00Z"), ZoneOffset.UTC);
  private static final Set<String> KEPT =
      Set.of("experiment_exposure", "follow", "like", "listen_start", "listen_end");
  private static final String FOLLOWS = "follows_per_user";

  @TempDir Path dir;

  @Test
  void theDefaultThreePercentLiftOnFollowsIsInsideTheInterval() throws Exception {
    ExperimentResults results = run(11, AppExperiment.DEFAULT_LIFT, 1_000_000);
    assertThat(results.sampleRatio().mismatch()).isFalse();
    Difference follows = difference(results, FOLLOWS);
    assertThat(follows.relative().low()).isLessThan(AppExperiment.DEFAULT_LIFT);
    assertThat(follows.relative().high()).isGreaterThan(AppExperiment.DEFAULT_LIFT);
  }

  @Test
  void aTwentyPercentLiftIsFoundAndIsASignificantWin() throws Exception {
    ExperimentResults results = run(12, 0.20, 1_000_000);
    assertThat(results.sampleRatio().mismatch()).isFalse();
    Difference follows = difference(results, FOLLOWS);
    assertThat(follows.relative().low()).isLessThan(0.20).isGreaterThan(0);
    assertThat(follows.relative().high()).isGreaterThan(0.20);
    assertThat(follows.verdict()).isEqualTo(Verdict.SIGNIFICANT_WIN);
    assertThat(results.verdict()).isEqualTo(Verdict.SIGNIFICANT_WIN);
  }

  @Test
  void withoutALiftTheVerdictIsNotSignificant() throws Exception {
    for (long seed = 21; seed <= 23; seed++) {
      ExperimentResults results = run(seed, 0, 600_000);
      assertThat(results.sampleRatio().mismatch()).isFalse();
      Difference follows = difference(results, FOLLOWS);
      assertThat(follows.relative().low()).as("seed %d", seed).isLessThan(0);
      assertThat(follows.relative().high()).as("seed %d", seed).isGreaterThan(0);
      assertThat(follows.verdict()).as("seed %d", seed).isEqualTo(Verdict.INCONCLUSIVE);
    }
  }

  private static Difference difference(ExperimentResults results, String metric) {
    MetricResult result =
        results.metrics().stream().filter(m -> m.metric().equals(metric)).findFirst().orElseThrow();
    assertThat(result.error()).isNull();
    Difference difference = result.differences().get(0);
    System.out.printf(
        "%s: %s relative %.4f [%.4f, %.4f] p=%.4f %s; SRM p=%.3f, exposures %s%n",
        results.experiment(),
        metric,
        difference.relative().estimate(),
        difference.relative().low(),
        difference.relative().high(),
        difference.pValue(),
        difference.verdict(),
        results.sampleRatio().pValue(),
        results.exposures());
    return difference;
  }

  /** {@code events} simulator events with the experiment at {@code lift}, analysed. */
  private ExperimentResults run(long seed, double lift, int events)
      throws IOException, SQLException {
    EventGenerator generator =
        new EventGenerator(
            SimulatorConfig.withSeed(seed), EVENING, new AppExperiment(AppExperiment.NAME, lift));
    Path csv = dir.resolve("events-" + seed + ".csv");
    try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      out.write("event_type,experiment,user_id,variant,ts,listen_ms\n");
      for (int i = 0; i < events; i++) {
        ObjectNode event = generator.next();
        String type = event.get("event_type").asText();
        if (KEPT.contains(type)) {
          out.write(
              String.join(
                  ",",
                  type,
                  text(event, "experiment"),
                  text(event, "user_id"),
                  text(event, "variant"),
                  text(event, "ts"),
                  text(event, "listen_ms")));
          out.write('\n');
        }
      }
    }
    ExperimentSpec spec = spec();
    Map<String, Long> exposures = new HashMap<>();
    Map<String, Map<String, Moments>> moments = new HashMap<>();
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = db.createStatement()) {
      statement.execute("CREATE SCHEMA raw");
      statement.execute(
          "CREATE TABLE raw.app_events AS SELECT * FROM read_csv('"
              + csv.toString().replace("'", "''")
              + "', header = true, columns = {'event_type': 'VARCHAR', 'experiment': 'VARCHAR',"
              + " 'user_id': 'VARCHAR', 'variant': 'VARCHAR', 'ts': 'TIMESTAMPTZ',"
              + " 'listen_ms': 'BIGINT'})");
      try (ResultSet rows = statement.executeQuery(ResultQuery.of(spec))) {
        while (rows.next()) {
          String metric = rows.getString(1);
          String variant = rows.getString(2);
          long n = rows.getLong(3);
          if (metric.equals(ResultQuery.EXPOSURES)) {
            exposures.put(variant, n);
          } else {
            moments
                .computeIfAbsent(metric, m -> new HashMap<>())
                .put(
                    variant,
                    new Moments(
                        n,
                        rows.getDouble(4),
                        rows.getDouble(5),
                        rows.getDouble(6),
                        rows.getDouble(7),
                        rows.getDouble(8)));
          }
        }
      }
    }
    return Analysis.analyze(spec, exposures, moments, Map.of(), EVENING.instant());
  }

  private static String text(JsonNode event, String field) {
    JsonNode value = event.get(field);
    return value == null ? "" : value.asText();
  }

  private static ExperimentSpec spec() throws IOException {
    String name = AppExperiment.NAME;
    try (InputStream in =
        SimulatedLiftTest.class.getResourceAsStream("/experiments/" + name + ".yaml")) {
      assertThat(in).as("the demo's experiment definition").isNotNull();
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new ExperimentParser(ExperimentParser.LakeCheck.NONE).parse(text, name, name);
    }
  }
}
