package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.amp.catalog.CatalogChange;
import io.tributary.amp.catalog.CatalogService;
import io.tributary.amp.catalog.CatalogServiceConfig;
import io.tributary.core.config.TributaryConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's catalog-change pipeline for real: the show-catalog service (tributary-amp) publishes
 * change notifications to topic {@code catalog_changes}; function {@code enrich_shows}, as
 * configured in {@code demo-catalog-pipeline.yaml}, fetches each show through the service's flaky
 * API and delivers it to {@code raw.show_catalog}.
 */
class DemoPipelineIT {
  @TempDir Path dir;

  @Test
  void catalogChangesReachTheShowCatalogTable() throws IOException {
    Clock clock = Clock.systemUTC();
    int catalogPort = TestConfigs.freePort();
    String pipeline;
    try (InputStream in = DemoPipelineIT.class.getResourceAsStream("/demo-catalog-pipeline.yaml")) {
      pipeline =
          new String(in.readAllBytes(), StandardCharsets.UTF_8)
              .replace("${catalog-url}", "http://127.0.0.1:" + catalogPort)
              .replace("${catalog-authority}", "127.0.0.1:" + catalogPort)
              // short delays; and enough attempts that a 30 % failure rate never exhausts them
              // (0.3^5 per message made a dead letter in ~7 % of runs of ~30 messages)
              .replace(
                  "attempts: 5, initial-delay: 200ms, max-delay: 2s",
                  "attempts: 12, initial-delay: 20ms, max-delay: 100ms");
    }
    String yaml =
        TestConfigs.yaml(
                dir,
                0,
                """
                  - name: show_catalog
                    partitions: 1
                    buffer: { interval: 1s }
                """)
            + pipeline;
    try (Platform platform = Platform.start(TributaryConfig.fromYaml(yaml, "test"), clock);
        CatalogService catalog =
            CatalogService.start(
                CatalogServiceConfig.defaults()
                    .withPort(catalogPort)
                    .withSize(20, 5)
                    .withChangeInterval(Duration.ZERO)
                    .withFaults(
                        new CatalogServiceConfig.Faults(Duration.ofMillis(2), Duration.ZERO, 0.3))
                    .withNotify(platform.httpUri()),
                clock,
                java.util.Optional.of(platform.adminCredentials().token()))) {
      Http http = Http.admin(platform);
      List<CatalogChange> changes = catalog.changeNow();
      Set<String> expected = new HashSet<>();
      changes.forEach(c -> expected.add(c.changeId()));
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> changeIds(http).containsAll(expected));
      JsonNode row =
          http.sql(
                  "SELECT show_id, title, creator_name, schedule_start, change_type FROM"
                      + " raw.show_catalog WHERE change_id = '"
                      + changes.get(0).changeId()
                      + "'")
              .body()
              .path("rows")
              .path(0);
      assertThat(row.path(0).asText()).isEqualTo(changes.get(0).showId());
      assertThat(row.path(1).asText()).isNotBlank();
      assertThat(row.path(2).asText()).isNotBlank();
      assertThat(row.path(4).asText()).isEqualTo(changes.get(0).type().wireName());
      JsonNode status = http.get("/v1/functions/enrich_shows").body().path("status");
      assertThat(status.path("retries").asLong()).as("the service fails 30% of calls").isPositive();
      assertThat(status.path("deadLetters").asLong()).isZero();
    }
  }

  private static Set<String> changeIds(Http http) {
    Http.Response response = http.sql("SELECT change_id FROM raw.show_catalog");
    Set<String> ids = new HashSet<>();
    if (response.status() == 200) {
      for (JsonNode row : response.body().path("rows")) {
        ids.add(row.path(0).asText());
      }
    }
    return ids;
  }
}
