package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.core.config.TributaryConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kafka.mode: external} against a real 3-node KRaft cluster of separate broker processes:
 * the platform creates its topics with 3 replicas and 2 in sync; while a client ingests over HTTP
 * and delivery and a function run, one broker is killed with SIGKILL and later started again. No
 * acknowledged record is lost or duplicated in the delivered table, nor in the function's output;
 * the gateway keeps accepting. Then two brokers of three are killed: the gateway answers 503 with
 * Retry-After while Kafka cannot take writes, and takes records again once they are back.
 */
class KafkaClusterIT {
  private static final int BATCH = 10;
  private static final int PER_PHASE = 800;

  @TempDir Path clusterDir;
  @TempDir Path dir;

  @Test
  void keepsEveryAcknowledgedRecordOnceThroughABrokerKill() throws Exception {
    try (KafkaCluster cluster = KafkaCluster.start(clusterDir, 3);
        Admin admin = cluster.admin()) {
      String yaml =
          """
          data-dir: %s
          http: { port: 0 }
          pgwire: { enabled: false }
          kafka:
            mode: external
            bootstrap-servers: %s
            properties:
              reconnect.backoff.max.ms: 1000
              metadata.max.age.ms: 10000
          streams:
            - { name: events, partitions: 3, buffer: { interval: 1s } }
            - { name: copies, partitions: 3, buffer: { interval: 1s } }
            - { name: pinned, partitions: 1, replication-factor: 2, min-insync-replicas: 1 }
          functions:
            - { name: copy, topic: events, type: filter, where: "id exists", emit-to: copies }
          """
              .formatted(dir, cluster.bootstrapServers());
      try (Platform platform =
          Platform.start(TributaryConfig.fromYaml(yaml, "test"), Clock.systemUTC())) {
        assertReplication(admin, "events", 3, "2");
        assertReplication(admin, "copies", 3, "2");
        assertReplication(admin, "pinned", 2, "1");
        assertReplication(admin, "copy_dlq", 3, "2");
        assertReplication(admin, "_tributary_landing", 3, "2");

        Http http = Http.admin(platform);
        try (Load load = new Load(http)) {
          load.awaitAcknowledged(PER_PHASE);
          cluster.kill(1);
          // the platform keeps taking records with one broker of three gone
          load.awaitAcknowledged(load.acknowledged.size() + PER_PHASE);
          // a new stream is not given fewer replicas because a broker is down: retry later
          await()
              .atMost(Duration.ofSeconds(30))
              .pollInterval(Duration.ofMillis(200))
              .until(() -> fenced(admin) == 1);
          Http.Response refused = http.put("/v1/streams/late", "{}");
          assertThat(refused.status()).isEqualTo(503);
          assertThat(refused.body().path("error").path("code").asText())
              .isEqualTo("broker_unavailable");
          cluster.restart(1);
          cluster.awaitBrokers(3);
          assertThat(http.put("/v1/streams/late", "{}").status()).isEqualTo(201);
          assertReplication(admin, "late", 3, "2");
          load.awaitAcknowledged(load.acknowledged.size() + PER_PHASE);
          // two of three gone: no quorum, no write reaches 2 replicas; the gateway says retry later
          cluster.kill(0);
          cluster.kill(1);
          await()
              .atMost(Duration.ofSeconds(90))
              .pollInterval(Duration.ofMillis(200))
              .until(() -> load.refusals.get() > 0);
          cluster.restart(0);
          cluster.restart(1);
          cluster.awaitBrokers(3);
          load.awaitAcknowledged(load.acknowledged.size() + PER_PHASE);
          load.stop();

          long written = sum(platform.streamLog().endOffsets("events"));
          await()
              .atMost(Duration.ofSeconds(120))
              .pollInterval(Duration.ofMillis(500))
              .until(() -> http.count("SELECT count(*) FROM raw.events") == written);
          assertExactlyOnce(http, "raw.events", load);
          // the function's transactions: what it read, emitted once (read to its end offsets)
          await()
              .atMost(Duration.ofSeconds(120))
              .pollInterval(Duration.ofMillis(500))
              .until(() -> http.count("SELECT count(*) FROM raw.copies") == written);
          assertExactlyOnce(http, "raw.copies", load);
          assertThat(load.failures.get())
              .as("requests answered neither 200 nor 503/429 with Retry-After")
              .isZero();
        }
      }
    }
  }

  private static long fenced(Admin admin) throws Exception {
    return admin
        .describeCluster(new DescribeClusterOptions().includeFencedBrokers(true))
        .nodes()
        .get()
        .stream()
        .filter(Node::isFenced)
        .count();
  }

  private static void assertReplication(Admin admin, String topic, int factor, String minInsync)
      throws Exception {
    TopicDescription description =
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    assertThat(description.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(factor));
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    assertThat(
            admin
                .describeConfigs(List.of(resource))
                .all()
                .get()
                .get(resource)
                .get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG)
                .value())
        .isEqualTo(minInsync);
  }

  /** Every acknowledged id once; the rest of the table only ids sent and not acknowledged. */
  private static void assertExactlyOnce(Http http, String table, Load load) {
    assertThat(http.count("SELECT count(*) - count(DISTINCT id) FROM " + table))
        .as("duplicated ids in " + table)
        .isZero();
    Set<Long> delivered = new HashSet<>();
    for (JsonNode row : http.sql("SELECT id FROM " + table).body().path("rows")) {
      delivered.add(row.path(0).asLong());
    }
    assertThat(delivered).as("acknowledged ids in " + table).containsAll(load.acknowledged);
    Set<Long> unacknowledged = new HashSet<>(delivered);
    unacknowledged.removeAll(load.acknowledged);
    assertThat(load.unknown)
        .as("ids in " + table + " never acknowledged")
        .containsAll(unacknowledged);
  }

  private static long sum(Map<Integer, Long> offsets) {
    return offsets.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * A client sending batches of {@value #BATCH} records with unique ids every 20 ms, as a producer
   * would: it honours {@code Retry-After} and never sends an id twice, remembering which ids were
   * acknowledged and which have an unknown outcome (refused or failed).
   */
  private static final class Load implements AutoCloseable {
    final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    final Set<Long> unknown = ConcurrentHashMap.newKeySet();
    final AtomicInteger failures = new AtomicInteger();
    final AtomicInteger refusals = new AtomicInteger();
    private final Http http;
    private final AtomicLong nextId = new AtomicLong();
    private final AtomicLong notBefore = new AtomicLong();
    private final ScheduledExecutorService client = Executors.newSingleThreadScheduledExecutor();

    Load(Http http) {
      this.http = http;
      client.scheduleWithFixedDelay(this::send, 0, 20, TimeUnit.MILLISECONDS);
    }

    private void send() {
      if (System.nanoTime() < notBefore.get()) {
        return;
      }
      long first = nextId.getAndAdd(BATCH);
      StringBuilder body = new StringBuilder();
      for (long id = first; id < first + BATCH; id++) {
        body.append("{\"id\":").append(id).append(",\"kind\":\"click\"}\n");
      }
      Http.Response response;
      try {
        response = http.ndjson("events", body.toString());
      } catch (RuntimeException e) {
        record(first, Set.of());
        failures.incrementAndGet();
        return;
      }
      if (response.status() == 200) {
        Set<Long> failed = new HashSet<>();
        for (JsonNode error : response.body().path("errors")) {
          failed.add(first + error.path("index").asLong());
        }
        record(first, failed);
      } else if ((response.status() == 503 || response.status() == 429)
          && response.header("Retry-After") != null) {
        record(first, null);
        refusals.incrementAndGet();
        notBefore.set(
            System.nanoTime()
                + TimeUnit.SECONDS.toNanos(Long.parseLong(response.header("Retry-After"))));
      } else {
        record(first, null);
        failures.incrementAndGet();
      }
    }

    /** Records the batch's outcome: {@code failed} ids, or every id when null. */
    private void record(long first, Set<Long> failed) {
      for (long id = first; id < first + BATCH; id++) {
        if (failed == null || failed.contains(id)) {
          unknown.add(id);
        } else {
          acknowledged.add(id);
        }
      }
    }

    void awaitAcknowledged(int count) {
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> acknowledged.size() >= count);
    }

    void stop() throws InterruptedException {
      client.shutdown();
      assertThat(client.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @Override
    public void close() {
      client.shutdownNow();
    }
  }
}
