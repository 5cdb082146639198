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
 * {@code kafka.mode: external} against a Kafka cluster whose client listener is SSL (TLS, a key and
 * self-signed certificate made by the JDK's keytool, {@link TestTls}): the platform's clients get
 * the {@code ssl.truststore.*} settings of {@code kafka.properties} (the truststore's password from
 * a secret), ingest and delivery work; a truststore that does not trust the brokers' certificate
 * stops the start at once with a message naming the truststore keys, without the password.
 */
class TlsKafkaClusterIT {
  private static final String PASSWORD = "store-pass-1";

  @TempDir Path clusterDir;
  @TempDir Path dir;

  private static String yaml(Path dataDir, String bootstrap, Path truststore) {
    return """
        data-dir: %s
        http: { port: 0 }
        pgwire: { enabled: false }
        kafka:
          mode: external
          bootstrap-servers: %s
          properties:
            security.protocol: SSL
            ssl.truststore.type: PKCS12
            ssl.truststore.location: %s
            ssl.truststore.password: '${secret:kafka_truststore_password}'
        streams:
          - { name: events, partitions: 2, buffer: { interval: 1s } }
        """
        .formatted(dataDir, bootstrap, truststore);
  }

  private static Path node(Path dataDir) throws Exception {
    Files.createDirectories(dataDir.resolve("secrets"));
    Files.writeString(dataDir.resolve("secrets").resolve("kafka_truststore_password"), PASSWORD);
    return dataDir;
  }

  @Test
  void ingestsAndDeliversThroughATlsCluster() throws Exception {
    TestTls brokers = TestTls.generate(dir.resolve("tls"), PASSWORD);
    TestTls other = TestTls.generate(dir.resolve("other-tls"), PASSWORD);
    try (KafkaCluster cluster = KafkaCluster.startWithTls(clusterDir, 1, brokers)) {
      Path wrong = node(dir.resolve("wrong"));
      long start = System.nanoTime();
      assertThatThrownBy(
              () ->
                  Platform.start(
                      TributaryConfig.fromYaml(
                          yaml(wrong, cluster.bootstrapServers(), other.truststore()), "test"),
                      Clock.systemUTC()))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("(kafka.bootstrap-servers)")
          .hasMessageContaining("TLS")
          .hasMessageContaining("kafka.properties.ssl.truststore.location")
          .hasMessageNotContaining(PASSWORD);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("refused at once, not after the reachability timeout")
          .isLessThan(Duration.ofSeconds(10));

      Path node = node(dir.resolve("node"));
      try (Platform platform =
          Platform.start(
              TributaryConfig.fromYaml(
                  yaml(node, cluster.bootstrapServers(), brokers.truststore()), "test"),
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
        assertThat(written).as("in the TLS cluster's topic").isGreaterThanOrEqualTo(3);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> http.count("SELECT count(*) FROM raw.events") == written);
      }
    }
  }
}
