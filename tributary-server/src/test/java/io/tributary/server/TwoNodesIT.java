package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.access.AdminCredentials;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code tributary serve} nodes in child JVMs with one config: a real 3-broker Kafka cluster,
 * one PostgreSQL catalog, one warehouse. Clients send to both nodes; both deliver the stream, each
 * the partitions the consumer group gives it. Node b is killed (SIGKILL) under load: node a takes
 * over its partitions and, within 30 s, every acknowledged record is in the table exactly once (by
 * unique id).
 */
class TwoNodesIT {
  private static final Duration TAKE_OVER = Duration.ofSeconds(30);

  @TempDir Path clusterDir;
  @TempDir Path dir;

  @Test
  void survivorTakesOverTheKilledNodesPartitionsWithNothingLostOrDuplicated() throws Exception {
    Optional<Path> bin = PostgresServer.binaries();
    assumeTrue(
        bin.isPresent(),
        "PostgreSQL server binaries not found under /usr/lib/postgresql: skipping");
    try (PostgresServer postgres = PostgresServer.start(bin.get());
        KafkaCluster kafka = KafkaCluster.start(clusterDir, 3)) {
      Node a = new Node("a", postgres, kafka);
      Node b = new Node("b", postgres, kafka);
      Process processA = a.child.start("-Xmx384m");
      Process processB = null;
      Set<String> acknowledged = ConcurrentHashMap.newKeySet();
      AtomicLong sequence = new AtomicLong();
      AtomicBoolean sending = new AtomicBoolean(true);
      try {
        a.child.awaitHealthy(processA);
        // one platform: node b takes the admin credentials node a created
        Files.createDirectories(b.dataDir);
        Files.copy(
            a.dataDir.resolve(AdminCredentials.FILE_NAME),
            b.dataDir.resolve(AdminCredentials.FILE_NAME),
            StandardCopyOption.COPY_ATTRIBUTES);
        processB = b.child.start("-Xmx384m");
        b.child.awaitHealthy(processB);

        Thread toA = sender(a.http, sending, sequence, acknowledged);
        Thread toB = sender(b.http, sending, sequence, acknowledged);
        await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 1500);
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> ownedBy(a.http).size() == 2);
        Map<String, Integer> split = ownedBy(b.http);
        assertThat(split.values()).as("each node delivers some partitions").allMatch(n -> n > 0);
        assertThat(split.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(6);

        processB.destroyForcibly(); // SIGKILL: b's buffered records were never committed
        processB.waitFor();
        long killedAt = System.nanoTime();
        int atKill = acknowledged.size();
        await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= atKill + 500);
        sending.set(false);
        toA.join();
        toB.join();
        await()
            .atMost(TAKE_OVER)
            .pollInterval(Duration.ofMillis(500))
            .until(() -> ownedBy(a.http).values().contains(6));

        await()
            .atMost(TAKE_OVER.plusSeconds(10))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> new HashSet<>(deliveredIds(a.http)).containsAll(acknowledged));
        Duration tookOver = Duration.ofNanos(System.nanoTime() - killedAt);
        List<String> ids = deliveredIds(a.http);
        assertThat(new HashSet<>(ids)).as("no duplicates").hasSize(ids.size());
        assertThat(ids).containsAll(acknowledged);
        assertThat(tookOver)
            .as("every acknowledged record delivered after the kill")
            .isLessThan(TAKE_OVER.plusSeconds(10));
        System.out.printf(
            "TwoNodesIT: %d acknowledged, %d delivered, all delivered %d ms after the kill%n",
            acknowledged.size(), ids.size(), tookOver.toMillis());
      } catch (AssertionError e) {
        throw new AssertionError(
            e.getMessage() + "\nnode a log:\n" + a.child.log() + "\nnode b log:\n" + b.child.log(),
            e);
      } finally {
        sending.set(false);
        if (processB != null) {
          processB.destroyForcibly();
        }
        processA.destroy();
        processA.waitFor();
      }
    }
  }

  /** A node's config, data dir and client; the catalog, warehouse and Kafka are shared. */
  private final class Node {
    final Path dataDir;
    final Http http;
    final ChildServer child;

    Node(String name, PostgresServer postgres, KafkaCluster kafka) throws Exception {
      dataDir = dir.resolve(name);
      int port = TestConfigs.freePort();
      String yaml =
          """
          data-dir: %s
          http: { port: %d }
          pgwire: { enabled: false }
          catalog: { uri: "%s", user: %s, warehouse: %s }
          kafka:
            mode: external
            bootstrap-servers: %s
          streams:
            - { name: events, partitions: 6, buffer: { interval: 1s } }
          """
              .formatted(
                  dataDir,
                  port,
                  postgres.jdbcUri(),
                  PostgresServer.USER,
                  dir.resolve("warehouse"),
                  kafka.bootstrapServers());
      Path config = dir.resolve(name + ".yaml");
      Files.writeString(config, yaml);
      http = Http.admin(URI.create("http://127.0.0.1:" + port), dataDir);
      child = new ChildServer(config, dir.resolve(name + ".log"), http);
    }
  }

  private static Thread sender(
      Http http, AtomicBoolean sending, AtomicLong sequence, Set<String> acknowledged) {
    Thread thread =
        new Thread(
            () -> {
              while (sending.get()) {
                StringBuilder body = new StringBuilder();
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                  String id = "e" + sequence.incrementAndGet();
                  ids.add(id);
                  body.append("{\"event_id\":\"").append(id).append("\"}\n");
                }
                try {
                  Http.Response response = http.ndjson("events", body.toString());
                  if (response.status() == 200 && response.body().path("failed").asInt() == 0) {
                    acknowledged.addAll(ids);
                  }
                } catch (UncheckedIOException | IllegalStateException e) {
                  return; // node gone: this batch is not acknowledged
                }
              }
            });
    thread.start();
    return thread;
  }

  /** Per live node of {@code GET /v1/cluster}, how many partitions of events it delivers. */
  private static Map<String, Integer> ownedBy(Http http) {
    Http.Response response = http.get("/v1/cluster");
    assertThat(response.status()).isEqualTo(200);
    Map<String, Integer> owned = new TreeMap<>();
    for (JsonNode node : response.body().path("nodes")) {
      owned.put(node.path("id").asText(), node.path("owns").path("delivery").path("events").size());
    }
    return owned;
  }

  private static List<String> deliveredIds(Http http) {
    Http.Response response = http.sql("SELECT event_id FROM raw.events");
    if (response.status() != 200) {
      return List.of();
    }
    List<String> ids = new ArrayList<>();
    for (JsonNode row : response.body().path("rows")) {
      ids.add(row.path(0).asText());
    }
    return ids;
  }
}
