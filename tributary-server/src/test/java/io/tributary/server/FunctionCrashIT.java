package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once through a function across kill -9: the platform runs in a child JVM, enriching
 * notifications from a catalog service in this JVM, and is killed (SIGKILL) while the function is
 * mid-flight; after the last restart every notification is in the target table exactly once.
 */
class FunctionCrashIT {
  private static final long SEED = Long.getLong("crash.seed", 20261126L);
  private static final int MESSAGES = 400;

  @TempDir Path dir;

  @Test
  void noNotificationIsLostOrDuplicatedAcrossKills() throws Exception {
    Random random = new Random(SEED);
    try (CatalogFake catalog = new CatalogFake()) {
      catalog.latencyMillis = 10;
      int httpPort = TestConfigs.freePort();
      Path config = dir.resolve("tributary.yaml");
      Files.writeString(
          config,
          TestConfigs.yaml(
                  dir.resolve("data"),
                  httpPort,
                  """
                    - name: show_catalog
                      partitions: 2
                      buffer: { interval: 1s }
                  """)
              + """
              query: { max-rows: 100000 }
              egress: { allowed-hosts: ["%s"] }
              topics:
                - name: catalog_changes
                  key: show_id
              functions:
                - name: enrich_shows
                  topic: catalog_changes
                  type: http-enrich
                  url: %s/shows/{show_id}
                  keep: [title]
                  emit-to: show_catalog
                  concurrency: 4
                  batch-size: 50
              """
                  .formatted(catalog.uri().getAuthority(), catalog.uri()));
      Http http = new Http(java.net.URI.create("http://127.0.0.1:" + httpPort));
      ChildServer child = new ChildServer(config, dir.resolve("server.log"), http);

      Process server = child.start();
      try {
        child.awaitHealthy(server);
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < MESSAGES; i++) {
          body.append("{\"change_id\":\"c%d\",\"show_id\":\"s%d\"}\n".formatted(i, i % 37));
        }
        Http.Response published =
            http.post(
                "/v1/topics/catalog_changes/messages", "application/x-ndjson", body.toString());
        assertThat(published.body().path("accepted").asInt()).isEqualTo(MESSAGES);
        for (int cycle = 0; cycle < 2; cycle++) {
          int callsBefore = catalog.calls.get();
          int killAfter = 20 + random.nextInt(80);
          // a restarted platform may finish the rest before it reports healthy: then kill anyway.
          // Generous: on a loaded machine a restart has once needed over a minute to move on (if
          // the killed transaction is only aborted when it times out, that is 60 s)
          await()
              .atMost(Duration.ofSeconds(150))
              .until(
                  () ->
                      catalog.calls.get() - callsBefore >= killAfter
                          || changeIds(http).size() >= MESSAGES);
          server.destroyForcibly(); // SIGKILL mid-flight: a transaction is open or in hand
          server.waitFor();
          server = child.start();
          child.awaitHealthy(server);
        }
        await()
            .atMost(Duration.ofSeconds(150))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> changeIds(http).size() >= MESSAGES);
        await().pollDelay(Duration.ofSeconds(2)).until(() -> true); // let any late duplicate land
        List<String> ids = changeIds(http);
        assertThat(new HashSet<>(ids)).as("every notification").hasSize(MESSAGES);
        assertThat(ids).as("no duplicates").hasSize(MESSAGES);
        assertThat(catalog.calls.get())
            .as("some calls were repeated after kills")
            .isGreaterThan(MESSAGES);
      } catch (AssertionError | org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError(e.getMessage() + "\nserver log:\n" + child.log(), e);
      } finally {
        server.destroy();
        server.waitFor();
      }
    }
  }

  private static List<String> changeIds(Http http) {
    Http.Response response = http.sql("SELECT change_id FROM raw.show_catalog");
    List<String> ids = new ArrayList<>();
    if (response.status() != 200) {
      return ids;
    }
    for (JsonNode row : response.body().path("rows")) {
      ids.add(row.path(0).asText());
    }
    return ids;
  }
}
