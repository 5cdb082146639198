package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.amp.EventGenerator;
import io.tributary.amp.SimulatorConfig;
import io.tributary.amp.catalog.CatalogService;
import io.tributary.amp.catalog.CatalogServiceConfig;
import io.tributary.demo.DemoFlows;
import io.tributary.demo.DemoReports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's shipped flows on the real platform: declared (parsed, their SQL checked against {@code
 * raw.app_events} and {@code raw.show_catalog}) once those tables exist, then run: {@code
 * daily_show_stats} writes today's partition of per-show figures, {@code trending_shows} the top
 * shows with the catalog's titles and creators, {@code daily_flash} the day's figures with the
 * notification opens of the simulated traffic and their conversion to listens.
 */
class DemoFlowsIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final int EVENTS = 1000;

  @TempDir Path dir;

  @Test
  void theShippedFlowsLoadAndWriteTheDemosTransformedTables() {
    Clock clock = Clock.systemUTC();
    try (Platform platform =
            Platform.start(
                TestConfigs.config(
                    dir,
                    """
                      - name: app_events
                        partitions: 1
                        buffer: { interval: 0s }
                      - name: show_catalog
                        partitions: 1
                        buffer: { interval: 0s }
                    """),
                clock);
        CatalogService catalog =
            CatalogService.start(
                CatalogServiceConfig.defaults().withPort(0).withChangeInterval(Duration.ZERO),
                clock)) {
      Http api = Http.admin(platform);
      Http service = new Http(catalog.uri());
      // the streams' tables exist from the start, but not yet the columns the flows read
      assertThat(DemoFlows.declareMissing(platform.flows())).doesNotContain("daily_flash");

      StringBuilder shows = new StringBuilder();
      for (JsonNode show : service.get("/shows?limit=1000").body().get("shows")) {
        shows.append(kept(show)).append('\n');
      }
      assertThat(api.ndjson("show_catalog", shows.toString()).status()).isEqualTo(200);
      EventGenerator generator = new EventGenerator(SimulatorConfig.withSeed(7), clock);
      Map<String, Long> listens = new HashMap<>();
      Map<String, Set<String>> listeners = new HashMap<>();
      StringBuilder events = new StringBuilder();
      for (int i = 0; i < EVENTS; i++) {
        if (i % 250 == 0) {
          events.setLength(0);
        }
        ObjectNode event = generator.next();
        if (event.get("event_type").asText().equals("listen_start")) {
          String show = event.get("show_id").asText();
          listens.merge(show, 1L, Long::sum);
          listeners.computeIfAbsent(show, s -> new HashSet<>()).add(event.get("user_id").asText());
        }
        events.append(event).append('\n');
        if (i % 250 == 249) {
          Http.Response sent = api.ndjson("app_events", events.toString());
          assertThat(sent.status()).as(sent.raw().body()).isEqualTo(200);
        }
      }
      await()
          .atMost(WAIT)
          .until(
              () ->
                  api.count("SELECT count(*) FROM raw.app_events") == EVENTS
                      && api.count("SELECT count(*) FROM raw.show_catalog") > 0);

      // the flows' SQL is checked against the tables and columns the events brought
      DemoReports.install(platform.reports());
      DemoFlows.declareMissing(platform.flows());
      assertThat(platform.flows().list())
          .extracting(io.tributary.flow.FlowSpec::name)
          .containsAll(DemoFlows.NAMES);
      assertThat(DemoFlows.declareMissing(platform.flows())).isEmpty();
      String today = LocalDate.now(clock.withZone(ZoneOffset.UTC)).toString();
      JsonNode daily = run(api, "daily_show_stats", today);
      assertThat(daily.path("state").asText()).as(daily.toString()).isEqualTo("success");
      // the latest due hourly run, created a watch interval after the flow is declared, ends
      // first: it reads an earlier window and would replace the table after the run below
      await().atMost(WAIT).until(() -> scheduledRunEnded(api, "trending_shows"));
      JsonNode trending = run(api, "trending_shows", clock.instant().toString());
      assertThat(trending.path("state").asText()).as(trending.toString()).isEqualTo("success");

      String top = listens.entrySet().stream().max(Map.Entry.comparingByValue()).get().getKey();
      assertThat(
              api.count(
                  "SELECT listens FROM transformed.daily_show_stats WHERE show_id = '"
                      + top
                      + "' AND day = DATE '"
                      + today
                      + "'"))
          .isEqualTo(listens.get(top));
      assertThat(
              api.count(
                  "SELECT unique_listeners FROM transformed.daily_show_stats WHERE show_id = '"
                      + top
                      + "'"))
          .isEqualTo(listeners.get(top).size());
      assertThat(api.count("SELECT sum(listens) FROM transformed.daily_show_stats"))
          .isEqualTo(listens.values().stream().mapToLong(Long::longValue).sum());

      JsonNode rows =
          api.sql(
                  "SELECT rank, show_id, title, creator_name, listens FROM"
                      + " transformed.trending_shows ORDER BY rank")
              .body()
              .path("rows");
      assertThat(rows).hasSize(Math.min(10, listens.size()));
      assertThat(rows.get(0).get(4).asLong())
          .isEqualTo(listens.values().stream().mapToLong(Long::longValue).max().orElseThrow());
      JsonNode show = service.get("/shows/" + rows.get(0).get(1).asText()).body();
      assertThat(rows.get(0).get(2).asText()).isEqualTo(show.get("title").asText());
      assertThat(rows.get(0).get(3).asText()).isEqualTo(show.at("/creator/name").asText());
    }
  }

  @Test
  void theFlashReportCatalogSnapshotAndMaintenanceFlowsWriteTheirTables() throws Exception {
    Clock clock = Clock.systemUTC();
    try (Platform platform =
            Platform.start(
                TestConfigs.config(
                    dir,
                    """
                      - name: app_events
                        partitions: 1
                        buffer: { interval: 0s }
                      - name: show_catalog
                        partitions: 1
                        buffer: { interval: 0s }
                    """),
                clock);
        CatalogService catalog =
            CatalogService.start(
                CatalogServiceConfig.defaults().withPort(0).withChangeInterval(Duration.ZERO),
                clock)) {
      Http api = Http.admin(platform);
      Http service = new Http(catalog.uri());
      StringBuilder shows = new StringBuilder();
      Set<String> showIds = new HashSet<>();
      for (JsonNode show : service.get("/shows?limit=1000").body().get("shows")) {
        shows.append(kept(show)).append('\n');
        showIds.add(show.get("show_id").asText());
      }
      assertThat(api.ndjson("show_catalog", shows.toString()).status()).isEqualTo(200);
      EventGenerator generator = new EventGenerator(SimulatorConfig.withSeed(11), clock);
      long listens = 0;
      long listenEnds = 0;
      Set<String> listeners = new HashSet<>();
      List<JsonNode> opens = new ArrayList<>();
      List<JsonNode> starts = new ArrayList<>();
      StringBuilder events = new StringBuilder();
      for (int i = 0; i < EVENTS; i++) {
        ObjectNode event = generator.next();
        String type = event.get("event_type").asText();
        if (type.equals("listen_start")) {
          listens++;
          listeners.add(event.get("user_id").asText());
          starts.add(event);
        }
        if (type.equals("notification_open")) {
          opens.add(event);
        }
        if (type.equals("listen_end")) {
          listenEnds++;
        }
        events.append(event).append('\n');
      }
      List<String> lines = List.of(events.toString().split("\n"));
      for (int from = 0; from < lines.size(); from += 250) {
        String batch = String.join("\n", lines.subList(from, Math.min(lines.size(), from + 250)));
        Http.Response sent = api.ndjson("app_events", batch + "\n");
        assertThat(sent.status()).as(sent.raw().body()).isEqualTo(200);
      }
      long total = EVENTS;
      await()
          .atMost(WAIT)
          .until(
              () ->
                  api.count("SELECT count(*) FROM raw.app_events") == total
                      && api.count("SELECT count(*) FROM raw.show_catalog") == showIds.size());
      assertThat(listenEnds).as("the seed gives finished sessions").isPositive();
      DemoReports.install(platform.reports());
      assertThat(DemoFlows.declareMissing(platform.flows())).containsAll(DemoFlows.NAMES);

      String today = LocalDate.now(clock.withZone(ZoneOffset.UTC)).toString();
      JsonNode flash = run(api, "daily_flash", today);
      assertThat(flash.path("state").asText()).as(flash.toString()).isEqualTo("success");
      // the daily flash report, run by its flow, in the reports folder as PDF and HTML
      JsonNode report = run(api, "daily_flash_report", today);
      assertThat(report.path("state").asText()).as(report.toString()).isEqualTo("success");
      java.nio.file.Path pdf =
          platform
              .config()
              .reports()
              .output()
              .resolve("daily-flash")
              .resolve("daily-flash-" + today + ".pdf");
      try (org.apache.pdfbox.pdmodel.PDDocument document =
          org.apache.pdfbox.Loader.loadPDF(pdf.toFile())) {
        String text = new org.apache.pdfbox.text.PDFTextStripper().getText(document);
        assertThat(text)
            .contains("Daily flash " + today, "Listeners", "New users", "Promotion conversion")
            .contains("Top shows");
      }
      JsonNode row =
          api.sql(
                  "SELECT day, daily_active_listeners, new_listeners, listens, avg_session_seconds,"
                      + " top_shows, notification_opens, notification_listens,"
                      + " notification_conversion FROM transformed.daily_flash"
                      + " WHERE day = DATE '"
                      + today
                      + "'")
              .body()
              .path("rows");
      assertThat(row).as(row.toString()).hasSize(1);
      assertThat(row.get(0).get(0).asText()).isEqualTo(today);
      assertThat(row.get(0).get(1).asLong()).isEqualTo(listeners.size());
      assertThat(row.get(0).get(2).asLong()).isEqualTo(listeners.size());
      assertThat(row.get(0).get(3).asLong()).isEqualTo(listens);
      assertThat(row.get(0).get(4).asDouble()).isPositive();
      assertThat(row.get(0).get(5).asText().split(", ")).hasSizeBetween(1, 10);
      // the simulated shows going live notified followers; some opened, some of those listened
      long converted = converted(opens, starts);
      assertThat(opens).as("simulated notification opens").isNotEmpty();
      assertThat(row.get(0).get(6).asLong()).isEqualTo(opens.size());
      assertThat(row.get(0).get(7).asLong()).isEqualTo(converted);
      assertThat(row.get(0).get(8).asDouble())
          .isEqualTo((double) converted / opens.size())
          .isStrictlyBetween(0.0, 1.0);

      JsonNode snapshot = run(api, "show_catalog_daily", today);
      assertThat(snapshot.path("state").asText()).as(snapshot.toString()).isEqualTo("success");
      String perDay =
          "SELECT count(*) FROM transformed.show_catalog_daily WHERE snapshot_date = DATE '"
              + today
              + "'";
      assertThat(api.count(perDay)).isEqualTo(showIds.size());
      String runId = snapshot.path("run-id").asText();
      api.post("/v1/flows/show_catalog_daily/runs/" + runId + "/rerun", "application/json", "{}");
      await()
          .atMost(WAIT)
          .until(
              () ->
                  api.get("/v1/flows/show_catalog_daily/runs/" + runId)
                          .body()
                          .path("tasks")
                          .get(0)
                          .path("tries")
                          .asInt()
                      == 2);
      assertThat(awaitEnd(api, "show_catalog_daily", runId).path("state").asText())
          .isEqualTo("success");
      assertThat(api.count(perDay)).as("a re-run replaces its day").isEqualTo(showIds.size());
      // the scheduled run of yesterday may have written its day too: one snapshot per day
      assertThat(
              api.count(
                  "SELECT max(n) FROM (SELECT count(*) AS n FROM transformed.show_catalog_daily"
                      + " GROUP BY snapshot_date)"))
          .isEqualTo(showIds.size());

      JsonNode maintained = run(api, "maintain_raw", today);
      assertThat(maintained.path("state").asText()).as(maintained.toString()).isEqualTo("success");
      assertThat(api.count("SELECT count(*) FROM raw.app_events")).isEqualTo(total);
    }
  }

  /**
   * How many distinct (user, time) opens were followed by a listen of that user within the hour.
   */
  private static long converted(List<JsonNode> opens, List<JsonNode> starts) {
    Set<String> converted = new HashSet<>();
    for (JsonNode open : opens) {
      Instant at = Instant.parse(open.get("ts").asText());
      String user = open.get("user_id").asText();
      boolean listened =
          starts.stream()
              .filter(start -> start.get("user_id").asText().equals(user))
              .map(start -> Instant.parse(start.get("ts").asText()))
              .anyMatch(ts -> !ts.isBefore(at) && ts.isBefore(at.plus(Duration.ofHours(1))));
      if (listened) {
        converted.add(user + "@" + at);
      }
    }
    return converted.size();
  }

  /** Whether {@code flow} has a scheduled run and every run of it has ended. */
  private static boolean scheduledRunEnded(Http api, String flow) {
    boolean scheduled = false;
    for (JsonNode run : api.get("/v1/flows/" + flow + "/runs").body().path("runs")) {
      String state = run.path("state").asText();
      if (!state.equals("success") && !state.equals("failed")) {
        return false;
      }
      scheduled |= run.path("run-type").asText().equals("scheduled");
    }
    return scheduled;
  }

  private static JsonNode run(Http api, String flow, String logicalDate) {
    String runId;
    try {
      runId =
          api.post(
                  "/v1/flows/" + flow + "/runs",
                  "application/json",
                  Http.JSON.writeValueAsString(Map.of("logical-date", logicalDate)))
              .body()
              .path("run-id")
              .asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return awaitEnd(api, flow, runId);
  }

  private static JsonNode awaitEnd(Http api, String flow, String runId) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              String state =
                  api.get("/v1/flows/" + flow + "/runs/" + runId).body().path("state").asText();
              return state.equals("success") || state.equals("failed");
            });
    return api.get("/v1/flows/" + flow + "/runs/" + runId).body();
  }

  /** What the demo's enrich_shows function keeps of a show, nested paths flattened with _. */
  private static ObjectNode kept(JsonNode show) {
    ObjectNode row = Http.JSON.createObjectNode();
    row.set("show_id", show.get("show_id"));
    row.set("title", show.get("title"));
    row.set("category", show.get("category"));
    row.set("creator_name", show.at("/creator/name"));
    row.set("version", show.get("version"));
    return row;
  }
}
