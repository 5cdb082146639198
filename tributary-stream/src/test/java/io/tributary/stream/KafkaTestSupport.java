package io.tributary.stream;

import io.tributary.core.config.TributaryConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Free ports, embedded settings and topic reading for the integration tests. */
public final class KafkaTestSupport {
  private KafkaTestSupport() {}

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static TributaryConfig.Kafka embedded() {
    return embedded(freePort(), freePort());
  }

  static TributaryConfig.Kafka embedded(int port, int controllerPort) {
    return new TributaryConfig.Kafka(
        TributaryConfig.KafkaMode.EMBEDDED, port, controllerPort, null);
  }

  public static Supplier<Connection> sqlite(java.nio.file.Path file) {
    return () -> {
      try {
        return DriverManager.getConnection("jdbc:sqlite:" + file);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    };
  }

  /** Every record of {@code topic} from the beginning to the current end offsets. */
  public static List<ConsumerRecord<byte[], byte[]>> readAll(StreamLog log, String topic) {
    Map<Integer, Long> ends = log.endOffsets(topic);
    Map<String, Object> config = log.consumerProperties("test-reader");
    config.remove("group.id");
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> partitions =
          ends.keySet().stream().map(p -> new TopicPartition(topic, p)).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp.partition()))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("Could not read " + topic + " up to " + ends);
        }
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
  }
}
