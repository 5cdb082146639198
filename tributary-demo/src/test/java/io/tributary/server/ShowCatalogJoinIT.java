package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.amp.CatalogSnapshot;
import io.tributary.amp.EventGenerator;
import io.tributary.amp.SimulatorConfig;
import io.tributary.amp.catalog.CatalogChange;
import io.tributary.amp.catalog.CatalogQueries;
import io.tributary.amp.catalog.CatalogService;
import io.tributary.amp.catalog.CatalogServiceConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's join: simulated app events and the show catalog as the catalog-change pipeline lands
 * it, answered by {@link CatalogQueries#TRENDING_SHOWS}. The pipeline's function is played by the
 * test (GET each changed show, keep and flatten the demo's fields, post them to stream {@code
 * show_catalog}) until topics and functions are part of the platform.
 */
class ShowCatalogJoinIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int EVENTS = 1500;

  @TempDir Path dir;

  @Test
  void trendingShowsHaveTheCatalogsLatestTitlesAndCreatorsAndADailySnapshot()
      throws InterruptedException {
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
      // the function calls GET /shows/{show_id} per change; one page has the same show objects
      for (JsonNode show : service.get("/shows?limit=1000").body().get("shows")) {
        shows.append(kept(show)).append('\n');
      }
      List<CatalogChange> changes = catalog.changeNow();
      for (CatalogChange change : changes) {
        shows.append(kept(service.get("/shows/" + change.showId()).body())).append('\n');
      }
      assertThat(api.ndjson("show_catalog", shows.toString()).status()).isEqualTo(200);

      EventGenerator generator = new EventGenerator(SimulatorConfig.withSeed(5), clock);
      Map<String, Long> listens = new HashMap<>();
      for (int batch = 0; batch < EVENTS / 500; batch++) {
        StringBuilder events = new StringBuilder();
        for (int i = 0; i < 500; i++) {
          ObjectNode event = generator.next();
          if (event.get("event_type").asText().equals("listen_start")) {
            listens.merge(event.get("show_id").asText(), 1L, Long::sum);
          }
          events.append(event).append('\n');
        }
        assertThat(api.ndjson("app_events", events.toString()).body().get("accepted").asInt())
            .isEqualTo(500);
      }

      int catalogRows = catalog.showIds().size() + changes.size();
      await()
          .atMost(WAIT)
          .until(
              () ->
                  api.count("SELECT count(*) FROM raw.app_events") == EVENTS
                      && api.count("SELECT count(*) FROM raw.show_catalog") == catalogRows);

      Http.Response trending = api.sql(CatalogQueries.TRENDING_SHOWS);
      assertThat(trending.status()).as(trending.body().toString()).isEqualTo(200);
      JsonNode rows = trending.body().get("rows");
      assertThat(rows).hasSize(10);
      long top = listens.values().stream().mapToLong(Long::longValue).max().orElseThrow();
      assertThat(rows.get(0).get(3).asLong()).isEqualTo(top);
      for (JsonNode row : rows) {
        JsonNode show = service.get("/shows/" + row.get(0).asText()).body();
        assertThat(row.get(1).asText()).isEqualTo(show.get("title").asText());
        assertThat(row.get(2).asText()).isEqualTo(show.at("/creator/name").asText());
        assertThat(row.get(3).asLong()).isEqualTo(listens.get(row.get(0).asText()));
      }
      assertThat(
              api.count(
                  "SELECT count(*) FROM (" + CatalogQueries.LATEST_CATALOG + ") WHERE version > 1"))
          .isEqualTo(changes.stream().map(CatalogChange::showId).distinct().count());

      // the daily snapshot for batch analytics: one row per show, stamped with the date
      try (CatalogSnapshot snapshot =
          new CatalogSnapshot(
              platform.httpUri(),
              clock,
              java.util.Optional.of(platform.adminCredentials().token()))) {
        assertThat(snapshot.write(LocalDate.parse("2026-11-26")))
            .isEqualTo(catalog.showIds().size());
      }
      await()
          .atMost(WAIT)
          .until(
              () ->
                  api.count(
                          "SELECT count(DISTINCT show_id) FROM transformed.show_catalog_daily"
                              + " WHERE snapshot_date = '2026-11-26'")
                      == catalog.showIds().size());
      JsonNode snapshotRow =
          api.sql(
                  "SELECT title, creator_name, version FROM transformed.show_catalog_daily"
                      + " WHERE show_id = '"
                      + changes.get(0).showId()
                      + "'")
              .body()
              .at("/rows/0");
      JsonNode current = service.get("/shows/" + changes.get(0).showId()).body();
      assertThat(snapshotRow.get(0).asText()).isEqualTo(current.get("title").asText());
      assertThat(snapshotRow.get(2).asLong()).isEqualTo(current.get("version").asLong());
    }
  }

  /** What the demo's enrich_shows function keeps of a show, nested paths flattened with _. */
  private static ObjectNode kept(JsonNode show) {
    ObjectNode row = Http.JSON.createObjectNode();
    row.set("show_id", show.get("show_id"));
    row.set("title", show.get("title"));
    row.set("category", show.get("category"));
    row.set("creator_name", show.at("/creator/name"));
    row.set("schedule_start", show.at("/schedule/start"));
    row.set("version", show.get("version"));
    return row;
  }
}
