package io.tributary.bench;

import io.tributary.server.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The raw Kafka producer peer: the gateway's own producer settings, the same records, the same
 * embedded broker; one untimed pass first, as the end-to-end run has its warm-up, then passes for
 * at least 5 s.
 */
final class KafkaProducerPeer {
  private static final String TOPIC = "bench_raw";
  private static final long MIN_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final Platform platform;

  KafkaProducerPeer(Platform platform) {
    this.platform = platform;
  }

  /** Sends the records of bodies {@code first..end} and measures the timed passes. */
  Phase measure(Bodies bodies, int first, int end) throws Exception {
    PeerTopic.create(platform, TOPIC, 3);
    Producer<byte[], byte[]> producer = platform.streamLog().producer();
    List<byte[]> records = new ArrayList<>((end - first) * Bodies.BATCH);
    for (int b = first; b < end; b++) {
      records.addAll(bodies.records(b));
    }
    System.err.printf(
        "raw Kafka producer: %,d records (after as many to warm up), again for 5 s...%n",
        records.size());
    sendAll(producer, records);
    CpuMeter cpu = CpuMeter.start();
    long start = System.nanoTime();
    long sent = 0;
    do { // a single pass of a fast producer lasts about a second: too short to be steady
      sendAll(producer, records);
      sent += records.size();
    } while (System.nanoTime() - start < MIN_NANOS);
    return new Phase(sent, System.nanoTime() - start, cpu.nanos());
  }

  private static void sendAll(Producer<byte[], byte[]> producer, List<byte[]> records)
      throws Exception {
    List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
    for (byte[] record : records) {
      acks.add(producer.send(new ProducerRecord<>(TOPIC, record)));
    }
    for (Future<RecordMetadata> ack : acks) {
      ack.get();
    }
  }
}
