package io.tributary.bench;

import io.tributary.server.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The topic both delivery peers read, Tributary's delivery and the Kafka Connect sink: filled once,
 * before them, with the benchmark's events (the gateway's producer, untimed), then read by each
 * into a fresh table of its own every round.
 */
record PeerTopic(String name, long events) {
  /** Partitions, as a stream has by default; the Connect sink runs one task over all of them. */
  static final int PARTITIONS = 3;

  private static final int BATCHES_IN_FLIGHT = 20;

  PeerTopic {
    if (events < 1) {
      throw new IllegalArgumentException("The peer topic " + name + " needs events, not " + events);
    }
  }

  /** Creates {@code name} and sends it the records of bodies {@code first..end}, acknowledged. */
  static PeerTopic fill(Platform platform, String name, Bodies bodies, int first, int end)
      throws Exception {
    create(platform, name, PARTITIONS);
    Producer<byte[], byte[]> producer = platform.streamLog().producer();
    System.err.printf("peer topic %s: %,d events...%n", name, (long) (end - first) * Bodies.BATCH);
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    for (int b = first; b < end; b++) {
      for (byte[] record : bodies.records(b)) {
        acks.add(producer.send(new ProducerRecord<>(name, record)));
      }
      if ((b - first + 1) % BATCHES_IN_FLIGHT == 0 || b == end - 1) {
        for (Future<RecordMetadata> ack : acks) {
          ack.get();
        }
        acks.clear();
      }
    }
    return new PeerTopic(name, (long) (end - first) * Bodies.BATCH);
  }

  /**
   * Creates the topic and waits (at most 30 s) until every partition's leader answers: the shared
   * idempotent producer's first sends to a partition whose leader is not ready yet fail, and its
   * retries then fail for good with out-of-order sequence numbers.
   */
  static void create(Platform platform, String name, int partitions) {
    platform.streamLog().ensureTopic(name, partitions, 8L << 20);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        platform.streamLog().endOffsets(name);
        return;
      } catch (RuntimeException notYet) {
        if (System.nanoTime() > deadline) {
          throw notYet;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
    }
  }
}
