package io.tributary.stream;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Where one stream's delivery stands in the partitions of its topic this node owns (the consumer
 * group assigns them; several nodes share a topic): the next offsets the table and its error table
 * hold for each owned partition (read from their snapshots when the partition is assigned), the
 * offsets read since the last commit, and the consumer positioned after what the table holds. Used
 * by the delivery thread only.
 */
final class DeliveryPositions {
  private final String topic;
  private final Consumer<byte[], byte[]> consumer;
  private final Set<Integer> owned = new TreeSet<>();
  private final Map<Integer, Long> dataOffsets = new HashMap<>();
  private final Map<Integer, Long> errorOffsets = new HashMap<>();
  private final Map<Integer, Long> nextOffsets = new HashMap<>();
  private boolean tableHasOffsets;

  DeliveryPositions(String topic, Consumer<byte[], byte[]> consumer) {
    this.topic = topic;
    this.consumer = consumer;
  }

  /**
   * Takes ownership of {@code partitions} (or reloads them after being fenced), positioning each
   * after the offsets the table holds: {@code tableOffsets} and {@code errorTableOffsets} are the
   * tables' offsets of every partition, read now.
   */
  void assigned(
      Collection<TopicPartition> partitions,
      Map<Integer, Long> tableOffsets,
      Map<Integer, Long> errorTableOffsets) {
    tableHasOffsets = !tableOffsets.isEmpty();
    for (TopicPartition partition : partitions) {
      int p = partition.partition();
      owned.add(p);
      nextOffsets.remove(p);
      put(dataOffsets, p, tableOffsets.get(p));
      put(errorOffsets, p, errorTableOffsets.get(p));
    }
    seekToTable(partitions);
  }

  private static void put(Map<Integer, Long> offsets, int partition, Long offset) {
    if (offset == null) {
      offsets.remove(partition);
    } else {
      offsets.put(partition, offset);
    }
  }

  /** Gives up {@code partitions}: nothing read from them is committed by this node any more. */
  void revoked(Collection<TopicPartition> partitions) {
    for (TopicPartition partition : partitions) {
      int p = partition.partition();
      owned.remove(p);
      dataOffsets.remove(p);
      errorOffsets.remove(p);
      nextOffsets.remove(p);
    }
  }

  /** The partitions this node owns, in order. */
  List<Integer> owned() {
    return List.copyOf(owned);
  }

  Map<Integer, Long> dataOffsets() {
    return Map.copyOf(dataOffsets);
  }

  Map<Integer, Long> errorOffsets() {
    return Map.copyOf(errorOffsets);
  }

  /** Seeks every owned partition back to the offsets the table holds, to read them again. */
  void seekBack() {
    nextOffsets.clear();
    List<TopicPartition> partitions = new ArrayList<>();
    owned.forEach(p -> partitions.add(new TopicPartition(topic, p)));
    seekToTable(partitions);
  }

  private void seekToTable(Collection<TopicPartition> partitions) {
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

  /**
   * Whether the consumer has read every owned partition to its end, as of the last fetch (false
   * when the lag of a partition is not known yet).
   */
  boolean caughtUp() {
    Set<TopicPartition> assigned = consumer.assignment();
    if (assigned.isEmpty()) {
      return false;
    }
    for (TopicPartition partition : assigned) {
      OptionalLong lag = consumer.currentLag(partition);
      if (lag.isEmpty() || lag.getAsLong() > 0) {
        return false;
      }
    }
    return true;
  }

  /** The records in Kafka not read yet. */
  long lag() {
    long total = 0;
    for (TopicPartition partition : consumer.assignment()) {
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
    return tableHasOffsets;
  }

  /**
   * The offsets the next commit advances: for each partition read since the last commit, the offset
   * after the last record read. The commit merges them into the table's offsets of the others.
   */
  Map<Integer, Long> next() {
    return Map.copyOf(nextOffsets);
  }

  void errorsCommitted(Map<Integer, Long> offsets) {
    offsets.forEach((p, o) -> errorOffsets.merge(p, o, Math::max));
  }

  /** Records a commit of the table advancing {@code offsets}. */
  void dataCommitted(Map<Integer, Long> offsets) {
    dataOffsets.putAll(offsets);
    nextOffsets.clear();
    tableHasOffsets |= !offsets.isEmpty();
  }

  /** The table's offsets of the owned partitions as consumer group offsets (for monitoring). */
  Map<TopicPartition, OffsetAndMetadata> groupOffsets() {
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    dataOffsets.forEach(
        (p, o) -> commit.put(new TopicPartition(topic, p), new OffsetAndMetadata(o)));
    return commit;
  }
}
