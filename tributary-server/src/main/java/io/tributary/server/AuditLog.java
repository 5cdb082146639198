package io.tributary.server;

import io.tributary.access.Authorizer;
import io.tributary.access.audit.AuditEvent;
import io.tributary.access.audit.AuditSink;
import io.tributary.core.TableId;
import io.tributary.core.config.PartitionField;
import io.tributary.lake.Lake;
import io.tributary.lake.TableSink;
import io.tributary.lake.TableWriter;
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
 * batch that cannot be written stays buffered for the next flush; closing flushes what is left, so
 * a clean shutdown loses no event. Queryable like any table.
 */
final class AuditLog implements AuditSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

  static final TableId TABLE = Authorizer.AUDIT_TABLE;

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

  private final Lake lake;
  private final Deque<AuditEvent> buffer = new ArrayDeque<>();
  private final ScheduledExecutorService flusher;
  private TableSink sink;

  AuditLog(Lake lake, Duration flushInterval) {
    this.lake = lake;
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
      buffer.addLast(event);
    }
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (RuntimeException e) {
      LOG.warn("Cannot append to {} (kept for the next flush): {}", TABLE, e.toString());
    }
  }

  /** Appends the buffered events; on failure they stay buffered, in order. */
  synchronized void flush() {
    while (true) {
      List<AuditEvent> batch = new ArrayList<>();
      synchronized (buffer) {
        while (!buffer.isEmpty() && batch.size() < MAX_BATCH) {
          batch.add(buffer.pollFirst());
        }
      }
      if (batch.isEmpty()) {
        return;
      }
      try {
        sink().append(batch.stream().map(AuditLog::row).toList(), Map.of());
      } catch (RuntimeException e) {
        synchronized (buffer) {
          for (int i = batch.size() - 1; i >= 0; i--) {
            buffer.addFirst(batch.get(i));
          }
        }
        sink = null;
        throw e;
      }
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
        return;
      } catch (RuntimeException e) {
        LOG.warn(
            "Cannot append to {} on close (attempt {} of 3): {}", TABLE, attempt, e.toString());
      }
    }
    synchronized (buffer) {
      LOG.error("{} audit events could not be written to {} and are lost", buffer.size(), TABLE);
    }
  }

  @Override
  public String toString() {
    return "AuditLog[" + TABLE + "]";
  }
}
