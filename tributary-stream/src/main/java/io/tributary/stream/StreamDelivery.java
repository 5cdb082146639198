package io.tributary.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.tributary.core.ComponentState;
import io.tributary.core.config.PartitionField;
import io.tributary.core.config.StreamSpec;
import io.tributary.lake.AppendResult;
import io.tributary.lake.Flattener;
import io.tributary.lake.Lake;
import io.tributary.lake.Rejection;
import io.tributary.lake.TableSink;
import io.tributary.lake.WrittenFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one stream into its table, exactly once, on its own thread.
 *
 * <p>Records are buffered until the buffer interval has passed since the first buffered record or
 * the buffer holds the buffer size, whichever comes first. A flush parses and flattens each record,
 * lets the table's sink evolve the schema, and commits in this order: first the rows that cannot be
 * written to {@code <table>_errors}, then the rows to the table; each commit carries the next Kafka
 * offsets in its snapshot summary. So whatever the table holds, every error before its offsets is
 * in the error table; on start delivery resumes at the table's offsets and skips errors the error
 * table already holds. Nothing is committed to Kafka's group offsets except for monitoring.
 */
final class StreamDelivery implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamDelivery.class);

  /**
   * Records parsed and handed to the writers at once, as soon as that many are buffered: one data
   * file each, so a flush has little left to do.
   */
  private static final int CHUNK_ROWS = 25_000;

  /** Chunks being written at once, bounding the memory rows waiting for a writer take. */
  private static final int WRITES_IN_FLIGHT = 2;

  private static final long CHUNK_BYTES = 16L << 20;
  private static final long INITIAL_BACKOFF_MILLIS = 200;
  private static final long MAX_BACKOFF_MILLIS = 10_000;
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration PARTITION_CHECK = Duration.ofSeconds(30);
  private static final String INGESTED_AT = "_ingested_at";

  private final StreamSpec spec;
  private final Clock clock;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final TableSink data;
  private final TableSink errors;
  private final Flattener flattener;
  private final String offsetsKey;
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * Records polled but not parsed yet. Parsed records are not kept: if writing fails, the consumer
   * seeks back to the table's offsets and reads them again, so the heap holds at most a few chunks.
   */
  private final List<ConsumerRecord<byte[], byte[]>> pending = new ArrayList<>();

  private long pendingBytes;

  /** Records and their bytes since the last commit. */
  private int buffered;

  private long bufferedBytes;
  private long writeBackoffMillis = INITIAL_BACKOFF_MILLIS;
  private final List<CompletableFuture<WrittenFiles>> writes = new ArrayList<>();
  private final List<Map<String, Object>> errorRows = new ArrayList<>();
  private final Map<Integer, Long> nextOffsets = new HashMap<>();
  private long bufferStartedMillis;
  private final Map<Integer, Long> dataOffsets = new HashMap<>();
  private final Map<Integer, Long> errorOffsets = new HashMap<>();
  private final List<TopicPartition> assigned = new ArrayList<>();
  private long lastPartitionCheck;

  private final Counter delivered;
  private final Counter errored;
  private final Counter files;
  private final Counter bytes;
  private final Timer commitLatency;
  private final List<io.micrometer.core.instrument.Meter> meters = new ArrayList<>();
  private final MeterRegistry registry;
  private final AtomicLong lag = new AtomicLong();
  private final AtomicLong bufferedCount = new AtomicLong();
  private final AtomicLong deliveredCount = new AtomicLong();
  private final AtomicLong errorCount = new AtomicLong();
  private final AtomicLong commitCount = new AtomicLong();
  private final AtomicReference<Instant> lastCommitAt = new AtomicReference<>();
  private final AtomicReference<String> lastError = new AtomicReference<>();
  private volatile ComponentState state = ComponentState.STARTING;

  StreamDelivery(StreamSpec spec, Lake lake, StreamLog log, MeterRegistry registry, Clock clock) {
    this.spec = spec;
    this.clock = clock;
    this.registry = registry;
    this.offsetsKey = DeliveryOffsets.key(spec.name());
    this.flattener = new Flattener(spec.transform());
    this.data = lake.sink(spec.table(), spec.partitionBy());
    this.errors =
        lake.sink(
            spec.table().errors(),
            List.of(new PartitionField(PartitionField.Transform.DAY, INGESTED_AT, 0)));
    Tags tags = Tags.of("stream", spec.name(), "table", spec.table().toString());
    delivered =
        register(Counter.builder("tributary.records.delivered").tags(tags).register(registry));
    errored = register(Counter.builder("tributary.records.errored").tags(tags).register(registry));
    files =
        register(Counter.builder("tributary.delivery.files.written").tags(tags).register(registry));
    bytes =
        register(
            Counter.builder("tributary.delivery.bytes.written")
                .baseUnit("bytes")
                .tags(tags)
                .register(registry));
    commitLatency =
        register(
            Timer.builder("tributary.delivery.commit.latency")
                .tags(tags)
                .publishPercentiles(0.5, 0.99)
                .register(registry));
    register(
        Gauge.builder("tributary.delivery.lag", lag, AtomicLong::get)
            .tags(tags)
            .register(registry));
    register(
        Gauge.builder("tributary.delivery.buffered", bufferedCount, AtomicLong::get)
            .tags(tags)
            .register(registry));
    Map<String, Object> props = log.consumerProperties("tributary-delivery-" + spec.name());
    this.consumer = new KafkaConsumer<>(props);
    this.thread = new Thread(this::run, "delivery-" + spec.name());
  }

  private <T extends io.micrometer.core.instrument.Meter> T register(T meter) {
    meters.add(meter);
    return meter;
  }

  void start() {
    thread.start();
  }

  StreamSpec spec() {
    return spec;
  }

  DeliveryStatus status() {
    return new DeliveryStatus(
        spec.name(),
        spec.table().toString(),
        state,
        deliveredCount.get(),
        errorCount.get(),
        bufferedCount.get(),
        lag.get(),
        commitCount.get(),
        lastCommitAt.get(),
        lastError.get());
  }

  private void run() {
    try {
      resume();
      state = ComponentState.RUNNING;
      while (running) {
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = consumer.poll(POLL);
        } catch (WakeupException e) {
          break;
        }
        for (ConsumerRecord<byte[], byte[]> record : records) {
          if (buffered == 0) {
            bufferStartedMillis = clock.millis();
          }
          pending.add(record);
          buffered++;
          int size = record.value() == null ? 0 : record.value().length;
          bufferedBytes += size;
          pendingBytes += size;
        }
        bufferedCount.set(buffered);
        while (pending.size() >= CHUNK_ROWS || pendingBytes >= CHUNK_BYTES) {
          processChunk();
        }
        updateLag();
        if (buffered > 0
            && (bufferedBytes >= spec.buffer().sizeBytes()
                || clock.millis() - bufferStartedMillis >= spec.buffer().interval().toMillis())) {
          flush();
        }
        checkPartitions();
      }
      if (buffered > 0) {
        LOG.info("Stream {}: flushing {} buffered records before stop", spec.name(), buffered);
        flush();
      }
      state = ComponentState.STOPPED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      state = ComponentState.STOPPED;
    } catch (RuntimeException e) {
      state = ComponentState.FAILED;
      lastError.set(e.toString());
      LOG.error("Delivery of stream {} stopped: {}", spec.name(), e.toString(), e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** Positions the consumer after what the table already holds. */
  private void resume() {
    dataOffsets.putAll(DeliveryOffsets.decode(data.lastCommitted(offsetsKey)));
    errorOffsets.putAll(DeliveryOffsets.decode(errors.lastCommitted(offsetsKey)));
    assignPartitions();
    LOG.info(
        "Stream {} -> {}: resuming at offsets {} (error table at {})",
        spec.name(),
        spec.table(),
        dataOffsets,
        errorOffsets);
  }

  private void assignPartitions() {
    List<PartitionInfo> infos = consumer.partitionsFor(spec.name(), Duration.ofSeconds(30));
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
    List<TopicPartition> fromStart = new ArrayList<>();
    for (TopicPartition partition : added) {
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
    assigned.clear();
    assigned.addAll(partitions);
    lastPartitionCheck = clock.millis();
  }

  private void checkPartitions() {
    if (clock.millis() - lastPartitionCheck >= PARTITION_CHECK.toMillis()) {
      assignPartitions();
      lastPartitionCheck = clock.millis();
    }
  }

  private void updateLag() {
    long total = 0;
    for (TopicPartition partition : assigned) {
      total += consumer.currentLag(partition).orElse(0);
    }
    lag.set(total + buffered);
  }

  /**
   * Commits everything buffered: parses what is left, waits for the writers, then commits the
   * rejected records to the error table and the written files to the table, each commit carrying
   * the next offsets. If writing fails, drops the buffer and reads it again after a back-off.
   */
  private void flush() throws InterruptedException {
    List<WrittenFiles> written;
    try {
      written = writeAll();
    } catch (RuntimeException failure) {
      readAgain(failure);
      return;
    }
    writeBackoffMillis = INITIAL_BACKOFF_MILLIS;
    Map<Integer, Long> newOffsets = new HashMap<>(dataOffsets);
    nextOffsets.forEach((partition, offset) -> newOffsets.merge(partition, offset, Math::max));
    // errors first: whatever offsets the data table holds, the errors before them are committed
    errorRows.removeIf(
        row ->
            (Long) row.get("offset")
                < errorOffsets.getOrDefault(((Long) row.get("partition")).intValue(), 0L));
    if (!errorRows.isEmpty()) {
      commit(errors, errorRows, newOffsets);
      errorOffsets.putAll(newOffsets);
      errored.increment(errorRows.size());
      errorCount.addAndGet(errorRows.size());
    }
    int rows = written.stream().mapToInt(WrittenFiles::rows).sum();
    // a flush of rejects only still advances the table's offsets, once the table has rows
    if (rows > 0 || (!errorRows.isEmpty() && !dataOffsets.isEmpty())) {
      commitData(written, newOffsets);
      delivered.increment(rows);
      deliveredCount.addAndGet(rows);
    }
    dataOffsets.putAll(newOffsets);
    resetBuffer();
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    dataOffsets.forEach(
        (p, o) -> commit.put(new TopicPartition(spec.name(), p), new OffsetAndMetadata(o)));
    try {
      consumer.commitSync(commit, Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      LOG.debug(
          "Stream {}: group offset commit (monitoring only) failed: {}", spec.name(), e.toString());
    }
  }

  /**
   * Parses the records not parsed yet and waits for every write of this buffer; if parsing or a
   * write failed, discards what the other writes wrote and throws the failure.
   */
  private List<WrittenFiles> writeAll() {
    RuntimeException failure = null;
    try {
      while (!pending.isEmpty()) {
        processChunk();
      }
    } catch (RuntimeException e) {
      failure = e; // such as a schema change that could not be committed
    }
    List<WrittenFiles> written = new ArrayList<>(writes.size());
    for (CompletableFuture<WrittenFiles> write : writes) {
      try {
        written.add(TableSink.join(write));
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    if (failure != null) {
      data.discard(written);
      throw failure;
    }
    return written;
  }

  /**
   * Drops the buffer after a failed write and seeks back to the table's offsets, to read and write
   * the records again after a back-off; nothing was committed, and when stopping they wait in Kafka
   * for the next start.
   */
  private void readAgain(RuntimeException failure) throws InterruptedException {
    lastError.set(failure.getMessage());
    LOG.warn(
        "Stream {}: writing data files failed, reading {} records again in {} ms: {}",
        spec.name(),
        buffered,
        running ? writeBackoffMillis : 0,
        failure.toString());
    resetBuffer();
    for (TopicPartition partition : assigned) {
      Long next = dataOffsets.get(partition.partition());
      if (next == null) {
        consumer.seekToBeginning(List.of(partition));
      } else {
        consumer.seek(partition, next);
      }
    }
    if (running) {
      TimeUnit.MILLISECONDS.sleep(writeBackoffMillis);
      writeBackoffMillis = Math.min(writeBackoffMillis * 2, MAX_BACKOFF_MILLIS);
    }
  }

  private void resetBuffer() {
    pending.clear();
    pendingBytes = 0;
    buffered = 0;
    bufferedBytes = 0;
    writes.clear();
    errorRows.clear();
    nextOffsets.clear();
    bufferedCount.set(0);
  }

  /**
   * Parses the next chunk of buffered records: rows that cannot be written join the error rows, the
   * rest go to the writers (after the sink has evolved the table's schema for them).
   */
  private void processChunk() {
    int end = 0;
    long chunkBytes = 0;
    while (end < pending.size() && end < CHUNK_ROWS && chunkBytes < CHUNK_BYTES) {
      byte[] value = pending.get(end).value();
      chunkBytes += value == null ? 0 : value.length;
      end++;
    }
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(pending.subList(0, end));
    pending.subList(0, end).clear();
    pendingBytes = Math.max(0, pendingBytes - chunkBytes);
    List<Map<String, Object>> rows = new ArrayList<>(records.size());
    List<ConsumerRecord<byte[], byte[]>> rowRecords = new ArrayList<>(records.size());
    for (ConsumerRecord<byte[], byte[]> record : records) {
      nextOffsets.merge(record.partition(), record.offset() + 1, Math::max);
      Instant ingestedAt = Instant.ofEpochMilli(record.timestamp());
      Optional<LinkedHashMap<String, Object>> flattened;
      try {
        flattened = record.value() == null ? Optional.empty() : flattener.flatten(record.value());
      } catch (IOException e) {
        addError(record, ingestedAt, "invalid_json", "malformed JSON: " + e.getMessage());
        continue;
      }
      if (flattened.isEmpty()) {
        addError(record, ingestedAt, "not_an_object", "record is not a JSON object");
        continue;
      }
      Map<String, Object> row = flattened.get();
      row.put(INGESTED_AT, ingestedAt);
      rows.add(row);
      rowRecords.add(record);
    }
    Map<Integer, Rejection> rejections = data.prepare(rows);
    List<Map<String, Object>> dataRows = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      ConsumerRecord<byte[], byte[]> record = rowRecords.get(i);
      Rejection rejection = rejections.get(i);
      if (rejection != null) {
        addError(
            record, (Instant) rows.get(i).get(INGESTED_AT), rejection.code(), rejection.reason());
      } else if (record.offset() >= dataOffsets.getOrDefault(record.partition(), 0L)) {
        dataRows.add(rows.get(i));
      }
    }
    if (!dataRows.isEmpty()) {
      awaitWriteSlot();
      writes.add(data.write(dataRows));
    }
  }

  /**
   * Waits until fewer than {@link #WRITES_IN_FLIGHT} writes are running; failures wait for flush.
   */
  private void awaitWriteSlot() {
    for (CompletableFuture<WrittenFiles> write : writes) {
      if (writes.stream().filter(w -> !w.isDone()).count() < WRITES_IN_FLIGHT) {
        return;
      }
      if (!write.isDone()) {
        write.handle((result, failure) -> null).join();
      }
    }
  }

  private void addError(
      ConsumerRecord<byte[], byte[]> record, Instant ingestedAt, String code, String reason) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("stream", spec.name());
    row.put("partition", (long) record.partition());
    row.put("offset", record.offset());
    row.put("code", code);
    row.put("reason", reason);
    row.put(
        "payload",
        record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8));
    row.put(INGESTED_AT, ingestedAt);
    errorRows.add(row);
  }

  /** Commits error rows with the offsets, retrying until it lands (see {@link #commitRetrying}). */
  private void commit(TableSink sink, List<Map<String, Object>> rows, Map<Integer, Long> offsets)
      throws InterruptedException {
    commitRetrying(
        sink,
        offsets,
        (attempt, properties) -> {
          if (attempt > 1) {
            sink.prepare(rows);
          }
          return sink.append(rows, properties);
        });
  }

  /** Commits the written files with the offsets, retrying until it lands. */
  private void commitData(List<WrittenFiles> written, Map<Integer, Long> offsets)
      throws InterruptedException {
    commitRetrying(data, offsets, (attempt, properties) -> data.commit(written, properties));
  }

  /** One commit attempt, given its number and the snapshot properties to commit. */
  private interface CommitAttempt {
    AppendResult run(int attempt, Map<String, String> snapshotProperties);
  }

  /**
   * Runs commit attempts carrying the offsets with back-off until one lands; a retry first checks
   * whether an earlier attempt whose outcome was unknown did land, so nothing is written twice.
   * Once stopping, gives up after five attempts.
   */
  private void commitRetrying(TableSink sink, Map<Integer, Long> offsets, CommitAttempt commit)
      throws InterruptedException {
    String encoded = DeliveryOffsets.encode(offsets);
    long backoffMillis = 200;
    for (int attempt = 1; ; attempt++) {
      try {
        if (attempt > 1 && sink.lastCommitted(offsetsKey).map(encoded::equals).orElse(false)) {
          return;
        }
        recordCommit(commit.run(attempt, Map.of(offsetsKey, encoded)));
        return;
      } catch (RuntimeException e) {
        lastError.set(e.getMessage());
        LOG.warn(
            "Stream {}: commit attempt {} failed, retrying in {} ms: {}",
            spec.name(),
            attempt,
            backoffMillis,
            e.toString());
        if (!running && attempt >= 5) {
          throw e;
        }
        TimeUnit.MILLISECONDS.sleep(backoffMillis);
        backoffMillis = Math.min(backoffMillis * 2, 10_000);
      }
    }
  }

  private void recordCommit(AppendResult result) {
    commitLatency.record(result.commitLatency());
    files.increment(result.files());
    bytes.increment(result.bytes());
    commitCount.incrementAndGet();
    lastCommitAt.set(clock.instant());
    lastError.set(null);
  }

  /** Stops consuming, flushes the buffer, and waits for the thread to end. */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(TimeUnit.MINUTES.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    meters.forEach(registry::remove);
  }
}
