package io.tributary.bench;

import io.tributary.core.config.StreamSpec;
import io.tributary.server.Platform;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * End-to-end ingestion over HTTP: {@code clients} HTTP clients post NDJSON bodies as fast as the
 * gateway takes them; measured until all their rows are committed to the stream's table (and then
 * checked visible to SQL, batch by batch).
 */
final class EndToEndLoad {
  private static final String LOAD_THREAD = "bench-client-";

  private final List<Platform> nodes;
  private final StreamSpec stream;
  private final int clients;

  EndToEndLoad(Platform platform, StreamSpec stream, int clients) {
    this(List.of(platform), stream, clients);
  }

  /**
   * Load spread over several nodes of one platform (client {@code c} posts to node {@code c mod
   * n}); the rows are awaited on the first node, which sees every node's commits.
   */
  EndToEndLoad(List<Platform> nodes, StreamSpec stream, int clients) {
    if (clients < 1) {
      throw new IllegalArgumentException("--clients must be at least 1, not " + clients);
    }
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("End-to-end load needs at least one node");
    }
    this.nodes = List.copyOf(nodes);
    this.stream = stream;
    this.clients = clients;
  }

  /**
   * The phase from the first post to the last row committed, and the rate at which the gateway
   * acknowledged the events.
   */
  record Result(Phase phase, double ackedPerSecond) {}

  /** Posts bodies {@code first..first+count} and awaits their rows. */
  Result measure(Bodies bodies, int first, int count) throws Exception {
    List<RecordsEndpoint> endpoints = new ArrayList<>();
    for (Platform node : nodes) {
      endpoints.add(new RecordsEndpoint(node, stream.name()));
    }
    TableWatch watch = new TableWatch(nodes.get(0), stream.table());
    long[] ackedAt = new long[count];
    AtomicInteger nextBatch = new AtomicInteger();
    AtomicInteger threads = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            clients, task -> new Thread(task, LOAD_THREAD + threads.incrementAndGet()));
    CpuMeter cpu = CpuMeter.start(EndToEndLoad::isLoadGenerator);
    long start = System.nanoTime();
    List<Future<?>> senders = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      RecordsEndpoint endpoint = endpoints.get(c % endpoints.size());
      senders.add(
          pool.submit(
              () -> {
                for (int b = nextBatch.getAndIncrement();
                    b < count;
                    b = nextBatch.getAndIncrement()) {
                  endpoint.post(bodies.body(first + b));
                  ackedAt[b] = System.nanoTime();
                }
                return null;
              }));
    }
    long end = watch.awaitCommitted((long) (first + count) * Bodies.BATCH);
    long cpuNanos = cpu.nanos();
    for (Future<?> sender : senders) {
      sender.get();
    }
    pool.shutdownNow();
    watch.awaitVisible(first, count, Bodies.BATCH); // and every batch is whole in SQL
    long lastAck = Arrays.stream(ackedAt).max().orElse(start);
    long events = (long) count * Bodies.BATCH;
    return new Result(new Phase(events, end - start, cpuNanos), events / ((lastAck - start) / 1e9));
  }

  /** The benchmark's own HTTP clients: their CPU is not the platform's. */
  private static boolean isLoadGenerator(String thread) {
    return thread.startsWith(LOAD_THREAD) || thread.startsWith("HttpClient-");
  }
}
