package io.tributary.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.config.ConfigException;
import io.tributary.core.config.Replication;
import io.tributary.core.config.TributaryConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamLogIT {
  @TempDir Path dataDir;

  @Test
  void embeddedBrokerKeepsTopicsDataAndOffsetsAcrossRestart() throws Exception {
    TributaryConfig.Kafka settings = KafkaTestSupport.embedded();
    try (StreamLog log = StreamLog.start(settings, dataDir)) {
      assertThat(log.bootstrapServers()).isEqualTo("127.0.0.1:" + settings.port());
      log.ensureTopic("events", 2, 1 << 20);
      log.ensureTopic("events", 2, 1 << 20);
      log.ensureTopic("events", 4, 1 << 20);
      log.ensureTopic("events", 1, 1 << 20);
      assertThat(log.endOffsets("events")).containsOnlyKeys(0, 1, 2, 3);
      for (int i = 0; i < 10; i++) {
        log.producer()
            .send(
                new ProducerRecord<>(
                    "events", ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)))
            .get();
      }
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(log.consumerProperties("group-1"))) {
        consumer.subscribe(List.of("events"));
        int read = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (read < 10 && System.nanoTime() < deadline) {
          ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
          read += records.count();
        }
        assertThat(read).isEqualTo(10);
        consumer.commitSync();
      }
    }

    try (StreamLog log = StreamLog.start(settings, dataDir)) {
      assertThat(log.endOffsets("events").values().stream().mapToLong(Long::longValue).sum())
          .isEqualTo(10);
      assertThat(KafkaTestSupport.values(KafkaTestSupport.readAll(log, "events")))
          .hasSize(10)
          .contains("{\"n\":0}", "{\"n\":9}");
      Map<TopicPartition, OffsetAndMetadata> committed =
          log.admin().listConsumerGroupOffsets("group-1").partitionsToOffsetAndMetadata().get();
      assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum())
          .isEqualTo(10);
      log.deleteTopic("events");
      log.deleteTopic("events");
    }
  }

  @Test
  void replicationFollowsTheClusterAndRefusesWhatItCannotHave() throws Exception {
    try (StreamLog log = StreamLog.start(KafkaTestSupport.embedded(), dataDir)) {
      assertThat(log.brokerCount()).isEqualTo(1);
      log.ensureTopic("defaults", 1, 1 << 20);
      assertThat(topicConfig(log, "defaults", TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG))
          .isEqualTo("1");
      assertThatThrownBy(
              () -> log.ensureTopicOf("stream", "wide", null, 1, 1 << 20, new Replication(3, 2)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("stream 'wide'")
          .hasMessageContaining("replication-factor 3")
          .hasMessageContaining("has 1 broker(s)")
          .extracting(e -> ((InvalidInputException) e).errorCode())
          .isEqualTo(ErrorCode.INVALID_REPLICATION);
      assertThat(log.admin().listTopics().names().get()).doesNotContain("wide");
      assertThatThrownBy(
              () -> log.ensureTopicOf("stream", "defaults", 1, 1, 1 << 20, new Replication(2, 0)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("Cannot change the replication-factor of stream 'defaults'")
          .hasMessageContaining("from 1 to 2");
      log.ensureTopicOf("stream", "defaults", 1, 2, 1 << 20, new Replication(1, 1));
      assertThat(log.endOffsets("defaults")).containsOnlyKeys(0, 1);
    }
  }

  @Test
  void externalClientPropertiesAreCheckedAtStart() throws Exception {
    try (StreamLog cluster = StreamLog.start(KafkaTestSupport.embedded(), dataDir)) {
      TributaryConfig.Kafka unknown =
          new TributaryConfig.Kafka(
              TributaryConfig.KafkaMode.EXTERNAL,
              9092,
              9093,
              cluster.bootstrapServers(),
              Map.of("acks", "0"));
      assertThatThrownBy(() -> StreamLog.start(unknown, dataDir.resolve("unused")))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("kafka.properties.acks")
          .hasMessageContaining("'0'");
      TributaryConfig.Kafka incomplete =
          new TributaryConfig.Kafka(
              TributaryConfig.KafkaMode.EXTERNAL,
              9092,
              9093,
              cluster.bootstrapServers(),
              Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN"));
      assertThatThrownBy(() -> StreamLog.start(incomplete, dataDir.resolve("unused")))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("kafka.properties");
      TributaryConfig.Kafka passed =
          new TributaryConfig.Kafka(
              TributaryConfig.KafkaMode.EXTERNAL,
              9092,
              9093,
              cluster.bootstrapServers(),
              Map.of("security.protocol", "PLAINTEXT", "reconnect.backoff.max.ms", "500"));
      try (StreamLog external =
          StreamLog.start(
              passed,
              TributaryConfig.Ingest.DEFAULT,
              dataDir.resolve("unused"),
              false,
              new SecureRandom(),
              (text, where) -> text)) {
        assertThat(external.connectionProperties())
            .containsEntry("reconnect.backoff.max.ms", "500")
            .containsEntry("bootstrap.servers", cluster.bootstrapServers());
        assertThat(external.brokerCount()).isEqualTo(1);
      }
    }
  }

  private static String topicConfig(StreamLog log, String topic, String key) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return log.admin()
        .describeConfigs(List.of(resource))
        .all()
        .get()
        .get(resource)
        .get(key)
        .value();
  }

  @Test
  void portInUseNamesTheConfigKey() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      TributaryConfig.Kafka settings =
          KafkaTestSupport.embedded(taken.getLocalPort(), KafkaTestSupport.freePort());
      assertThatThrownBy(() -> StreamLog.start(settings, dataDir))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("kafka.port")
          .hasMessageContaining(Integer.toString(taken.getLocalPort()));
    }
  }
}
