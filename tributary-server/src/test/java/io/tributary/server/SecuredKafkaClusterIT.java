package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tributary.core.config.ConfigException;
import io.tributary.core.config.TributaryConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kafka.mode: external} against a secured 3-node KRaft cluster (separate broker processes,
 * the client listener on SASL_PLAINTEXT with SCRAM-SHA-256): the platform's clients get the
 * security settings of {@code kafka.properties} (the password from a secret), ingest and delivery
 * work; wrong credentials stop the start at once with a message naming the kafka keys, without the
 * password.
 */
class SecuredKafkaClusterIT {
  private static final KafkaCluster.ScramUser USER =
      new KafkaCluster.ScramUser("tributary", "kafka-pass-1");

  @TempDir Path clusterDir;
  @TempDir Path dir;

  private String yaml(Path dataDir, String bootstrap) {
    return """
        data-dir: %s
        http: { port: 0 }
        pgwire: { enabled: false }
        kafka:
          mode: external
          bootstrap-servers: %s
          properties:
            security.protocol: SASL_PLAINTEXT
            sasl.mechanism: SCRAM-SHA-256
            sasl.jaas.config: '${secret:kafka_jaas}'
        streams:
          - { name: events, partitions: 3, buffer: { interval: 1s } }
        """
        .formatted(dataDir, bootstrap);
  }

  private static void jaas(Path dataDir, String password) throws Exception {
    Files.createDirectories(dataDir.resolve("secrets"));
    Files.writeString(
        dataDir.resolve("secrets").resolve("kafka_jaas"),
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + USER.name()
            + "\" password=\""
            + password
            + "\";\n");
  }

  @Test
  void ingestsAndDeliversThroughASaslCluster() throws Exception {
    try (KafkaCluster cluster = KafkaCluster.startWithScram(clusterDir, 3, USER)) {
      Path wrong = dir.resolve("wrong");
      jaas(wrong, "not-the-password");
      long start = System.nanoTime();
      assertThatThrownBy(
              () ->
                  Platform.start(
                      TributaryConfig.fromYaml(yaml(wrong, cluster.bootstrapServers()), "test"),
                      Clock.systemUTC()))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("(kafka.bootstrap-servers) refused to authenticate the platform")
          .hasMessageContaining("kafka.properties.sasl.jaas.config")
          .hasMessageNotContaining("not-the-password");
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("refused at once, not after the reachability timeout")
          .isLessThan(Duration.ofSeconds(10));

      Path node = dir.resolve("node");
      jaas(node, USER.password());
      try (Platform platform =
          Platform.start(
              TributaryConfig.fromYaml(yaml(node, cluster.bootstrapServers()), "test"),
              Clock.systemUTC())) {
        Http http = Http.admin(platform);
        // a 503 "retry shortly" while the new topic's metadata reaches the producer: retry, as
        // clients do
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> http.ndjson("events", "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n").status() == 200);
        long written =
            platform.streamLog().endOffsets("events").values().stream()
                .mapToLong(Long::longValue)
                .sum();
        assertThat(written).as("in the secured cluster's topic").isGreaterThanOrEqualTo(3);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> http.count("SELECT count(*) FROM raw.events") == written);
      }
    }
  }
}
