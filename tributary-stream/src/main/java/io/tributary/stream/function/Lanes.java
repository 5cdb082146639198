package io.tributary.stream.function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.core.config.FieldPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;

/**
 * Splits each poll batch into lanes by key (the Kafka key, else the function's {@code key} field,
 * else the partition) and runs the lanes concurrently on {@code concurrency} threads, each lane in
 * offset order: order per key holds while a slow or failing key holds up only its own lane. A lane
 * whose key is still being handled in the batch before starts after it. Messages that are not JSON
 * objects become dead letters at once.
 */
final class Lanes implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A batch being handled: its lanes run; it can commit once every lane is done. */
  static final class Batch {
    final ConsumerRecords<byte[], byte[]> records;
    final Outcome[] outcomes;

    /** Per message, the values of the records it produces ({@link Outcome#encode}). */
    final byte[][][] values;

    final CompletableFuture<Void> done;
    final long startedNanos;

    Batch(
        ConsumerRecords<byte[], byte[]> records,
        Outcome[] outcomes,
        byte[][][] values,
        CompletableFuture<Void> done,
        long startedNanos) {
      this.records = records;
      this.outcomes = outcomes;
      this.values = values;
      this.done = done;
      this.startedNanos = startedNanos;
    }
  }

  private final FieldPath key;
  private final Attempts attempts;
  private final DeadLetters deadLetters;
  private final Clock clock;
  private final ExecutorService threads;
  private final Map<String, CompletableFuture<Void>> tails = new HashMap<>();

  Lanes(
      String function,
      int concurrency,
      FieldPath key,
      Attempts attempts,
      DeadLetters deadLetters,
      Clock clock) {
    this.key = key;
    this.attempts = attempts;
    this.deadLetters = deadLetters;
    this.clock = clock;
    AtomicLong count = new AtomicLong();
    this.threads =
        Executors.newFixedThreadPool(
            concurrency,
            r -> {
              Thread t = new Thread(r, "function-" + function + "-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts handling {@code records} lane by lane; null if stopping. */
  Batch start(ConsumerRecords<byte[], byte[]> records) {
    long started = System.nanoTime();
    List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>(records.count());
    records.forEach(batch::add);
    Outcome[] outcomes = new Outcome[batch.size()];
    byte[][][] values = new byte[batch.size()][][];
    ObjectNode[] messages = new ObjectNode[batch.size()];
    byte[][] keys = new byte[batch.size()][];
    Map<String, List<Integer>> byLane = new LinkedHashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      ConsumerRecord<byte[], byte[]> record = batch.get(i);
      JsonNode parsed = null;
      String problem = null;
      try {
        parsed = record.value() == null ? null : JSON.readTree(record.value());
      } catch (IOException e) {
        problem = "malformed JSON: " + e.getMessage();
      }
      if (problem == null && (parsed == null || !parsed.isObject())) {
        problem = "the message is not a JSON object";
      }
      if (problem != null) {
        Instant now = clock.instant();
        outcomes[i] =
            new Outcome(
                List.of(),
                deadLetters.letter(record, "invalid_message", problem, 0, now, now),
                record.key());
        values[i] = outcomes[i].encode();
        continue;
      }
      messages[i] = (ObjectNode) parsed;
      keys[i] = keyOf(record, messages[i]);
      String lane =
          keys[i] == null
              ? "p:" + record.partition()
              : "k:" + new String(keys[i], StandardCharsets.UTF_8);
      byLane.computeIfAbsent(lane, k -> new ArrayList<>()).add(i);
    }
    List<CompletableFuture<Void>> laneFutures = new ArrayList<>(byLane.size());
    try {
      for (Map.Entry<String, List<Integer>> lane : byLane.entrySet()) {
        Runnable work =
            () -> {
              for (int i : lane.getValue()) {
                try {
                  outcomes[i] = attempts.handle(batch.get(i), messages[i], keys[i]);
                  values[i] = outcomes[i].encode(); // on the lane: the commit only sends
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new CompletionException(e);
                }
              }
            };
        CompletableFuture<Void> previous = tails.get(lane.getKey());
        CompletableFuture<Void> future =
            previous == null || previous.isDone()
                ? CompletableFuture.runAsync(work, threads)
                : previous.handle((ignored, error) -> null).thenRunAsync(work, threads);
        tails.put(lane.getKey(), future);
        laneFutures.add(future);
      }
    } catch (RejectedExecutionException e) {
      laneFutures.forEach(f -> f.cancel(true));
      return null; // stopping
    }
    return new Batch(
        records,
        outcomes,
        values,
        CompletableFuture.allOf(laneFutures.toArray(CompletableFuture[]::new)),
        started);
  }

  /**
   * The key order is kept per, also the Kafka key of emitted records: the message's Kafka key, else
   * the value of the function's {@code key} field, else none (order per partition).
   */
  private byte[] keyOf(ConsumerRecord<byte[], byte[]> record, ObjectNode message) {
    if (record.key() != null) {
      return record.key();
    }
    if (key != null) {
      JsonNode value = key.resolve(message);
      if (value.isValueNode() && !value.isNull()) {
        return value.asText().getBytes(StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  /** Forgets the lanes that are done (after a commit). */
  void forgetFinished() {
    tails.values().removeIf(CompletableFuture::isDone);
  }

  /** Lets the lanes of {@code batches} finish (or gives up on them), before handling them again. */
  void drain(Collection<Batch> batches) throws InterruptedException {
    for (Batch batch : batches) {
      try {
        batch.done.get(30, TimeUnit.SECONDS);
      } catch (TimeoutException | ExecutionException | CancellationException e) {
        // done or abandoned
      }
    }
    tails.clear();
  }

  /** Stops the lane threads, waking lanes waiting to retry. */
  @Override
  public void close() {
    threads.shutdownNow();
  }
}
