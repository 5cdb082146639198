package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.core.config.TributaryConfig;
import io.tributary.stream.StreamLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kafka.mode: external}: the platform runs against a Kafka cluster it does not own (here a
 * broker started separately in its own directory), with no other difference.
 */
class ExternalKafkaIT {
  @TempDir Path clusterDir;
  @TempDir Path dir;

  @Test
  void deliversFromAnExternalCluster() throws Exception {
    int port = TestConfigs.freePort();
    var clusterSettings =
        new TributaryConfig.Kafka(
            TributaryConfig.KafkaMode.EMBEDDED, port, TestConfigs.freePort(), null);
    try (StreamLog cluster =
        StreamLog.start(clusterSettings, TributaryConfig.Ingest.DEFAULT, clusterDir)) {
      // a client setting whose value is a secret, here from <data-dir>/secrets/<name>
      Files.createDirectories(dir.resolve("secrets"));
      Files.writeString(dir.resolve("secrets").resolve("kafka_backoff"), "750\n");
      String yaml =
          "data-dir: "
              + dir
              + "\nhttp: { port: 0 }\npgwire: { port: 0 }\nkafka: { mode: external, bootstrap-servers: "
              + cluster.bootstrapServers()
              + ", properties: { reconnect.backoff.max.ms: '${secret:kafka_backoff}' } }"
              + "\nstreams:\n  - name: ext\n    buffer: { interval: 1s }\n";
      try (Platform platform =
          Platform.start(TributaryConfig.fromYaml(yaml, "test"), Clock.systemUTC())) {
        assertThat(platform.streamLog().connectionProperties())
            .containsEntry("reconnect.backoff.max.ms", "750");
        Http http = Http.admin(platform);
        assertThat(http.ndjson("ext", "{\"a\":1}\n{\"a\":2}\n").body().path("accepted").asInt())
            .isEqualTo(2);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> http.count("SELECT count(*) FROM raw.ext") == 2);
        assertThat(cluster.endOffsets("ext").values().stream().mapToLong(Long::longValue).sum())
            .isEqualTo(2);
      }
    }
  }
}
