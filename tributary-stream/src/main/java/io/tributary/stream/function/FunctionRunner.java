package io.tributary.stream.function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.tributary.core.ComponentState;
import io.tributary.core.config.FieldPath;
import io.tributary.core.config.FunctionSpec;
import io.tributary.spi.PermanentFailureException;
import io.tributary.stream.StreamLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one function: consume, handle, produce, exactly once, on its own thread.
 *
 * <p>Each poll batch is split into lanes by key (the Kafka key, else the function's {@code key}
 * field, else the partition); lanes run concurrently on {@code concurrency} threads, each lane in
 * offset order, so order per key holds while a slow or failing key holds up only its own lane.
 * Every message is retried with exponential back-off and jitter up to {@code retry.attempts}; what
 * still fails, or fails permanently, becomes a dead-letter record. Then one Kafka transaction
 * carries the batch's emitted records, its dead letters and the consumer offsets after it ({@code
 * sendOffsetsToTransaction}): all of it is committed, or none, and readers with {@code
 * read_committed} see each result once. After a crash the uncommitted batch is aborted (by the
 * restarted producer's {@code initTransactions}) and handled again.
 */
final class FunctionRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FunctionRunner.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration THROUGHPUT_WINDOW = Duration.ofSeconds(5);
  private static final Duration IN_FLIGHT_WAIT = Duration.ofMillis(20);

  /**
   * How long a transaction may stay open before the broker aborts it. A transaction spans only the
   * commit of a handled batch (begun after its lanes finished), which takes milliseconds; the bound
   * matters when no restarted instance aborts it (a function deleted while the platform was down,
   * another process on an external cluster): {@code read_committed} readers of the target streams
   * wait that long. Kafka's default is 60 s.
   */
  static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(15);

  /**
   * Batches handled at once: the next batch starts while the one before finishes its slowest lanes
   * (a key in both waits for the earlier lane), and batches commit one after another, in order.
   */
  private static final int MAX_BATCHES_IN_FLIGHT = 2;

  private final FunctionSpec spec;
  private final FieldPath key;
  private final Handler handler;
  private final StreamLog log;
  private final Clock clock;
  private final Random jitter;
  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final Thread thread;
  private final ExecutorService lanes;
  private final Map<String, CompletableFuture<Void>> tails = new HashMap<>();
  private volatile boolean running = true;
  private volatile ComponentState state = ComponentState.STARTING;

  private final AtomicLong processed = new AtomicLong();
  private final AtomicLong emitted = new AtomicLong();
  private final AtomicLong filtered = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong deadLetters = new AtomicLong();
  private final AtomicLong lag = new AtomicLong();
  private final AtomicReference<String> lastError = new AtomicReference<>();
  private volatile double throughput;
  private long windowStartMillis;
  private long windowStartProcessed;

  private final Counter processedCounter;
  private final Counter emittedCounter;
  private final Counter filteredCounter;
  private final Counter retryCounter;
  private final Counter deadLetterCounter;
  private final Timer batchLatency;

  /** What became of one message. */
  private record Outcome(List<Handler.Emit> emits, ObjectNode deadLetter, byte[] key) {}

  FunctionRunner(
      FunctionSpec spec,
      FieldPath key,
      Handler handler,
      StreamLog log,
      MeterRegistry registry,
      Clock clock,
      Random jitter) {
    this.spec = spec;
    this.key = key;
    this.handler = handler;
    this.log = log;
    this.registry = registry;
    this.clock = clock;
    this.jitter = jitter;
    Tags tags = Tags.of("function", spec.name(), "topic", spec.topic());
    processedCounter =
        register(Counter.builder("tributary.function.processed").tags(tags).register(registry));
    emittedCounter =
        register(Counter.builder("tributary.function.emitted").tags(tags).register(registry));
    filteredCounter =
        register(Counter.builder("tributary.function.filtered").tags(tags).register(registry));
    retryCounter =
        register(Counter.builder("tributary.function.retries").tags(tags).register(registry));
    deadLetterCounter =
        register(Counter.builder("tributary.function.dead.letters").tags(tags).register(registry));
    batchLatency =
        register(
            Timer.builder("tributary.function.batch.latency")
                .tags(tags)
                .publishPercentiles(0.5, 0.99)
                .register(registry));
    register(
        Gauge.builder("tributary.function.lag", lag, AtomicLong::get)
            .tags(tags)
            .register(registry));
    this.lanes =
        Executors.newFixedThreadPool(
            spec.concurrency(),
            new java.util.concurrent.ThreadFactory() {
              private final AtomicLong count = new AtomicLong();

              @Override
              public Thread newThread(Runnable r) {
                Thread t = new Thread(r, "function-" + spec.name() + "-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
              }
            });
    this.thread = new Thread(this::run, "function-" + spec.name());
  }

  private <T extends Meter> T register(T meter) {
    meters.add(meter);
    return meter;
  }

  void start() {
    thread.start();
  }

  FunctionSpec spec() {
    return spec;
  }

  FunctionStatus status() {
    return new FunctionStatus(
        spec.name(),
        spec.topic(),
        spec.type(),
        spec.emitTo(),
        spec.deadLetterStream(),
        state,
        processed.get(),
        emitted.get(),
        filtered.get(),
        retries.get(),
        deadLetters.get(),
        lag.get(),
        Math.round(throughput * 10) / 10.0,
        lastError.get());
  }

  private KafkaConsumer<byte[], byte[]> newConsumer() {
    Map<String, Object> props = log.consumerProperties(spec.consumerGroup());
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, spec.batchSize());
    // static membership: a restarted process takes its partitions back at once instead of waiting
    // for the session of its killed predecessor to time out
    props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, spec.consumerGroup() + "-0");
    long worstBatchMillis =
        (long) spec.retry().attempts()
                * (spec.timeout().toMillis() + spec.retry().maxDelay().toMillis())
            + 60_000;
    props.put(
        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
        (int)
            Math.min(
                Integer.MAX_VALUE, Math.max(300_000, MAX_BATCHES_IN_FLIGHT * worstBatchMillis)));
    return new KafkaConsumer<>(props);
  }

  private KafkaProducer<byte[], byte[]> newProducer() {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, log.bootstrapServers());
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(spec));
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 << 10);
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20);
    config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) TRANSACTION_TIMEOUT.toMillis());
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config);
    try {
      producer.initTransactions(); // fences an earlier instance and aborts its open transaction
    } catch (RuntimeException e) {
      producer.close(Duration.ZERO);
      throw e;
    }
    return producer;
  }

  /**
   * The transactional id: the function's name only, the same in every process and restart, so a
   * restarted function's {@code initTransactions} aborts the transaction its killed predecessor
   * left open at once (instead of leaving it to its timeout, holding {@code read_committed} readers
   * of the target streams).
   */
  static String transactionalId(FunctionSpec spec) {
    return "tributary-fn-" + spec.name();
  }

  private void run() {
    KafkaConsumer<byte[], byte[]> consumer = null;
    KafkaProducer<byte[], byte[]> producer = null;
    try {
      producer = newProducer();
      LOG.info("Function {}: transactional producer ready", spec.name());
      consumer = newConsumer();
      consumer.subscribe(
          List.of(spec.topic()),
          new org.apache.kafka.clients.consumer.ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {}

            @Override
            public void onPartitionsAssigned(java.util.Collection<TopicPartition> partitions) {
              LOG.info("Function {}: reading {}", spec.name(), partitions);
            }
          });
      state = ComponentState.RUNNING;
      windowStartMillis = clock.millis();
      Deque<Batch> inFlight = new ArrayDeque<>();
      while (running) {
        Batch head = inFlight.peekFirst();
        if (head != null && head.done.isDone()) {
          if (head.done.isCompletedExceptionally()) {
            Throwable cause = causeOf(head.done);
            if (!running || cause instanceof InterruptedException) {
              break; // stopping: in-flight batches are not committed and are handled again
            }
            throw new IllegalStateException("A lane of function " + spec.name() + " failed", cause);
          }
          inFlight.removeFirst();
          long handled = System.nanoTime();
          try {
            commit(producer, consumer, head.records, head.outcomes);
          } catch (ProducerFencedException | InvalidProducerEpochException e) {
            throw e;
          } catch (KafkaException e) {
            lastError.set("commit failed: " + e);
            LOG.warn(
                "Function {}: commit failed, handling the batch again: {}",
                spec.name(),
                e.toString());
            producer = recover(producer);
            inFlight.addFirst(head);
            rewind(consumer, inFlight);
            inFlight.clear();
            continue;
          }
          account(head.outcomes);
          tails.values().removeIf(CompletableFuture::isDone);
          LOG.debug(
              "Function {}: batch of {} handled in {} ms, committed in {} ms",
              spec.name(),
              head.outcomes.length,
              (handled - head.startedNanos) / 1_000_000,
              (System.nanoTime() - handled) / 1_000_000);
          batchLatency.record(System.nanoTime() - head.startedNanos, TimeUnit.NANOSECONDS);
          continue;
        }
        if (inFlight.size() < MAX_BATCHES_IN_FLIGHT) {
          ConsumerRecords<byte[], byte[]> records;
          try {
            records = consumer.poll(inFlight.isEmpty() ? POLL : Duration.ZERO);
          } catch (WakeupException e) {
            break;
          }
          if (!records.isEmpty()) {
            Batch batch = start(records);
            if (batch == null) {
              break; // stopping
            }
            inFlight.addLast(batch);
            continue;
          }
        }
        if (head != null) {
          try {
            head.done.get(IN_FLIGHT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
          } catch (TimeoutException | ExecutionException | CancellationException e) {
            // checked at the top of the loop
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            break;
          }
        }
        updateLag(consumer);
        updateThroughput();
      }
      state = ComponentState.STOPPED;
    } catch (ProducerFencedException | InvalidProducerEpochException e) {
      state = ComponentState.FAILED;
      lastError.set("fenced by another instance of the function: " + e.getMessage());
      LOG.error("Function {} stopped: another instance took over ({})", spec.name(), e.toString());
    } catch (InterruptException e) {
      state = ComponentState.STOPPED;
    } catch (RuntimeException e) {
      state = ComponentState.FAILED;
      lastError.set(e.toString());
      LOG.error("Function {} stopped: {}", spec.name(), e.toString(), e);
    } finally {
      if (consumer != null) {
        consumer.close(Duration.ofSeconds(5));
      }
      if (producer != null) {
        producer.close(Duration.ofSeconds(5));
      }
    }
  }

  /** Aborts the open transaction, or replaces the producer if it cannot. */
  private KafkaProducer<byte[], byte[]> recover(KafkaProducer<byte[], byte[]> producer) {
    try {
      producer.abortTransaction();
      return producer;
    } catch (ProducerFencedException | InvalidProducerEpochException | AuthorizationException e) {
      throw e;
    } catch (KafkaException e) {
      producer.close(Duration.ZERO);
      return newProducer();
    }
  }

  /** Seeks each partition back to its first uncommitted message, to handle the batches again. */
  private void rewind(KafkaConsumer<byte[], byte[]> consumer, Deque<Batch> batches) {
    Map<TopicPartition, Long> first = new HashMap<>();
    for (Batch batch : batches) {
      for (TopicPartition partition : batch.records.partitions()) {
        first.putIfAbsent(partition, batch.records.records(partition).get(0).offset());
      }
    }
    for (Batch batch : batches) {
      try {
        batch.done.get(30, TimeUnit.SECONDS); // let running lanes finish before handling again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (TimeoutException | ExecutionException | CancellationException e) {
        // done or abandoned
      }
    }
    tails.clear();
    first.forEach(
        (partition, offset) -> {
          if (consumer.assignment().contains(partition)) {
            consumer.seek(partition, offset);
          }
        });
  }

  /** A batch being handled: its lanes run, the batch commits once every lane is done. */
  private static final class Batch {
    final ConsumerRecords<byte[], byte[]> records;
    final Outcome[] outcomes;
    final CompletableFuture<Void> done;
    final long startedNanos;

    Batch(
        ConsumerRecords<byte[], byte[]> records,
        Outcome[] outcomes,
        CompletableFuture<Void> done,
        long startedNanos) {
      this.records = records;
      this.outcomes = outcomes;
      this.done = done;
      this.startedNanos = startedNanos;
    }
  }

  private static Throwable causeOf(CompletableFuture<Void> failed) {
    try {
      failed.join();
      return null;
    } catch (CompletionException | CancellationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return cause instanceof CompletionException && cause.getCause() != null
          ? cause.getCause()
          : cause;
    }
  }

  /**
   * Starts handling the batch lane by lane; a lane whose key is still being handled in the batch
   * before starts after it. Null if stopping.
   */
  private Batch start(ConsumerRecords<byte[], byte[]> records) {
    long started = System.nanoTime();
    List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>(records.count());
    records.forEach(batch::add);
    Outcome[] outcomes = new Outcome[batch.size()];
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
                deadLetter(record, "invalid_message", problem, 0, now, now),
                record.key());
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
                  outcomes[i] = handleOne(batch.get(i), messages[i], keys[i]);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new CompletionException(e);
                }
              }
            };
        CompletableFuture<Void> previous = tails.get(lane.getKey());
        CompletableFuture<Void> future =
            previous == null || previous.isDone()
                ? CompletableFuture.runAsync(work, lanes)
                : previous.handle((ignored, error) -> null).thenRunAsync(work, lanes);
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

  /** Attempts one message until it succeeds, fails permanently or runs out of attempts. */
  private Outcome handleOne(ConsumerRecord<byte[], byte[]> record, ObjectNode message, byte[] key)
      throws InterruptedException {
    Instant first = clock.instant();
    int attempts = spec.retry().attempts();
    for (int attempt = 1; ; attempt++) {
      if (!running) {
        throw new InterruptedException("function stopping");
      }
      String code;
      String reason;
      try {
        return new Outcome(handler.handle(message, attempt), null, key);
      } catch (InterruptedException e) {
        throw e;
      } catch (PermanentFailureException e) {
        return new Outcome(
            List.of(),
            deadLetter(record, e.code(), e.getMessage(), attempt, first, clock.instant()),
            key);
      } catch (RetriableFailureException e) {
        code = e.code();
        reason = e.getMessage();
      } catch (Exception e) {
        code = "function_error";
        reason = e.toString();
      }
      lastError.set(reason);
      if (attempt >= attempts) {
        return new Outcome(
            List.of(),
            deadLetter(
                record,
                code,
                reason + " (gave up after " + attempt + " attempts)",
                attempt,
                first,
                clock.instant()),
            key);
      }
      retries.incrementAndGet();
      retryCounter.increment();
      long ceiling = spec.retry().ceiling(attempt).toMillis();
      long wait;
      synchronized (jitter) {
        wait = ceiling / 2 + (ceiling > 1 ? (long) (jitter.nextDouble() * (ceiling / 2.0)) : 0);
      }
      TimeUnit.MILLISECONDS.sleep(wait);
    }
  }

  private ObjectNode deadLetter(
      ConsumerRecord<byte[], byte[]> record,
      String code,
      String reason,
      int attempts,
      Instant first,
      Instant failed) {
    ObjectNode letter = JSON.createObjectNode();
    letter.put("function", spec.name());
    letter.put("topic", record.topic());
    letter.put("partition", record.partition());
    letter.put("offset", record.offset());
    letter.put(
        "key", record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8));
    letter.put("error_code", code);
    letter.put("error", reason);
    letter.put("attempts", attempts);
    letter.put("first_attempt_at", first.toString());
    letter.put("failed_at", failed.toString());
    letter.put("published_at", Instant.ofEpochMilli(record.timestamp()).toString());
    letter.put(
        "message",
        record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8));
    return letter;
  }

  /** One transaction: the batch's results and dead letters, and the offsets after it. */
  private void commit(
      KafkaProducer<byte[], byte[]> producer,
      KafkaConsumer<byte[], byte[]> consumer,
      ConsumerRecords<byte[], byte[]> records,
      Outcome[] outcomes) {
    producer.beginTransaction();
    int i = 0;
    for (ConsumerRecord<byte[], byte[]> record : records) {
      Outcome outcome = outcomes[i++];
      byte[] key = outcome.key();
      for (Handler.Emit emit : outcome.emits()) {
        producer.send(new ProducerRecord<>(emit.target(), key, bytes(emit.value())));
      }
      if (outcome.deadLetter() != null) {
        producer.send(
            new ProducerRecord<>(spec.deadLetterStream(), key, bytes(outcome.deadLetter())));
      }
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition partition : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> inPartition = records.records(partition);
      offsets.put(
          partition, new OffsetAndMetadata(inPartition.get(inPartition.size() - 1).offset() + 1));
    }
    producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
    producer.commitTransaction();
  }

  private static byte[] bytes(JsonNode value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot serialize a JSON tree", e);
    }
  }

  private void account(Outcome[] outcomes) {
    long emits = 0;
    long drops = 0;
    long dead = 0;
    for (Outcome outcome : outcomes) {
      emits += outcome.emits().size();
      if (outcome.deadLetter() != null) {
        dead++;
      } else if (outcome.emits().isEmpty()) {
        drops++;
      }
    }
    processed.addAndGet(outcomes.length);
    processedCounter.increment(outcomes.length);
    emitted.addAndGet(emits);
    emittedCounter.increment(emits);
    filtered.addAndGet(drops);
    filteredCounter.increment(drops);
    deadLetters.addAndGet(dead);
    deadLetterCounter.increment(dead);
  }

  private void updateLag(KafkaConsumer<byte[], byte[]> consumer) {
    long total = 0;
    for (TopicPartition partition : consumer.assignment()) {
      total += consumer.currentLag(partition).orElse(0);
    }
    lag.set(total);
  }

  private void updateThroughput() {
    long now = clock.millis();
    long elapsed = now - windowStartMillis;
    if (elapsed >= THROUGHPUT_WINDOW.toMillis()) {
      long count = processed.get();
      throughput = (count - windowStartProcessed) * 1000.0 / elapsed;
      windowStartMillis = now;
      windowStartProcessed = count;
    }
  }

  /** Stops after the batch in hand (or abandons it, uncommitted, if it is still retrying). */
  @Override
  public void close() {
    running = false;
    lanes.shutdownNow(); // wakes lanes waiting to retry; their batch is handled again on restart
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(10));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    handler.close();
    meters.forEach(registry::remove);
  }
}
