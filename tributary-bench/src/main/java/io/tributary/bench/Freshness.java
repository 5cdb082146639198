package io.tributary.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.core.config.StreamSpec;
import io.tributary.server.Platform;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Freshness at a steady load: one client sends a batch every 100 ms at a given rate for three
 * buffer intervals (at least 10 s); each batch's acknowledgement time is compared with the moment a
 * SQL query first sees all its rows.
 */
final class Freshness {
  private static final long BATCH_MILLIS = 100;

  private final Platform platform;
  private final StreamSpec stream;

  Freshness(Platform platform, StreamSpec stream) {
    this.platform = platform;
    this.stream = stream;
  }

  /** Percentiles of the delay from acknowledgement to visibility, and the load they were at. */
  record Result(double p50Millis, double p99Millis, double loadEventsPerSecond) {}

  /**
   * Sends copies of {@code template} events numbered from batch {@code firstBatch} on, at {@code
   * rate} events per second.
   */
  Result measure(List<ObjectNode> template, int firstBatch, double rate) throws Exception {
    int perBatch = Math.max(1, (int) Math.round(rate / 10));
    long millis = Math.max(10_000, 3 * stream.buffer().interval().toMillis());
    int batches = (int) (millis / BATCH_MILLIS);
    System.err.printf("freshness: %,d events/s for %d s...%n", perBatch * 10, millis / 1000);
    RecordsEndpoint endpoint = new RecordsEndpoint(platform, stream.name());
    long[] ackedAt = new long[batches];
    Thread sender =
        new Thread(
            () -> {
              long next = System.nanoTime();
              for (int b = 0; b < batches; b++) {
                StringBuilder body = new StringBuilder();
                for (int i = 0; i < perBatch; i++) {
                  ObjectNode event = template.get((b * perBatch + i) % template.size()).deepCopy();
                  event.put("bench_batch", firstBatch + b);
                  body.append(event).append('\n');
                }
                LockSupport.parkNanos(next - System.nanoTime());
                next += TimeUnit.MILLISECONDS.toNanos(BATCH_MILLIS);
                try {
                  endpoint.post(body.toString().getBytes(StandardCharsets.UTF_8));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
                ackedAt[b] = System.nanoTime();
              }
            },
            "freshness-sender");
    sender.start();
    long[] visibleAt =
        new TableWatch(platform, stream.table()).awaitVisible(firstBatch, batches, perBatch);
    sender.join();
    double[] freshness = new double[batches];
    for (int b = 0; b < batches; b++) {
      freshness[b] = Math.max(0, (visibleAt[b] - ackedAt[b]) / 1e6);
    }
    Arrays.sort(freshness);
    return new Result(percentile(freshness, 0.50), percentile(freshness, 0.99), perBatch * 10.0);
  }

  private static double percentile(double[] sorted, double p) {
    return sorted.length == 0
        ? 0
        : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  }
}
