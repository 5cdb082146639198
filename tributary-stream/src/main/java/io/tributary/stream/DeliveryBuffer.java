package io.tributary.stream;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The records one stream's delivery has read since its last commit. Records wait here unparsed
 * until a chunk of them is taken for parsing; parsed records are not kept (after a failed write the
 * delivery reads them again from Kafka), so the heap holds at most a chunk's raw bytes here. Used
 * by the delivery thread only.
 *
 * @see StreamDelivery for what bounds a chunk's rows and cells once parsed
 */
final class DeliveryBuffer {
  private final int chunkRecords;
  private final long chunkBytes;
  private final List<ConsumerRecord<byte[], byte[]>> pending = new ArrayList<>();
  private long pendingBytes;
  private int buffered;
  private long bufferedBytes;
  private long startedMillis;
  private long firstTimestamp;

  /**
   * @param chunkRecords the most records in one chunk
   * @param chunkBytes the most bytes of records in one chunk (a chunk holds at least one record)
   */
  DeliveryBuffer(int chunkRecords, long chunkBytes) {
    this.chunkRecords = chunkRecords;
    this.chunkBytes = chunkBytes;
  }

  void add(ConsumerRecord<byte[], byte[]> record, long nowMillis) {
    if (buffered == 0) {
      startedMillis = nowMillis;
      firstTimestamp = record.timestamp();
    }
    pending.add(record);
    buffered++;
    long size = sizeOf(record);
    bufferedBytes += size;
    pendingBytes += size;
  }

  /** Records read since the last commit, parsed or not. */
  int buffered() {
    return buffered;
  }

  long bufferedBytes() {
    return bufferedBytes;
  }

  /** When the first record since the last commit was read. */
  long startedMillis() {
    return startedMillis;
  }

  /**
   * Whether the first record since the last commit was at least {@code intervalMillis} old (by its
   * Kafka timestamp) when it was read: the buffer holds a backlog, whose records are overdue
   * already, so waiting for the interval to pass once more only delays them. A record without a
   * timestamp, or with one ahead of this node's clock, is never overdue.
   */
  boolean holdsBacklog(long intervalMillis) {
    return buffered > 0 && firstTimestamp >= 0 && startedMillis - firstTimestamp >= intervalMillis;
  }

  /** Whether a full chunk waits to be parsed. */
  boolean hasFullChunk() {
    return pending.size() >= chunkRecords || pendingBytes >= chunkBytes;
  }

  boolean hasPending() {
    return !pending.isEmpty();
  }

  /** Takes the next chunk of unparsed records: up to the chunk's record and byte limits. */
  List<ConsumerRecord<byte[], byte[]>> takeChunk() {
    int end = 0;
    long bytes = 0;
    while (end < pending.size() && end < chunkRecords && bytes < chunkBytes) {
      bytes += sizeOf(pending.get(end));
      end++;
    }
    List<ConsumerRecord<byte[], byte[]>> chunk = new ArrayList<>(pending.subList(0, end));
    pending.subList(0, end).clear();
    pendingBytes = Math.max(0, pendingBytes - bytes);
    return chunk;
  }

  /** Forgets everything: after a commit, or to read the records again. */
  void clear() {
    pending.clear();
    pendingBytes = 0;
    buffered = 0;
    bufferedBytes = 0;
  }

  private static long sizeOf(ConsumerRecord<byte[], byte[]> record) {
    return record.value() == null ? 0 : record.value().length;
  }
}
