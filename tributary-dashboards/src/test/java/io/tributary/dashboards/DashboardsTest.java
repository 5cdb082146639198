package io.tributary.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tributary.core.TributaryException;
import io.tributary.core.config.TributaryConfig;
import io.tributary.query.QueryEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service over a real query engine (DuckDB) and a real SQLite metadata database. */
class DashboardsTest {
  private static final String VALUES =
      "SELECT * FROM (VALUES ('a', 1), ('b', 2), ('x'' OR 1=1 --', 3)) AS t(name, n)";

  @TempDir Path dir;
  private QueryEngine engine;
  private Supplier<Connection> metadata;
  private Dashboards dashboards;

  @BeforeEach
  void start() {
    InMemoryCatalog catalog = new InMemoryCatalog();
    catalog.initialize("memory", Map.of());
    engine =
        new QueryEngine(
            catalog,
            dir.resolve("lake"),
            new TributaryConfig.Query(1, 64L << 20, 100, Duration.ofSeconds(30)));
    Path db = dir.resolve("metadata.db");
    metadata =
        () -> {
          try {
            return DriverManager.getConnection("jdbc:sqlite:" + db);
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        };
    dashboards = open(Duration.ofHours(1));
  }

  private Dashboards open(Duration poll) {
    return Dashboards.start(
        new Dashboards.Settings(dir.resolve("dashboards"), poll, 1000),
        metadata,
        engine,
        Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    dashboards.close();
    engine.close();
  }

  private static String dashboard(String tileSql, String options) {
    return """
        title: Test
        filters:
          - { name: name, type: text }
          - { name: period, type: date-range, default: 7d }
        tiles:
          - id: rows
            chart: table
            sql: "%s"
            options: %s
          - id: window
            chart: big-number
            sql: SELECT $end - $start AS width, 1 AS one
            options: { value: one }
        """
        .formatted(tileSql.replace("\"", "\\\""), options);
  }

  @Test
  void aFilterValueIsDataNotSql() {
    dashboards.put("t", dashboard(VALUES + " WHERE name = $name", "{ columns: [name, n] }"));
    TileData injected = dashboards.tile("t", "rows", Map.of("name", "x' OR 1=1 --"), table -> true);
    assertThat(injected.rows()).containsExactly(java.util.List.of("x' OR 1=1 --", 3));
    assertThat(dashboards.tile("t", "rows", Map.of("name", "a"), table -> true).rows())
        .containsExactly(java.util.List.of("a", 1));
    assertThat(dashboards.tile("t", "rows", Map.of(), table -> true).rows()).isEmpty();
    TileData window = dashboards.tile("t", "window", Map.of(), table -> true);
    assertThat(window.columns().get(0).type()).contains("INTERVAL");
    assertThat(window.filters()).containsEntry("period", "7d");
  }

  @Test
  void theEngineChecksTheSqlAndTheOptionColumns() {
    assertThatThrownBy(() -> dashboards.put("t", dashboard(VALUES + " WHERE nam = $name", "{}")))
        .isInstanceOf(DashboardDefinitionException.class)
        .hasMessageStartingWith("api:t:6: tile 'rows': the SQL does not prepare:")
        .hasMessageContaining("nam");
    assertThatThrownBy(() -> dashboards.put("t", dashboard(VALUES, "{ columns: [name, total] }")))
        .isInstanceOf(DashboardDefinitionException.class)
        .hasMessageContaining("tile 'rows': options.columns[1] names column 'total'");
    // a table that does not exist yet is accepted: it may come later
    Dashboard later = dashboards.put("later", dashboard("SELECT * FROM raw.nothing_yet", "{}"));
    assertThat(later.tiles()).hasSize(2);
    assertThatThrownBy(() -> dashboards.tile("later", "rows", Map.of(), table -> true))
        .isInstanceOf(TributaryException.class)
        .hasMessageContaining("nothing_yet");
  }

  @Test
  void aSavedDashboardSurvivesARestartAndCanBeDeleted() {
    dashboards.put("kept", dashboard(VALUES, "{}"));
    dashboards.close();
    dashboards = open(Duration.ofHours(1));
    assertThat(dashboards.get("kept")).isPresent();
    assertThat(dashboards.get("kept").orElseThrow().origin()).isEqualTo(Dashboard.Origin.API);
    assertThat(dashboards.delete("kept")).isTrue();
    dashboards.close();
    dashboards = open(Duration.ofHours(1));
    assertThat(dashboards.get("kept")).isEmpty();
  }

  @Test
  void aBrokenFileKeepsThePreviousVersion() throws Exception {
    Path file = dir.resolve("dashboards/sales.yaml");
    Files.writeString(file, dashboard(VALUES, "{}"));
    dashboards.reload();
    assertThat(dashboards.require("sales").source()).isEqualTo("dashboards/sales.yaml");
    Files.writeString(file, dashboard(VALUES, "{}").replace("chart: table", "chart: pies"));
    dashboards.reload();
    assertThat(dashboards.require("sales").tiles().get(0).chart()).isEqualTo(ChartType.TABLE);
    assertThat(dashboards.problems())
        .containsKey("dashboards/sales.yaml")
        .hasValueSatisfying(
            new org.assertj.core.api.Condition<>(
                message -> message.startsWith("dashboards/sales.yaml:7: tiles[0].chart"),
                "file, line and key"));
    assertThatThrownBy(() -> dashboards.put("sales", dashboard(VALUES, "{}")))
        .isInstanceOf(TributaryException.class)
        .hasMessageContaining("defined by the file dashboards/sales.yaml");
    Files.writeString(file, dashboard(VALUES, "{}").replace("title: Test", "title: Fixed"));
    dashboards.reload();
    assertThat(dashboards.require("sales").title()).isEqualTo("Fixed");
    assertThat(dashboards.problems()).isEmpty();
    Files.delete(file);
    dashboards.reload();
    assertThat(dashboards.get("sales")).isEmpty();
  }

  @Test
  void theWatcherPicksUpChanges() throws Exception {
    dashboards.close();
    dashboards = open(Duration.ofMillis(50));
    Files.writeString(dir.resolve("dashboards/watched.yml"), dashboard(VALUES, "{}"));
    await().atMost(Duration.ofSeconds(20)).until(() -> dashboards.get("watched").isPresent());
  }
}
