package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once across kill -9: the platform runs in a child JVM that is killed (SIGKILL) at random
 * moments while clients keep sending; after the last restart every acknowledged record is in the
 * table exactly once, and no record (acknowledged or not) is there twice.
 */
class ExactlyOnceCrashIT {
  private static final long SEED = Long.getLong("crash.seed", 20261126L);

  @TempDir Path dir;

  @Test
  void everyAcknowledgedRecordIsInTheTableOnceAfterRepeatedKills() throws Exception {
    int httpPort = TestConfigs.freePort();
    Path config = dir.resolve("tributary.yaml");
    Files.writeString(
        config,
        TestConfigs.yaml(
                dir.resolve("data"),
                httpPort,
                """
                  - name: crash
                    partitions: 3
                    buffer: { interval: 1s }
                """)
            + "query: { max-rows: 1000000 }\n");
    Http http =
        Http.admin(java.net.URI.create("http://127.0.0.1:" + httpPort), dir.resolve("data"));
    ChildServer child = new ChildServer(config, dir.resolve("server.log"), http);
    Random random = new Random(SEED);
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicLong sequence = new AtomicLong();

    for (int cycle = 0; cycle < 3; cycle++) {
      Process server = child.start();
      try {
        child.awaitHealthy(server);
        AtomicBoolean sending = new AtomicBoolean(true);
        Thread sender =
            new Thread(() -> send(http, sending, sequence, acknowledged), "sender-" + cycle);
        sender.start();
        long runMillis = 1500 + random.nextInt(3000);
        await()
            .pollDelay(Duration.ofMillis(runMillis))
            .atMost(Duration.ofMillis(runMillis + 1000))
            .until(() -> true);
        server.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
        server.waitFor();
        sending.set(false);
        sender.join();
      } finally {
        server.destroyForcibly();
      }
    }
    assertThat(acknowledged).hasSizeGreaterThan(100);

    Process server = child.start();
    try {
      child.awaitHealthy(server);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> deliveredIds(http).containsAll(acknowledged));
      List<String> ids = deliveredIdList(http);
      assertThat(new HashSet<>(ids)).as("no duplicates").hasSize(ids.size());
      assertThat(ids).containsAll(acknowledged);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nserver log:\n" + child.log(), e);
    } finally {
      server.destroy();
      server.waitFor();
    }
  }

  private void send(Http http, AtomicBoolean sending, AtomicLong sequence, Set<String> acked) {
    while (sending.get()) {
      StringBuilder body = new StringBuilder();
      List<String> ids = new java.util.ArrayList<>();
      for (int i = 0; i < 100; i++) {
        String id = "e" + sequence.incrementAndGet();
        ids.add(id);
        body.append("{\"event_id\":\"").append(id).append("\",\"n\":").append(i).append("}\n");
      }
      try {
        Http.Response response = http.ndjson("crash", body.toString());
        if (response.status() == 200 && response.body().path("failed").asInt() == 0) {
          acked.addAll(ids);
        }
      } catch (UncheckedIOException | IllegalStateException e) {
        return; // server gone: this batch is not acknowledged
      }
    }
  }

  private static Set<String> deliveredIds(Http http) {
    return new HashSet<>(deliveredIdList(http));
  }

  private static List<String> deliveredIdList(Http http) {
    Http.Response response = http.sql("SELECT event_id FROM raw.crash");
    if (response.status() != 200) {
      return List.of();
    }
    List<String> ids = new java.util.ArrayList<>();
    for (JsonNode row : response.body().path("rows")) {
      ids.add(row.path(0).asText());
    }
    return ids;
  }
}
