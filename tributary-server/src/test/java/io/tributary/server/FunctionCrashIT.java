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
 * mid-flight; after the last restart every notification is in the target table exactly once. From a
 * restarted platform's health to rows committed again takes seconds: the restarted function's
 * {@code initTransactions} aborts the transaction the killed one left open, instead of leaving it
 * to its timeout while it holds the {@code read_committed} delivery of the target stream. The
 * restart of the child JVM itself is printed, not bounded: it depends on the machine's load, not on
 * the platform's recovery.
 */
class FunctionCrashIT {
  private static final long SEED = Long.getLong("crash.seed", 20261126L);
  private static final int MESSAGES = 400;

  /**
   * From a restarted platform's health to rows committed again: seconds, when the restarted
   * function aborts the killed one's transaction at once; 60 s when it is left to its timeout.
   */
  private static final Duration RESUME_BOUND = Duration.ofSeconds(15);

  /** How long to wait before failing with the server log. */
  private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(90);

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
      Http http =
          Http.admin(java.net.URI.create("http://127.0.0.1:" + httpPort), dir.resolve("data"));
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
        List<Duration> restarts = new ArrayList<>();
        List<Duration> resumes = new ArrayList<>();
        List<Duration> recoveries = new ArrayList<>();
        long lastKill = 0;
        for (int cycle = 0; cycle < 2; cycle++) {
          int callsBefore = catalog.calls.get();
          int killAfter = 20 + random.nextInt(80);
          // a restarted platform may finish the rest before it reports healthy: then kill anyway
          await()
              .atMost(RECOVERY_LIMIT)
              .until(
                  () ->
                      catalog.calls.get() - callsBefore >= killAfter
                          || changeIds(http).size() >= MESSAGES);
          lastKill = System.nanoTime();
          server.destroyForcibly(); // SIGKILL mid-flight: a transaction is open or in hand
          server.waitFor();
          server = child.start();
          child.awaitHealthy(server);
          long healthy = System.nanoTime();
          restarts.add(Duration.ofNanos(healthy - lastKill));
          // recovered once rows are committed again: the killed transaction no longer holds the
          // read_committed delivery of show_catalog. (Counted from the first answer after the
          // restart, not before the kill: a query there would delay the kill past the batch.)
          int rowsAtRestart = changeIds(http).size();
          await()
              .atMost(RECOVERY_LIMIT)
              .pollInterval(Duration.ofMillis(200))
              .until(
                  () -> {
                    int rows = changeIds(http).size();
                    return rows > rowsAtRestart || rows >= MESSAGES;
                  });
          long resumed = System.nanoTime();
          resumes.add(Duration.ofNanos(resumed - healthy));
          recoveries.add(Duration.ofNanos(resumed - lastKill));
        }
        await()
            .atMost(RECOVERY_LIMIT)
            .pollInterval(Duration.ofMillis(200))
            .until(() -> changeIds(http).size() >= MESSAGES);
        Duration allCommitted = Duration.ofNanos(System.nanoTime() - lastKill);
        System.out.printf(
            "FunctionCrashIT: after each kill -9, healthy in %s, rows committed again %s later"
                + " (%s after the kill); all %d rows %d ms after the last kill%n",
            millis(restarts),
            millis(resumes),
            millis(recoveries),
            MESSAGES,
            allCommitted.toMillis());
        assertThat(resumes)
            .as("healthy -> rows committed again (a killed transaction left to its timeout: 60 s)")
            .allSatisfy(d -> assertThat(d).isLessThan(RESUME_BOUND));
        // read to the end: the function has consumed its topic, delivery has committed it all
        await().atMost(RECOVERY_LIMIT).during(Duration.ofSeconds(1)).until(() -> drained(http));
        List<String> ids = changeIds(http);
        assertThat(new HashSet<>(ids)).as("every notification").hasSize(MESSAGES);
        assertThat(ids).as("no duplicates").hasSize(MESSAGES);
        assertThat(catalog.calls.get())
            .as("some calls were repeated after kills")
            .isGreaterThan(MESSAGES);
      } catch (AssertionError | org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError(
            e.getMessage()
                + "\ncatalog calls: "
                + catalog.calls.get()
                + "\nfunction: "
                + bodyOrWhy(http, "/v1/functions/enrich_shows")
                + "\nstream: "
                + bodyOrWhy(http, "/v1/streams/show_catalog")
                + "\nserver log:\n"
                + child.log(),
            e);
      } finally {
        server.destroy();
        server.waitFor();
      }
    }
  }

  /** The answer's body, or why there is none: the failure's message must survive a dead server. */
  private static String bodyOrWhy(Http http, String path) {
    try {
      return String.valueOf(http.get(path).body());
    } catch (RuntimeException e) {
      return "(no answer: " + e + ")";
    }
  }

  private static List<String> millis(List<Duration> durations) {
    return durations.stream().map(d -> d.toMillis() + " ms").toList();
  }

  /** The function has read its topic to the end and delivery has committed everything. */
  private static boolean drained(Http http) {
    Http.Response function = http.get("/v1/functions/enrich_shows");
    Http.Response stream = http.get("/v1/streams/show_catalog");
    return function.status() == 200
        && stream.status() == 200
        && function.body().at("/status/lag").asLong(-1) == 0
        && stream.body().at("/delivery/lag").asLong(-1) == 0
        && stream.body().at("/delivery/buffered").asLong(-1) == 0;
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
