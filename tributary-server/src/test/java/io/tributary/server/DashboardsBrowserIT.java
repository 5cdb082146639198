package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.core.config.TributaryConfig;
import io.tributary.server.console.Browser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard pages in a real headless Chromium: every chart type drawn with the tile's data
 * (checked on the ECharts instances' options), filters in the URL changing the data, a drill-down
 * to a filtered table, a failing tile shown in its tile while the others draw, the demo's live-now
 * and engagement dashboards over generated app events, no console errors; screenshots in {@code
 * target/screenshots/}, and the time to the first tile drawn printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardsBrowserIT {
  private static final String OPS =
      """
      title: Operations
      refresh: 30s
      filters:
        - { name: kind, type: choice, values-sql: SELECT DISTINCT kind FROM raw.clicks ORDER BY 1 }
      tiles:
        - id: clicks
          title: Clicks by kind
          chart: bar
          sql: >-
            SELECT kind, count(*) AS clicks FROM raw.clicks
            WHERE ($kind = '' OR kind = $kind) GROUP BY kind ORDER BY kind
          options: { x: kind, y: clicks, drill: { filter: kind } }
          layout: { x: 0, y: 0, w: 4, h: 3 }
        - id: total
          chart: big-number
          sql: >-
            SELECT count(*) AS clicks, 2 AS before FROM raw.clicks WHERE ($kind = '' OR kind = $kind)
          options: { value: clicks, compare: before }
          layout: { x: 4, y: 0, w: 2, h: 3 }
        - id: share
          chart: pie
          sql: SELECT kind, count(*) AS n FROM raw.clicks GROUP BY kind ORDER BY kind
          options: { label: kind, value: n }
          layout: { x: 6, y: 0, w: 3, h: 3 }
        - id: squares
          chart: line
          sql: SELECT i AS x, i * i AS y FROM range(5) t(i)
          options: { x: x, y: y }
          layout: { x: 9, y: 0, w: 3, h: 3 }
        - id: areas
          chart: area
          sql: SELECT i AS x, i AS a, 2 * i AS b FROM range(4) t(i)
          options: { x: x, y: [a, b] }
          layout: { x: 0, y: 3, w: 3, h: 3 }
        - id: stacks
          chart: stacked
          sql: >-
            SELECT d, s, v FROM (VALUES ('mon', 'x', 1), ('mon', 'y', 2), ('tue', 'x', 3)) t(d, s, v)
          options: { x: d, y: v, series: s }
          layout: { x: 3, y: 3, w: 3, h: 3 }
        - id: heat
          chart: heatmap
          sql: SELECT (i % 3)::VARCHAR AS h, (i % 2)::VARCHAR AS d, i AS n FROM range(6) t(i)
          options: { x: h, y: d, value: n }
          layout: { x: 6, y: 3, w: 3, h: 3 }
        - id: rows
          chart: table
          sql: >-
            SELECT kind, count(*) AS clicks, '<img src=x onerror=alert(1)>' AS note
            FROM raw.clicks WHERE ($kind = '' OR kind = $kind) GROUP BY kind ORDER BY kind
          options: { drill: { filter: kind } }
          layout: { x: 9, y: 3, w: 3, h: 3 }
      """;

  private static final String BROKEN =
      """
      title: Half broken
      tiles:
        - id: fails
          chart: table
          sql: SELECT CAST('not a number ' || i AS INTEGER) AS n FROM range(3) t(i)
        - id: works
          chart: bar
          sql: SELECT 'a' AS k, 1 AS v
          options: { x: k, y: v }
      """;

  @TempDir static Path dir;
  private Platform platform;
  private Browser browser;

  @BeforeAll
  void start() throws Exception {
    String yaml =
        TestConfigs.yaml(
            dir,
            0,
            "  - name: clicks\n    buffer: { interval: 0s }\n"
                + "  - name: app_events\n    buffer: { interval: 0s }\n");
    platform = Platform.start(TributaryConfig.fromYaml(yaml, "test"), Clock.systemUTC());
    Http http = Http.admin(platform);
    assertThat(
            http.ndjson("clicks", "{\"kind\":\"a\"}\n{\"kind\":\"a\"}\n{\"kind\":\"b\"}\n")
                .status())
        .isEqualTo(200);
    assertThat(http.ndjson("app_events", appEvents()).status()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                http.count("SELECT count(*) FROM raw.clicks") == 3
                    && http.count("SELECT count(*) FROM raw.app_events") > 0);
    assertThat(http.put("/v1/dashboards/ops", OPS).status()).isEqualTo(201);
    assertThat(http.put("/v1/dashboards/broken", BROKEN).status()).isEqualTo(201);
    Path demo = Path.of("..", "tributary-demo", "src", "main", "resources", "dashboards");
    for (String name : List.of("live-now", "engagement")) {
      Http.Response put =
          http.put("/v1/dashboards/" + name, Files.readString(demo.resolve(name + ".yaml")));
      assertThat(put.status()).as(put.raw().body()).isEqualTo(201);
    }
    browser = Browser.open(platform.httpUri());
    browser.get("/login").login("admin", platform.adminCredentials().password());
  }

  /** Listening sessions of the live-audio app over the last 50 minutes. */
  private static String appEvents() {
    Random random = new Random(42);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    StringBuilder events = new StringBuilder();
    for (int i = 0; i < 120; i++) {
      String show = "show_" + (1 + random.nextInt(4));
      String user = "user_" + random.nextInt(40);
      String session = "s" + i;
      Instant ts = now.minusSeconds(60L + random.nextInt(3000));
      events.append(event("listen_start", ts, user, session, show, ""));
      if (random.nextBoolean()) {
        events.append(event("like", ts.plusSeconds(5), user, session, show, ""));
      }
      if (random.nextInt(4) == 0) {
        events.append(event("poll_vote", ts.plusSeconds(9), user, session, show, ""));
      }
      events.append(
          event(
              "listen_end",
              ts.plusSeconds(30),
              user,
              session,
              show,
              ",\"listen_ms\":" + (20_000 + random.nextInt(120_000))));
      events.append(
          event(
              "live_listen_count",
              ts,
              "host",
              "h" + i,
              show,
              ",\"listeners\":" + (1 + random.nextInt(30))));
    }
    return events.toString();
  }

  private static String event(
      String type, Instant ts, String user, String session, String show, String more) {
    return "{\"event_type\":\""
        + type
        + "\",\"ts\":\""
        + ts
        + "\",\"user_id\":\""
        + user
        + "\",\"session_id\":\""
        + session
        + "\",\"show_id\":\""
        + show
        + "\",\"creator_id\":\"creator_1\""
        + more
        + "}\n";
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (platform != null) {
      platform.close();
    }
  }

  private void awaitTiles() {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                Boolean.TRUE.equals(
                    browser.script(
                        "return document.querySelectorAll('.tile[data-state=loading]').length === 0")));
  }

  private Object option(String tile, String path) {
    return browser.script(
        "const o = echarts.getInstanceByDom(document.querySelector('#tile-"
            + tile
            + " .tile-chart')).getOption(); return "
            + path
            + ";");
  }

  @Test
  void everyChartTypeDrawsItsDataAndFiltersChangeIt() {
    browser.get("/dashboards");
    assertThat(browser.find(".dashboard-list").getText()).contains("Operations", "Live now");
    browser.get("/dashboards/ops");
    awaitTiles();
    double firstTile =
        ((Number)
                browser.script(
                    "return performance.getEntriesByName('tributary:first-tile-drawn')[0].startTime"))
            .doubleValue();
    System.out.printf(
        "dashboard ops: first tile drawn %.0f ms after navigation start%n", firstTile);
    assertThat(browser.findAll(".tile[data-state=drawn]")).hasSize(8);
    assertThat(option("clicks", "o.xAxis[0].data")).isEqualTo(List.of("a", "b"));
    assertThat(option("clicks", "o.series[0].data")).isEqualTo(List.of(2L, 1L));
    assertThat(option("share", "o.series[0].data.map(d => d.value)")).isEqualTo(List.of(2L, 1L));
    assertThat(option("squares", "o.series[0].data")).isEqualTo(List.of(0L, 1L, 4L, 9L, 16L));
    assertThat(option("areas", "o.series.map(s => s.name)")).isEqualTo(List.of("a", "b"));
    assertThat(option("stacks", "o.series.map(s => s.name + ':' + s.data.join('|'))"))
        .isEqualTo(List.of("x:1|3", "y:2|"));
    assertThat(option("heat", "o.series[0].data.length")).isEqualTo(6L);
    assertThat(browser.find("#tile-total .big-value").getText()).isEqualTo("3");
    assertThat(browser.find("#tile-total .big-delta").getText()).contains("+1", "+50.0%");
    assertThat(browser.find("#tile-rows tbody").getText()).contains("<img src=x onerror=alert(1)>");
    assertThat(browser.find("#tile-clicks .tile-meta").getText())
        .contains("raw.clicks @ snapshot", " ms");
    assertThat(browser.find("#tile-clicks .tile-csv").getAttribute("href"))
        .endsWith("/dashboards/ops/tiles/clicks/data?format=csv");
    assertThat(
            (String)
                option(
                    "clicks",
                    "'' + echarts.getInstanceByDom(document.querySelector('#tile-clicks .tile-chart')).getDataURL({type: 'png'})"))
        .startsWith("data:image/png;base64,");
    browser.screenshot("dashboard-ops");

    browser.get("/dashboards/ops?kind=b");
    awaitTiles();
    assertThat(option("clicks", "o.xAxis[0].data")).isEqualTo(List.of("b"));
    assertThat(option("clicks", "o.series[0].data")).isEqualTo(List.of(1L));
    assertThat(browser.find("#tile-total .big-value").getText()).isEqualTo("1");
    assertThat(browser.find("select[name=kind]").getAttribute("value")).isEqualTo("b");

    browser.get("/dashboards/ops");
    awaitTiles();
    browser.find("#tile-rows tbody a").click(); // the first row's kind: a
    browser.waitLoaded();
    assertThat(browser.path()).isEqualTo("/dashboards/ops/drill/rows?kind=a");
    awaitTiles();
    assertThat(browser.find("#tile-rows tbody").getText()).contains("a").doesNotContain("b ");
    assertThat(browser.findAll("#tile-rows tbody tr")).hasSize(1);
    browser.screenshot("dashboard-drill");
    assertThat(browser.script("return window.__xss === undefined")).isEqualTo(true);
    browser.assertNoConsoleErrors();
  }

  @Test
  void aFailingTileShowsItsErrorAndTheOthersDraw() {
    browser.get("/dashboards/broken");
    awaitTiles();
    assertThat(browser.find("#tile-fails").getAttribute("data-state")).isEqualTo("error");
    assertThat(browser.find("#tile-fails .tile-error").getText())
        .contains("query_error (400)", "not a number");
    assertThat(browser.find("#tile-works").getAttribute("data-state")).isEqualTo("drawn");
    browser.screenshot("dashboard-failing-tile");
    browser.clearConsole(); // the failing tile's 400 answer is logged by the browser
  }

  @Test
  void theDemosDashboardsDrawWithData() {
    for (String name : List.of("live-now", "engagement")) {
      browser.get("/dashboards/" + name);
      awaitTiles();
      Object first =
          browser.script(
              "return performance.getEntriesByName('tributary:first-tile-drawn')[0].startTime");
      System.out.printf(
          "dashboard %s: first tile drawn %.0f ms after navigation start%n",
          name, ((Number) first).doubleValue());
      assertThat(browser.findAll(".tile[data-state=error]")).as(name).isEmpty();
      assertThat(browser.findAll(".tile[data-state=drawn]")).as(name).isNotEmpty();
      browser.screenshot("dashboard-" + name);
    }
    assertThat(option("funnel", "o.series[0].data[0]")).isInstanceOf(Number.class);
    assertThat(((Number) option("funnel", "o.series[0].data[0]")).longValue()).isEqualTo(120L);
    browser.get("/dashboards/live-now");
    awaitTiles();
    assertThat((List<?>) option("listeners-per-show", "o.series")).isNotEmpty();
    assertThat(browser.find("#tile-listeners-now .big-value").getText()).isNotEqualTo("–");
    browser.phone().get("/dashboards/live-now");
    awaitTiles();
    browser.screenshot("dashboard-live-now-phone");
    browser.desktop();
    browser.assertNoConsoleErrors();
  }
}
