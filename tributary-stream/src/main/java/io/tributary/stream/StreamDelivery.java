package io.tributary.stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.core.ComponentState;
import io.tributary.core.config.PartitionField;
import io.tributary.core.config.StreamSpec;
import io.tributary.lake.AppendResult;
import io.tributary.lake.Flattener;
import io.tributary.lake.Lake;
import io.tributary.lake.Rejection;
import io.tributary.lake.TableReplacedException;
import io.tributary.lake.TableSink;
import io.tributary.lake.WrittenFiles;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one stream into its table, exactly once, on its own thread.
 *
 * <p>Records are buffered ({@link DeliveryBuffer}) until the buffer interval has passed since the
 * first buffered record or the buffer holds the buffer size, whichever comes first; a buffer of a
 * backlog (its first record was already an interval old when read, as after a restart or for a new
 * stream on a filled topic) is flushed as soon as the consumer has caught up with the topic's end,
 * since waiting longer only delays records that are overdue. A flush parses and flattens each
 * record, lets the table's sink evolve the schema, and commits in this order: first the rows that
 * cannot be written to {@code <table>_errors}, then the rows to the table; each commit carries the
 * next Kafka offsets in its snapshot summary ({@link CommitRetrier}). So whatever the table holds,
 * every error before its offsets is in the error table; on start delivery resumes at the table's
 * offsets and skips errors the error table already holds ({@link DeliveryPositions}). Nothing is
 * committed to Kafka's group offsets except for monitoring.
 *
 * <p>Several nodes deliver one stream together: the consumer group {@code
 * tributary-delivery-<stream>} shares its partitions among them. A node reads a partition's offsets
 * from the tables when it is assigned, commits what it buffered when partitions are revoked (drops
 * it when they are lost), and every commit is fenced by the table's offsets ({@link
 * CommitRetrier}): a node whose commit finds another node's offsets drops its buffer and resumes
 * from the table, so each record lands once whoever owns its partition.
 *
 * <p>Memory is bounded by records, bytes and cells (values): records are parsed a chunk at a time,
 * and the parsed rows go to a writer once they hold {@link #CHUNK_CELLS} values, with at most
 * {@link #WRITES_IN_FLIGHT} writes running.
 *
 * <p>If the table or its error table is dropped, or another table takes its name, delivery stops
 * with state {@code failed} and the reason; it never writes into a table it did not create.
 */
final class StreamDelivery implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamDelivery.class);

  /**
   * Records parsed and handed to the writers at once, as soon as that many are buffered: one data
   * file each, so a flush has little left to do.
   */
  static final int CHUNK_ROWS = 25_000;

  /** Bytes of records parsed at once. */
  static final long CHUNK_BYTES = 16L << 20;

  /** Values of parsed rows handed to a writer at once: bounds the heap wide rows take. */
  static final int CHUNK_CELLS = 500_000;

  /** Chunks being written at once, bounding the memory rows waiting for a writer take. */
  private static final int WRITES_IN_FLIGHT = 2;

  private static final long INITIAL_BACKOFF_MILLIS = 200;
  private static final long MAX_BACKOFF_MILLIS = 10_000;
  private static final Duration POLL = Duration.ofMillis(100);
  private static final String INGESTED_AT = "_ingested_at";
  private static final int SESSION_TIMEOUT_MS = 10_000;

  private final StreamSpec spec;
  private final Clock clock;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final TableSink data;
  private final TableSink errors;
  private final Flattener flattener;
  private final String offsetsKey;
  private final DeliveryBuffer buffer = new DeliveryBuffer(CHUNK_ROWS, CHUNK_BYTES);
  private final DeliveryPositions positions;
  private final DeliveryMetrics metrics;
  private final CommitRetrier commits;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile List<Integer> owned = List.of();

  private long writeBackoffMillis = INITIAL_BACKOFF_MILLIS;
  private final List<CompletableFuture<WrittenFiles>> writes = new ArrayList<>();
  private final List<Map<String, Object>> errorRows = new ArrayList<>();

  StreamDelivery(
      StreamSpec spec,
      Lake lake,
      StreamLog log,
      Flattener.Limits limits,
      MeterRegistry registry,
      Clock clock) {
    this.spec = spec;
    this.clock = clock;
    this.offsetsKey = DeliveryOffsets.key(spec.name());
    this.flattener = new Flattener(spec.transform(), limits, Set.of(INGESTED_AT));
    this.data = lake.sink(spec.table(), spec.partitionBy());
    this.errors =
        lake.sink(
            spec.table().errors(),
            List.of(new PartitionField(PartitionField.Transform.DAY, INGESTED_AT, 0)));
    this.metrics = new DeliveryMetrics(spec, registry);
    this.commits = new CommitRetrier(spec.name(), offsetsKey, () -> running, metrics::error);
    Map<String, Object> props = log.consumerProperties("tributary-delivery-" + spec.name());
    // a node that dies hands its partitions over within seconds
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS);
    props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, SESSION_TIMEOUT_MS / 5);
    this.consumer = new KafkaConsumer<>(props);
    this.positions = new DeliveryPositions(spec.name(), consumer);
    this.thread = new Thread(this::run, "delivery-" + spec.name());
  }

  void start() {
    thread.start();
  }

  StreamSpec spec() {
    return spec;
  }

  /** The partitions of the topic this node delivers now. */
  List<Integer> ownedPartitions() {
    return owned;
  }

  DeliveryStatus status() {
    return metrics.status();
  }

  private void run() {
    try {
      consumer.subscribe(List.of(spec.name()), new Rebalance());
      metrics.state(ComponentState.RUNNING);
      while (running) {
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = consumer.poll(POLL);
        } catch (WakeupException e) {
          break;
        }
        for (ConsumerRecord<byte[], byte[]> record : records) {
          buffer.add(record, clock.millis());
        }
        metrics.buffered(buffer.buffered());
        while (buffer.hasFullChunk()) {
          processChunk();
        }
        metrics.lag(positions.lag() + buffer.buffered());
        long interval = spec.buffer().interval().toMillis();
        if (buffer.buffered() > 0
            && (buffer.bufferedBytes() >= spec.buffer().sizeBytes()
                || clock.millis() - buffer.startedMillis() >= interval
                || (buffer.holdsBacklog(interval) && positions.caughtUp()))) {
          flush();
        }
      }
      if (buffer.buffered() > 0) {
        LOG.info(
            "Stream {}: flushing {} buffered records before stop", spec.name(), buffer.buffered());
        flush();
      }
      metrics.state(ComponentState.STOPPED);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      metrics.state(ComponentState.STOPPED);
    } catch (RuntimeException e) {
      resetBuffer(); // nothing more is committed by this node; closing the consumer revokes
      metrics.failed(e.getMessage() != null ? e.getMessage() : e.toString());
      LOG.error("Delivery of stream {} stopped: {}", spec.name(), e.toString(), e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** Positions the consumer after what the table already holds, for {@code partitions}. */
  private void resume(Collection<TopicPartition> partitions) {
    positions.assigned(
        partitions,
        DeliveryOffsets.decode(data.lastCommitted(offsetsKey)),
        DeliveryOffsets.decode(errors.lastCommitted(offsetsKey)));
    LOG.info(
        "Stream {} -> {}: partitions {} assigned, resuming at offsets {} (error table at {})",
        spec.name(),
        spec.table(),
        positions.owned(),
        positions.dataOffsets(),
        positions.errorOffsets());
  }

  /**
   * Follows the consumer group's assignment: commits the buffer before partitions go to another
   * node, drops it when they were lost (another node may own them already), and resumes assigned
   * partitions from the tables' offsets.
   */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (!partitions.isEmpty() && buffer.buffered() > 0) {
        try {
          flush();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          dropBuffer();
        }
      }
      positions.revoked(partitions);
      owned = positions.owned();
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      LOG.warn("Stream {}: partitions {} lost, dropping the buffer", spec.name(), partitions);
      dropBuffer();
      positions.revoked(partitions);
      owned = positions.owned();
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (!partitions.isEmpty()) {
        resume(partitions);
      }
      owned = positions.owned();
    }
  }

  /** Drops the buffer and what it wrote; its records are read again by whoever owns them. */
  private void dropBuffer() {
    List<WrittenFiles> written = new ArrayList<>();
    for (CompletableFuture<WrittenFiles> write : writes) {
      try {
        written.add(TableSink.join(write));
      } catch (RuntimeException e) {
        LOG.debug("Stream {}: a dropped write failed: {}", spec.name(), e.toString());
      }
    }
    data.discard(written);
    resetBuffer();
    positions.seekBack();
  }

  /** Drops the buffer after another node committed a partition, and resumes from the tables. */
  private void fenced(DeliveryFencedException e, List<WrittenFiles> written) {
    LOG.warn("{}", e.getMessage());
    metrics.error(e.getMessage());
    data.discard(written);
    resetBuffer();
    resume(consumer.assignment());
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
    } catch (TableReplacedException e) {
      throw e;
    } catch (RuntimeException failure) {
      readAgain(failure);
      return;
    }
    writeBackoffMillis = INITIAL_BACKOFF_MILLIS;
    try {
      commitFlush(written);
    } catch (DeliveryFencedException e) {
      fenced(e, written);
    }
  }

  private void commitFlush(List<WrittenFiles> written) throws InterruptedException {
    Map<Integer, Long> newOffsets = positions.next();
    // errors first: whatever offsets the data table holds, the errors before them are committed
    errorRows.removeIf(
        row ->
            positions.errorCommitted(
                ((Long) row.get("partition")).intValue(), (Long) row.get("offset")));
    if (!errorRows.isEmpty()) {
      commits.checkOwned(data, positions.dataOffsets(), newOffsets);
      recordCommit(
          commits.commit(
              errors,
              positions.errorOffsets(),
              newOffsets,
              (attempt, properties, expected) -> {
                if (attempt > 1) {
                  errors.prepare(errorRows);
                }
                return errors.appendIf(errorRows, properties, Optional.of(expected));
              }));
      positions.errorsCommitted(newOffsets);
      metrics.errored(errorRows.size());
    }
    int rows = written.stream().mapToInt(WrittenFiles::rows).sum();
    // a flush of rejects only still advances the table's offsets, once the table has rows
    if (rows > 0 || (!errorRows.isEmpty() && positions.tableHasOffsets())) {
      recordCommit(
          commits.commit(
              data,
              positions.dataOffsets(),
              newOffsets,
              (attempt, properties, expected) ->
                  data.commitIf(written, properties, Optional.of(expected))));
      metrics.delivered(rows);
      positions.dataCommitted(newOffsets);
    } // else the offsets read go with the next data commit
    resetBuffer();
    try {
      consumer.commitSync(positions.groupOffsets(), Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      LOG.debug(
          "Stream {}: group offset commit (monitoring only) failed: {}", spec.name(), e.toString());
    }
  }

  private void recordCommit(AppendResult result) {
    if (result != null) {
      metrics.committed(result, clock.instant());
    }
  }

  /**
   * Parses the records not parsed yet and waits for every write of this buffer; if parsing or a
   * write failed, discards what the other writes wrote and throws the failure.
   */
  private List<WrittenFiles> writeAll() {
    RuntimeException failure = null;
    try {
      while (buffer.hasPending()) {
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
        failure = failure instanceof TableReplacedException ? failure : e;
      }
    }
    if (failure != null) {
      if (!(failure instanceof TableReplacedException)) {
        data.discard(written);
      }
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
    metrics.error(failure.getMessage());
    LOG.warn(
        "Stream {}: writing data files failed, reading {} records again in {} ms: {}",
        spec.name(),
        buffer.buffered(),
        running ? writeBackoffMillis : 0,
        failure.toString());
    resetBuffer();
    positions.seekBack();
    if (running) {
      TimeUnit.MILLISECONDS.sleep(writeBackoffMillis);
      writeBackoffMillis = Math.min(writeBackoffMillis * 2, MAX_BACKOFF_MILLIS);
    }
  }

  private void resetBuffer() {
    buffer.clear();
    writes.clear();
    errorRows.clear();
    metrics.buffered(0);
  }

  /**
   * Parses the next chunk of buffered records: records that cannot be rows and rows that cannot be
   * written join the error rows; the rest go to the writers (after the sink has evolved the table's
   * schema for them), {@link #CHUNK_CELLS} values at a time.
   */
  private void processChunk() {
    List<ConsumerRecord<byte[], byte[]>> records = buffer.takeChunk();
    Map<String, String> paths = new HashMap<>();
    data.columnDocs().forEach((column, doc) -> paths.put(column, Flattener.pathOfDoc(doc)));
    flattener.knowColumns(paths);
    List<Map<String, Object>> rows = new ArrayList<>();
    List<ConsumerRecord<byte[], byte[]>> rowRecords = new ArrayList<>();
    long cells = 0;
    for (ConsumerRecord<byte[], byte[]> record : records) {
      positions.read(record.partition(), record.offset());
      Instant ingestedAt = Instant.ofEpochMilli(record.timestamp());
      if (record.value() == null) {
        addError(record, ingestedAt, "not_an_object", "The record is empty (a null value)");
        continue;
      }
      Flattener.Flattened flattened = flattener.flatten(record.value());
      if (flattened.isRejected()) {
        Rejection rejection = flattened.rejection();
        addError(record, ingestedAt, rejection.code(), rejection.reason());
        continue;
      }
      Map<String, Object> row = flattened.row();
      row.put(INGESTED_AT, ingestedAt);
      rows.add(row);
      rowRecords.add(record);
      cells += row.size();
      if (cells >= CHUNK_CELLS) {
        prepareAndWrite(rows, rowRecords);
        rows = new ArrayList<>();
        rowRecords = new ArrayList<>();
        cells = 0;
      }
    }
    prepareAndWrite(rows, rowRecords);
  }

  private void prepareAndWrite(
      List<Map<String, Object>> rows, List<ConsumerRecord<byte[], byte[]>> rowRecords) {
    if (rows.isEmpty()) {
      return;
    }
    Map<Integer, Rejection> rejections =
        data.prepare(rows, column -> Flattener.docOf(flattener.pathOf(column)));
    List<Map<String, Object>> dataRows = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      ConsumerRecord<byte[], byte[]> record = rowRecords.get(i);
      Rejection rejection = rejections.get(i);
      if (rejection != null) {
        addError(
            record, (Instant) rows.get(i).get(INGESTED_AT), rejection.code(), rejection.reason());
      } else if (positions.isNew(record.partition(), record.offset())) {
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

  /** Stops consuming, flushes the buffer, and waits for the thread to end. */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(TimeUnit.MINUTES.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    metrics.close();
  }
}
