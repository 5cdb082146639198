package io.tributary.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.core.config.ConfigNode;
import io.tributary.core.config.StreamSpec;
import io.tributary.server.Platform;
import java.time.Duration;

/**
 * Tributary's side of the delivery comparison: the platform's delivery of the filled {@link
 * PeerTopic} into a fresh table, from the moment its delivery starts (once the stream is declared;
 * it reads the topic from the start since the table holds no offsets) until the table's snapshot
 * holds every event; CPU of the whole process (delivery, the broker serving it, JIT, GC).
 */
final class TopicDelivery {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Platform platform;
  private final PeerTopic topic;
  private final Duration interval;

  TopicDelivery(Platform platform, PeerTopic topic, Duration interval) {
    this.platform = platform;
    this.topic = topic;
    this.interval = interval;
  }

  /** Delivers the whole topic into table {@code raw.<topic>_delivery_<round>}. */
  Phase measure(int round) {
    StreamSpec spec =
        StreamSpec.fromConfig(
            topic.name(),
            new ConfigNode(
                JSON.createObjectNode()
                    .put("table", "raw." + topic.name() + "_delivery_" + round)
                    .set(
                        "buffer",
                        JSON.createObjectNode().put("interval", interval.toMillis() + "ms")),
                "bench"));
    System.err.printf("Tributary delivery: %,d events into %s...%n", topic.events(), spec.table());
    // declaring the stream (its topic checked, the declaration stored, the previous round's
    // delivery of the stream stopped) starts its delivery thread: the clock starts there, as the
    // Connect sink's starts at its task's start
    platform.streams().put(spec);
    CpuMeter cpu = CpuMeter.start();
    long start = System.nanoTime();
    long end = new TableWatch(platform, spec.table()).awaitCommitted(topic.events());
    Phase phase = new Phase(topic.events(), end - start, cpu.nanos());
    ExactlyOnce.check(platform.lake().loadTable(spec.table()).orElseThrow(), topic.events());
    return phase;
  }
}
