package io.tributary.server;

import io.tributary.access.Authorizer;
import io.tributary.access.audit.AuditEvent;
import io.tributary.access.audit.AuditSink;
import io.tributary.core.TableId;
import io.tributary.core.config.PartitionField;
import io.tributary.lake.Lake;
import io.tributary.lake.TableSink;
import io.tributary.lake.TableWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log: buffers {@link AuditEvent}s and appends them in batches to the lake table {@code
 * raw.audit_log} (one row per event, partitioned by day), every flush interval and on close. A
 * batch that cannot be written stays buffered for the next flush. Memory is bounded: beyond {@code
 * memoryBound} events, and until the lake has taken them all, events go to an append-only spill
 * file ({@link AuditSpill}, fsynced), read back in order once the lake is back; what the lake still
 * refuses on close is spilled too, so no event is lost, even across a restart. Queryable like any
 * table.
 */
final class AuditLog implements AuditSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

  static final TableId TABLE = Authorizer.AUDIT_TABLE;

  /** The events buffered in memory at most while the lake is unavailable. */
  static final int MEMORY_BOUND = 10_000;

  /** Where a batch of events goes: the lake table, or a fake in tests. */
  interface Appender {
    /** Appends {@code events} in order, all or none; throws if it cannot. */
    void append(List<AuditEvent> events);
  }

  /** The most events one append writes. */
  private static final int MAX_BATCH = 10_000;

  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.optional(1, "time", Types.TimestampType.withZone(), "When it happened"),
          Types.NestedField.optional(2, "principal", Types.StringType.get(), "Who acted"),
          Types.NestedField.optional(3, "action", Types.StringType.get(), "What was done"),
          Types.NestedField.optional(4, "resource", Types.StringType.get(), "To what, kind:name"),
          Types.NestedField.optional(
              5, "outcome", Types.StringType.get(), "success, failure or denied"),
          Types.NestedField.optional(
              6, "client_address", Types.StringType.get(), "Where the request came from"),
          Types.NestedField.optional(7, "detail", Types.StringType.get(), "A short explanation"));

  private final Appender appender;
  private final AuditSpill spill;
  private final int memoryBound;
  private final Deque<AuditEvent> buffer = new ArrayDeque<>();
  private final ScheduledExecutorService flusher;
  private boolean spilling;

  /** An audit log of the lake's {@code raw.audit_log}, spilling to {@code spillFile}. */
  AuditLog(Lake lake, Path spillFile, Duration flushInterval) {
    this(new LakeAppender(lake), spillFile, MEMORY_BOUND, flushInterval);
  }

  AuditLog(Appender appender, Path spillFile, int memoryBound, Duration flushInterval) {
    this.appender = appender;
    if (memoryBound < 1) {
      throw new IllegalArgumentException("Invalid audit memory bound: " + memoryBound);
    }
    this.memoryBound = memoryBound;
    this.spill = new AuditSpill(spillFile);
    this.flusher =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "audit-log");
              thread.setDaemon(true);
              return thread;
            });
    long millis = flushInterval.toMillis();
    flusher.scheduleWithFixedDelay(this::flushQuietly, millis, millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void record(AuditEvent event) {
    synchronized (buffer) {
      if (spill.isEmpty() && buffer.size() < memoryBound) {
        buffer.addLast(event);
        spilling = false;
        return;
      }
      if (!spilling) {
        spilling = true;
        LOG.warn(
            "{} audit events wait for {} in memory: more go to {} until it takes them",
            buffer.size(),
            TABLE,
            spill);
      }
      try {
        spill.append(event);
      } catch (java.io.UncheckedIOException e) {
        // the disk refuses too: memory beyond the bound rather than a lost event
        LOG.error("{}; the event is kept in memory", e.getMessage());
        buffer.addLast(event);
      }
    }
  }

  /** How many events wait in memory. */
  int bufferedInMemory() {
    synchronized (buffer) {
      return buffer.size();
    }
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (RuntimeException e) {
      LOG.warn("Cannot append to {} (kept for the next flush): {}", TABLE, e.toString());
    }
  }

  /**
   * Appends the buffered events, those in memory (the oldest) first, then the spilled ones; on
   * failure they stay where they were, in order.
   */
  synchronized void flush() {
    while (true) {
      List<AuditEvent> batch = new ArrayList<>();
      AuditSpill.Batch spilled = null;
      synchronized (buffer) {
        while (!buffer.isEmpty() && batch.size() < MAX_BATCH) {
          batch.add(buffer.pollFirst());
        }
        if (batch.isEmpty() && !spill.isEmpty()) {
          spilled = spill.peek(MAX_BATCH);
          batch.addAll(spilled.events());
        }
      }
      if (batch.isEmpty() && spilled == null) {
        return;
      }
      try {
        if (!batch.isEmpty()) {
          appender.append(batch);
        }
      } catch (RuntimeException e) {
        if (spilled == null) {
          synchronized (buffer) {
            for (int i = batch.size() - 1; i >= 0; i--) {
              buffer.addFirst(batch.get(i));
            }
          }
        }
        throw e;
      }
      if (spilled != null) {
        synchronized (buffer) {
          spill.consumed(spilled.end());
        }
      }
    }
  }

  /** Appends to {@code raw.audit_log}, creating it on first use. */
  private static final class LakeAppender implements Appender {
    private final Lake lake;
    private TableSink sink;

    LakeAppender(Lake lake) {
      this.lake = lake;
    }

    @Override
    public void append(List<AuditEvent> events) {
      try {
        sink().append(events.stream().map(AuditLog::row).toList(), Map.of());
      } catch (RuntimeException e) {
        sink = null;
        throw e;
      }
    }

    private TableSink sink() {
      if (sink == null) {
        TableWriter writer = lake.writer(TABLE);
        if (writer.table().isEmpty()) {
          writer.create(SCHEMA, PartitionSpec.builderFor(SCHEMA).day("time").build(), Map.of());
        }
        sink = lake.sink(TABLE, List.of(PartitionField.parse("day(time)")));
      }
      return sink;
    }
  }

  private static Map<String, Object> row(AuditEvent event) {
    Map<String, Object> row = new HashMap<>();
    row.put("time", event.time());
    row.put("principal", event.principal());
    row.put("action", event.action());
    row.put("resource", event.resource());
    row.put("outcome", event.outcome().label());
    row.put("client_address", event.clientAddress());
    row.put("detail", event.detail());
    return row;
  }

  /** Stops the periodic flush, then flushes what is buffered (trying three times). */
  @Override
  public void close() {
    flusher.shutdown();
    try {
      if (!flusher.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warn("The audit log's flush did not end within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        flush();
        spill.close();
        return;
      } catch (RuntimeException e) {
        LOG.warn(
            "Cannot append to {} on close (attempt {} of 3): {}", TABLE, attempt, e.toString());
      }
    }
    spillTheRest();
  }

  /** Moves what the lake refused on close to the spill file, read back at the next start. */
  private void spillTheRest() {
    synchronized (buffer) {
      // the events in memory are older than the spilled ones: they go ahead of them
      try {
        spill.prepend(List.copyOf(buffer));
        LOG.warn(
            "{} audit events wait in the spill file for {} (the next start)", buffer.size(), TABLE);
        buffer.clear();
      } catch (java.io.UncheckedIOException e) {
        LOG.error(
            "{} audit events could not be written to {} nor spilled and are lost: {}",
            buffer.size(),
            TABLE,
            e.getMessage());
      } finally {
        spill.close();
      }
    }
  }

  @Override
  public String toString() {
    return "AuditLog[" + TABLE + "]";
  }
}
