package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.core.config.TributaryConfig;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dashboards over the assembled platform: saved with PUT (YAML), listed, read tile by tile with
 * filters bound as parameters, CSV; a failing tile answers its engine error while the others answer
 * their data; a broken file in the dashboards folder is reported with file and line; an analyst
 * sees and changes only the dashboards and reports it is granted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardsIT {
  private static final String OPS =
      """
      title: Operations
      refresh: 30s
      filters:
        - { name: period, type: date-range, default: 1d }
        - name: kind
          type: choice
          values-sql: SELECT DISTINCT kind FROM raw.clicks ORDER BY 1
      tiles:
        - id: clicks
          title: Clicks by kind
          chart: bar
          sql: >-
            SELECT kind, count(*) AS clicks FROM raw.clicks
            WHERE _ingested_at >= $start AND _ingested_at < $end AND ($kind = '' OR kind = $kind)
            GROUP BY kind ORDER BY kind
          options: { x: kind, y: clicks, drill: { filter: kind } }
        - id: numbers
          chart: line
          sql: SELECT i AS x, i * i AS y FROM range(5) t(i)
          options: { x: x, y: y }
        - id: broken
          chart: table
          sql: SELECT CAST('not a number ' || i AS INTEGER) AS n FROM range(3) t(i)
        - id: echo
          chart: table
          sql: SELECT $kind AS kind
      """;

  @TempDir static Path dir;
  private Platform platform;
  private Http http;

  @BeforeAll
  void start() {
    String yaml = TestConfigs.yaml(dir, 0, "  - name: clicks\n    buffer: { interval: 0s }\n");
    platform = Platform.start(TributaryConfig.fromYaml(yaml, "test"), Clock.systemUTC());
    http = Http.admin(platform);
    assertThat(
            http.ndjson("clicks", "{\"kind\":\"a\"}\n{\"kind\":\"a\"}\n{\"kind\":\"b\"}\n")
                .status())
        .isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> http.count("SELECT count(*) FROM raw.clicks") == 3);
  }

  @AfterAll
  void stop() {
    platform.close();
  }

  @Test
  void putListReadTilesAndDelete() {
    Http.Response put =
        http.send(
            java.net.http.HttpRequest.newBuilder(platform.httpUri().resolve("/v1/dashboards/ops"))
                .header("Content-Type", "application/yaml")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(OPS)));
    assertThat(put.status()).as(put.raw().body()).isEqualTo(201);
    assertThat(put.body().path("tiles")).hasSize(4);

    JsonNode list = http.get("/v1/dashboards").body();
    assertThat(list.path("dashboards").findValuesAsText("name")).contains("ops");

    JsonNode clicks = http.get("/v1/dashboards/ops/tiles/clicks").body();
    assertThat(clicks.path("rows").toString()).isEqualTo("[[\"a\",2],[\"b\",1]]");
    assertThat(clicks.path("snapshots").path("raw.clicks").asLong()).isPositive();
    assertThat(clicks.has("elapsedMillis")).isTrue();

    JsonNode onlyB = http.get("/v1/dashboards/ops/tiles/clicks?kind=b").body();
    assertThat(onlyB.path("rows").toString()).isEqualTo("[[\"b\",1]]");
    JsonNode future =
        http.get("/v1/dashboards/ops/tiles/clicks?period=2001-01-01..2001-01-02").body();
    assertThat(future.path("rows")).isEmpty();

    String hostile = URLEncoder.encode("b' OR 1=1 --", StandardCharsets.UTF_8);
    assertThat(http.get("/v1/dashboards/ops/tiles/clicks?kind=" + hostile).body().path("rows"))
        .isEmpty();
    assertThat(
            http.get("/v1/dashboards/ops/tiles/echo?kind=" + hostile)
                .body()
                .path("rows")
                .toString())
        .isEqualTo("[[\"b' OR 1=1 --\"]]");

    assertThat(http.get("/v1/dashboards/ops/filters/kind/values").body().path("values").toString())
        .isEqualTo("[\"a\",\"b\"]");

    Http.Response csv = http.get("/v1/dashboards/ops/tiles/clicks?format=csv");
    assertThat(csv.raw().headers().firstValue("content-type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/csv"));
    assertThat(csv.raw().body()).isEqualTo("kind,clicks\r\na,2\r\nb,1\r\n");

    Http.Response bad = http.put("/v1/dashboards/bad", OPS.replace("chart: line", "chart: lines"));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().path("error").path("code").asText()).isEqualTo("invalid_dashboard");
    assertThat(bad.body().path("error").path("message").asText())
        .startsWith("api:bad:18: tiles[1].chart: tile 'numbers': unknown chart type 'lines'");

    Http.Response form =
        http.send(
            java.net.http.HttpRequest.newBuilder(platform.httpUri().resolve("/v1/dashboards/ops"))
                .header("Content-Type", "text/plain")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(OPS)));
    assertThat(form.status()).isEqualTo(415); // what a cross-site page could send
    assertThat(http.delete("/v1/dashboards/ops").status()).isEqualTo(204);
    assertThat(http.get("/v1/dashboards/ops").status()).isEqualTo(404);
  }

  @Test
  void aFailingTileDoesNotAffectTheOthers() {
    assertThat(http.put("/v1/dashboards/mixed", OPS).status()).isIn(200, 201);
    List<CompletableFuture<Http.Response>> answers =
        List.of("broken", "numbers", "clicks", "broken", "numbers").stream()
            .map(
                tile ->
                    CompletableFuture.supplyAsync(
                        () -> http.get("/v1/dashboards/mixed/tiles/" + tile)))
            .toList();
    List<Http.Response> responses = answers.stream().map(CompletableFuture::join).toList();
    for (int i : new int[] {0, 3}) {
      assertThat(responses.get(i).status()).isEqualTo(400);
      assertThat(responses.get(i).body().path("error").path("code").asText())
          .isEqualTo("query_error");
      assertThat(responses.get(i).body().path("error").path("message").asText())
          .contains("not a number");
    }
    for (int i : new int[] {1, 4}) {
      assertThat(responses.get(i).status()).isEqualTo(200);
      assertThat(responses.get(i).body().path("rows")).hasSize(5);
    }
    assertThat(responses.get(2).status()).isEqualTo(200);
    assertThat(http.get("/v1/dashboards/mixed/tiles/nope").status()).isEqualTo(404);
  }

  @Test
  void aBrokenFileIsReportedWithFileAndLineAndThePreviousVersionStays() throws Exception {
    Path file = platform.config().dataDir().resolve("dashboards").resolve("files.yaml");
    Files.writeString(file, OPS);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http.get("/v1/dashboards/files").status() == 200);
    Files.writeString(file, OPS.replace("options: { x: x, y: y }", "options: { x: x, y: z }"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> http.get("/v1/dashboards").body().path("problems").has("dashboards/files.yaml"));
    assertThat(
            http.get("/v1/dashboards")
                .body()
                .path("problems")
                .path("dashboards/files.yaml")
                .asText())
        .startsWith("dashboards/files.yaml:17: tile 'numbers': options.y[0] names column 'z'");
    assertThat(http.get("/v1/dashboards/files/tiles/numbers").status()).isEqualTo(200);
    assertThat(http.put("/v1/dashboards/files", OPS).status()).isEqualTo(409);
  }

  private static final String SALES_REPORT =
      """
      title: Clicks {{ ds }}
      sections:
        - title: Clicks
          chart: table
          sql: SELECT kind, count(*) AS clicks FROM raw.clicks GROUP BY kind ORDER BY kind
      deliver:
        - folder: {}
      """;

  /**
   * An analyst over HTTP, without then with grants: dashboards and reports it may not read are
   * hidden from lists and refused (403, an HTML page in the console), reading one needs {@code
   * read} on it, changing one {@code manage}; a tile still needs {@code read} on its tables.
   */
  @Test
  void anAnalystSeesAndChangesOnlyTheDashboardsAndReportsItIsGranted() {
    assertThat(http.put("/v1/dashboards/sales", OPS).status()).isIn(200, 201);
    Http.Response report = http.put("/v1/reports/sales", SALES_REPORT);
    assertThat(report.status()).as(report.raw().body()).isIn(200, 201);
    assertThat(
            http.post(
                    "/v1/users",
                    "application/json",
                    "{\"name\":\"analyst\",\"password\":\"analyst-pass-1\"}")
                .status())
        .isEqualTo(201);
    String basic =
        "Basic "
            + java.util.Base64.getEncoder()
                .encodeToString("analyst:analyst-pass-1".getBytes(StandardCharsets.UTF_8));
    Http analyst = new Http(platform.httpUri(), () -> java.util.Optional.of(basic));

    // no grants: nothing listed, everything refused
    assertThat(analyst.get("/v1/dashboards").body().path("dashboards")).isEmpty();
    assertThat(analyst.get("/v1/dashboards").body().path("problems")).isEmpty();
    assertThat(analyst.get("/v1/dashboards/sales").status()).isEqualTo(403);
    assertThat(analyst.get("/v1/dashboards/sales/tiles/numbers").status()).isEqualTo(403);
    assertThat(analyst.put("/v1/dashboards/sales", OPS).status()).isEqualTo(403);
    assertThat(analyst.delete("/v1/dashboards/sales").status()).isEqualTo(403);
    assertThat(analyst.get("/v1/reports").body().path("reports")).isEmpty();
    assertThat(analyst.get("/v1/reports/sales/history").status()).isEqualTo(403);
    assertThat(analyst.post("/v1/reports/sales/run?ds=2026-01-01", null, "").status())
        .isEqualTo(403);
    Http.Response page = analyst.get("/dashboards/sales");
    assertThat(page.status()).isEqualTo(403);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.raw().body()).contains("dashboard:sales");
    assertThat(analyst.get("/dashboards").raw().body()).doesNotContain("/dashboards/sales");
    assertThat(analyst.get("/reports").raw().body()).doesNotContain("report-sales");

    // read on the dashboard and the report: seen, not changed; tiles need read on their tables
    grant("read", "dashboard:sales");
    grant("read", "report:sales");
    assertThat(analyst.get("/v1/dashboards").body().path("dashboards").findValuesAsText("name"))
        .containsExactly("sales");
    assertThat(analyst.get("/v1/dashboards/sales").status()).isEqualTo(200);
    assertThat(analyst.get("/v1/dashboards/sales/tiles/numbers").status()).isEqualTo(200);
    assertThat(analyst.get("/v1/dashboards/sales/tiles/clicks").status()).isEqualTo(403);
    assertThat(analyst.get("/dashboards/sales").status()).isEqualTo(200);
    assertThat(analyst.get("/dashboards").raw().body()).contains("/dashboards/sales");
    assertThat(analyst.put("/v1/dashboards/sales", OPS).status()).isEqualTo(403);
    assertThat(analyst.get("/v1/reports").body().path("reports").findValuesAsText("name"))
        .containsExactly("sales");
    assertThat(analyst.get("/v1/reports/sales/history").status()).isEqualTo(200);
    String reportsPage = analyst.get("/reports").raw().body();
    assertThat(reportsPage).contains("report-sales").doesNotContain("Run now");
    assertThat(analyst.post("/v1/reports/sales/run?ds=2026-01-01", null, "").status())
        .isEqualTo(403);
    assertThat(analyst.delete("/v1/reports/sales").status()).isEqualTo(403);

    // manage (by wildcard) and read on the table: changes and runs
    grant("manage", "dashboard:*");
    grant("manage", "report:*");
    grant("read", "table:raw.clicks");
    assertThat(analyst.get("/v1/dashboards/sales/tiles/clicks").status()).isEqualTo(200);
    assertThat(analyst.put("/v1/dashboards/mine", OPS).status()).isEqualTo(201);
    assertThat(analyst.delete("/v1/dashboards/mine").status()).isEqualTo(204);
    assertThat(analyst.get("/reports").raw().body()).contains("Run now");
    Http.Response run = analyst.post("/v1/reports/sales/run?ds=2026-01-01", null, "");
    assertThat(run.status()).as(run.raw().body()).isEqualTo(200);
    assertThat(run.body().path("outcome").asText()).isEqualTo("delivered");
    assertThat(analyst.delete("/v1/reports/sales").status()).isEqualTo(204);
  }

  private void grant(String privilege, String resource) {
    Http.Response granted =
        http.post(
            "/v1/grants",
            "application/json",
            "{\"principal\":\"user:analyst\",\"privilege\":\""
                + privilege
                + "\",\"resource\":\""
                + resource
                + "\"}");
    assertThat(granted.status()).as(granted.raw().body()).isEqualTo(201);
  }
}
