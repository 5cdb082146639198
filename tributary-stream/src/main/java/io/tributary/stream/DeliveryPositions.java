package io.tributary.stream;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Where one stream's delivery stands in its topic: the next offsets the table and its error table
 * hold (read from their snapshots at start), the offsets read since the last commit, and the
 * consumer's assignment, positioned after what the table holds. Used by the delivery thread only.
 */
final class DeliveryPositions {
  private static final Duration PARTITION_CHECK = Duration.ofSeconds(30);

  private final String topic;
  private final Consumer<byte[], byte[]> consumer;
  private final Clock clock;
  private final Map<Integer, Long> dataOffsets = new HashMap<>();
  private final Map<Integer, Long> errorOffsets = new HashMap<>();
  private final Map<Integer, Long> nextOffsets = new HashMap<>();
  private final List<TopicPartition> assigned = new ArrayList<>();
  private long lastPartitionCheck;

  DeliveryPositions(String topic, Consumer<byte[], byte[]> consumer, Clock clock) {
    this.topic = topic;
    this.consumer = consumer;
    this.clock = clock;
  }

  /** Assigns every partition and positions each after the offsets the table holds. */
  void resume(Map<Integer, Long> tableOffsets, Map<Integer, Long> errorTableOffsets) {
    dataOffsets.putAll(tableOffsets);
    errorOffsets.putAll(errorTableOffsets);
    assignPartitions();
  }

  Map<Integer, Long> dataOffsets() {
    return Map.copyOf(dataOffsets);
  }

  Map<Integer, Long> errorOffsets() {
    return Map.copyOf(errorOffsets);
  }

  /** Assigns partitions added to the topic since the last check, every 30 s. */
  void checkPartitions() {
    if (clock.millis() - lastPartitionCheck >= PARTITION_CHECK.toMillis()) {
      assignPartitions();
      lastPartitionCheck = clock.millis();
    }
  }

  private void assignPartitions() {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo info : infos) {
      partitions.add(new TopicPartition(info.topic(), info.partition()));
    }
    if (partitions.size() == assigned.size()) {
      return;
    }
    List<TopicPartition> added = new ArrayList<>(partitions);
    added.removeAll(assigned);
    consumer.assign(partitions);
    seekToTable(added);
    assigned.clear();
    assigned.addAll(partitions);
    lastPartitionCheck = clock.millis();
  }

  /** Seeks every assigned partition back to the offsets the table holds, to read them again. */
  void seekBack() {
    nextOffsets.clear();
    seekToTable(assigned);
  }

  private void seekToTable(List<TopicPartition> partitions) {
    List<TopicPartition> fromStart = new ArrayList<>();
    for (TopicPartition partition : partitions) {
      Long next = dataOffsets.get(partition.partition());
      if (next == null) {
        fromStart.add(partition);
      } else {
        consumer.seek(partition, next);
      }
    }
    if (!fromStart.isEmpty()) { // an empty collection would rewind every assigned partition
      consumer.seekToBeginning(fromStart);
    }
  }

  /** The records in Kafka not read yet. */
  long lag() {
    long total = 0;
    for (TopicPartition partition : assigned) {
      total += consumer.currentLag(partition).orElse(0);
    }
    return total;
  }

  /** Notes a record read for the next commit. */
  void read(int partition, long offset) {
    nextOffsets.merge(partition, offset + 1, Math::max);
  }

  /** Whether the table does not hold the record at {@code offset} yet. */
  boolean isNew(int partition, long offset) {
    return offset >= dataOffsets.getOrDefault(partition, 0L);
  }

  /** Whether the error table holds the error of the record at {@code offset} already. */
  boolean errorCommitted(int partition, long offset) {
    return offset < errorOffsets.getOrDefault(partition, 0L);
  }

  /** Whether the table holds offsets (has had a delivery commit). */
  boolean tableHasOffsets() {
    return !dataOffsets.isEmpty();
  }

  /** The offsets the next commit carries: the table's, advanced by the records read since. */
  Map<Integer, Long> next() {
    Map<Integer, Long> offsets = new HashMap<>(dataOffsets);
    nextOffsets.forEach((partition, offset) -> offsets.merge(partition, offset, Math::max));
    return offsets;
  }

  void errorsCommitted(Map<Integer, Long> offsets) {
    errorOffsets.putAll(offsets);
  }

  /** Records a commit of the table at {@code offsets}; reports them to the consumer group. */
  void dataCommitted(Map<Integer, Long> offsets) {
    dataOffsets.putAll(offsets);
    nextOffsets.clear();
  }

  /** The table's offsets as consumer group offsets (for monitoring only). */
  Map<TopicPartition, OffsetAndMetadata> groupOffsets() {
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    dataOffsets.forEach(
        (p, o) -> commit.put(new TopicPartition(topic, p), new OffsetAndMetadata(o)));
    return commit;
  }
}
