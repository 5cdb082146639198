package io.tributary.stream.function;

import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.core.ComponentState;
import io.tributary.core.config.FieldPath;
import io.tributary.core.config.FunctionSpec;
import io.tributary.stream.StreamLog;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
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
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one function: consume, handle, produce, exactly once, on its own thread. This class is the
 * transaction loop; {@link Lanes} runs a batch's messages concurrently by key, {@link Attempts}
 * retries each with back-off, {@link DeadLetters} writes what fails, {@link FunctionMetrics}
 * counts.
 *
 * <p>One Kafka transaction carries a handled batch's emitted records, its dead letters and the
 * consumer offsets after it ({@code sendOffsetsToTransaction}): all of it is committed, or none,
 * and readers with {@code read_committed} see each result once. After a crash the uncommitted batch
 * is aborted (by the restarted producer's {@code initTransactions}, with the same transactional id)
 * and handled again.
 */
final class FunctionRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FunctionRunner.class);
  private static final Duration POLL = Duration.ofMillis(100);
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
   * Batches handled at once: the next batches start while the ones before finish their slowest
   * lanes (a key in several waits for the earlier lane), and batches commit one after another, in
   * order. Four, not two: while this thread commits a batch (a transaction's round trips, longer on
   * a loaded machine) the lanes still have the others' messages to handle instead of waiting for
   * the next poll (0.64 → 0.86 of a plain HTTP client at 0 ms, docs/benchmarks.md).
   */
  private static final int MAX_BATCHES_IN_FLIGHT = 4;

  private final FunctionSpec spec;
  private final Handler handler;
  private final StreamLog log;
  private final Clock clock;
  private final FunctionMetrics metrics;
  private final Lanes lanes;
  private final Thread thread;
  private final String nodeId;
  private volatile boolean running = true;
  private volatile ComponentState state = ComponentState.STARTING;
  private volatile List<Integer> owned = List.of();

  FunctionRunner(
      FunctionSpec spec,
      String nodeId,
      FieldPath key,
      Handler handler,
      StreamLog log,
      MeterRegistry registry,
      Clock clock,
      RandomGenerator jitter) {
    this.spec = spec;
    this.nodeId = nodeId;
    this.handler = handler;
    this.log = log;
    this.clock = clock;
    this.metrics = new FunctionMetrics(spec, registry, clock.millis());
    DeadLetters deadLetters = new DeadLetters(spec.name());
    Attempts attempts =
        new Attempts(spec, handler, clock, jitter, metrics, deadLetters, () -> running);
    this.lanes = new Lanes(spec.name(), spec.concurrency(), key, attempts, deadLetters, clock);
    this.thread = new Thread(this::run, "function-" + spec.name());
  }

  void start() {
    thread.start();
  }

  FunctionSpec spec() {
    return spec;
  }

  /** The partitions of the topic this node handles now (the consumer group's split). */
  List<Integer> ownedPartitions() {
    return owned;
  }

  FunctionStatus status() {
    return new FunctionStatus(
        spec.name(),
        spec.topic(),
        spec.type(),
        spec.emitTo(),
        spec.deadLetterStream(),
        state,
        metrics.processed(),
        metrics.emitted(),
        metrics.filtered(),
        metrics.retries(),
        metrics.deadLetters(),
        metrics.lag(),
        metrics.throughput(),
        metrics.lastError());
  }

  private KafkaConsumer<byte[], byte[]> newConsumer() {
    Map<String, Object> props = log.consumerProperties(spec.consumerGroup());
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, spec.batchSize());
    // static membership: a restarted process takes its partitions back at once instead of waiting
    // for the session of its killed predecessor to time out
    // one static member per node: nodes share the partitions, a restarted node takes its own back
    props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, spec.consumerGroup() + "-" + nodeId);
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
    Map<String, Object> config = new HashMap<>(log.connectionProperties());
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(spec, nodeId));
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
   * The transactional id: the function's name and the node's id, the same in every restart of the
   * node, so a restarted function's {@code initTransactions} aborts the transaction its killed
   * predecessor left open at once (instead of leaving it to its timeout, holding {@code
   * read_committed} readers of the target streams). Two nodes running the function have their own
   * ids and do not fence each other; a node that lost partitions is fenced by the consumer group
   * instead: its transaction's offsets carry its group generation ({@code
   * sendOffsetsToTransaction(offsets, consumer.groupMetadata())}, KIP-447), which the group
   * coordinator refuses once the partitions moved, and the batch is aborted.
   */
  static String transactionalId(FunctionSpec spec, String nodeId) {
    return "tributary-fn-" + spec.name() + "-" + nodeId;
  }

  private void run() {
    KafkaConsumer<byte[], byte[]> consumer = null;
    KafkaProducer<byte[], byte[]> producer = null;
    try {
      producer = newProducer();
      LOG.info("Function {}: transactional producer ready", spec.name());
      consumer = newConsumer();
      KafkaConsumer<byte[], byte[]> subscribed = consumer;
      consumer.subscribe(
          List.of(spec.topic()),
          new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
              owned = partitionsOf(subscribed.assignment(), partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
              LOG.info("Function {}: reading {}", spec.name(), partitions);
              owned = partitionsOf(subscribed.assignment(), List.of());
            }
          });
      state = ComponentState.RUNNING;
      Deque<Lanes.Batch> inFlight = new ArrayDeque<>();
      while (running) {
        Lanes.Batch head = inFlight.peekFirst();
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
            commit(producer, consumer, head);
          } catch (ProducerFencedException e) {
            throw e;
          } catch (KafkaException e) {
            // InvalidProducerEpochException included: the coordinator aborted a transaction that
            // timed out (a broker failover, say) and bumped the epoch; abortable, not a takeover
            metrics.lastError("commit failed: " + e);
            LOG.warn(
                "Function {}: commit failed, handling the batch again: {}",
                spec.name(),
                e.toString());
            producer = recover(producer);
            inFlight.addFirst(head);
            if (!rewind(consumer, inFlight)) {
              break; // interrupted: stopping
            }
            inFlight.clear();
            continue;
          }
          metrics.committed(head.outcomes, System.nanoTime() - head.startedNanos);
          lanes.forgetFinished();
          LOG.debug(
              "Function {}: batch of {} handled in {} ms, committed in {} ms",
              spec.name(),
              head.outcomes.length,
              (handled - head.startedNanos) / 1_000_000,
              (System.nanoTime() - handled) / 1_000_000);
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
            Lanes.Batch batch = lanes.start(records);
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
        metrics.tick(clock.millis());
      }
      state = ComponentState.STOPPED;
    } catch (ProducerFencedException e) {
      state = ComponentState.FAILED;
      metrics.lastError("fenced by another instance of the function: " + e.getMessage());
      LOG.error("Function {} stopped: another instance took over ({})", spec.name(), e.toString());
    } catch (InterruptException e) {
      state = ComponentState.STOPPED;
    } catch (RuntimeException e) {
      state = ComponentState.FAILED;
      metrics.lastError(e.toString());
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
    } catch (ProducerFencedException | AuthorizationException e) {
      throw e;
    } catch (KafkaException e) { // InvalidProducerEpochException too: a new producer re-inits
      producer.close(Duration.ZERO);
      return newProducer();
    }
  }

  /**
   * Seeks each partition back to its first uncommitted message, to handle the batches again, once
   * their lanes are done. False if interrupted meanwhile.
   */
  private boolean rewind(KafkaConsumer<byte[], byte[]> consumer, Deque<Lanes.Batch> batches) {
    Map<TopicPartition, Long> first = new HashMap<>();
    for (Lanes.Batch batch : batches) {
      for (TopicPartition partition : batch.records.partitions()) {
        first.putIfAbsent(partition, batch.records.records(partition).get(0).offset());
      }
    }
    try {
      lanes.drain(batches);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    first.forEach(
        (partition, offset) -> {
          if (consumer.assignment().contains(partition)) {
            consumer.seek(partition, offset);
          }
        });
    return true;
  }

  private static List<Integer> partitionsOf(
      Collection<TopicPartition> assignment, Collection<TopicPartition> leaving) {
    return assignment.stream()
        .filter(partition -> !leaving.contains(partition))
        .map(TopicPartition::partition)
        .sorted()
        .toList();
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

  /** One transaction: the batch's results and dead letters, and the offsets after it. */
  private void commit(
      KafkaProducer<byte[], byte[]> producer,
      KafkaConsumer<byte[], byte[]> consumer,
      Lanes.Batch batch) {
    producer.beginTransaction();
    for (int i = 0; i < batch.outcomes.length; i++) {
      Outcome outcome = batch.outcomes[i];
      byte[][] values = batch.values[i]; // encoded by the lane: emits in order, then dead letter
      int v = 0;
      for (Handler.Emit emit : outcome.emits()) {
        producer.send(new ProducerRecord<>(emit.target(), outcome.key(), values[v++]));
      }
      if (outcome.deadLetter() != null) {
        producer.send(new ProducerRecord<>(spec.deadLetterStream(), outcome.key(), values[v]));
      }
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition partition : batch.records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> inPartition = batch.records.records(partition);
      offsets.put(
          partition, new OffsetAndMetadata(inPartition.get(inPartition.size() - 1).offset() + 1));
    }
    producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
    producer.commitTransaction();
  }

  private void updateLag(KafkaConsumer<byte[], byte[]> consumer) {
    long total = 0;
    for (TopicPartition partition : consumer.assignment()) {
      total += consumer.currentLag(partition).orElse(0);
    }
    metrics.lag(total);
  }

  /** Stops after the batch in hand (or abandons it, uncommitted, if it is still retrying). */
  @Override
  public void close() {
    running = false;
    lanes.close(); // wakes lanes waiting to retry; their batch is handled again on restart
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
    metrics.close();
  }
}
