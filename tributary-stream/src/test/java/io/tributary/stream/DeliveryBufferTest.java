package io.tributary.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DeliveryBufferTest {
  private static ConsumerRecord<byte[], byte[]> record(long offset, int bytes) {
    return new ConsumerRecord<>("s", 0, offset, null, new byte[bytes]);
  }

  @Test
  void chunksAreBoundedByRecordsAndBytes() {
    DeliveryBuffer buffer = new DeliveryBuffer(3, 100);
    for (int i = 0; i < 4; i++) {
      buffer.add(record(i, 10), 1_000 + i);
    }
    assertThat(buffer.buffered()).isEqualTo(4);
    assertThat(buffer.bufferedBytes()).isEqualTo(40);
    assertThat(buffer.startedMillis()).isEqualTo(1_000);
    assertThat(buffer.hasFullChunk()).isTrue();
    assertThat(buffer.takeChunk()).extracting(ConsumerRecord::offset).containsExactly(0L, 1L, 2L);
    assertThat(buffer.hasFullChunk()).isFalse();
    assertThat(buffer.takeChunk()).extracting(ConsumerRecord::offset).containsExactly(3L);
    assertThat(buffer.hasPending()).isFalse();
    assertThat(buffer.buffered()).as("read since the last commit").isEqualTo(4);

    buffer.add(record(4, 60), 2_000);
    buffer.add(record(5, 60), 2_001);
    buffer.add(record(6, 10), 2_002);
    assertThat(buffer.startedMillis()).as("not restarted before a commit").isEqualTo(1_000);
    assertThat(buffer.hasFullChunk()).isTrue();
    assertThat(buffer.takeChunk()).extracting(ConsumerRecord::offset).containsExactly(4L, 5L);
    buffer.clear();
    assertThat(buffer.buffered()).isZero();
    assertThat(buffer.hasPending()).isFalse();
    buffer.add(record(7, 500), 3_000);
    assertThat(buffer.takeChunk()).as("a record larger than a chunk is one chunk").hasSize(1);
    assertThat(buffer.startedMillis()).as("started again after clear").isEqualTo(3_000);
  }

  @Test
  void anEmptyRecordCountsNoBytes() {
    DeliveryBuffer buffer = new DeliveryBuffer(10, 100);
    buffer.add(new ConsumerRecord<>("s", 0, 0, null, null), 5);
    assertThat(buffer.bufferedBytes()).isZero();
    assertThat(buffer.takeChunk()).hasSize(1);
  }

  private static ConsumerRecord<byte[], byte[]> stamped(long offset, long timestamp) {
    return new ConsumerRecord<>(
        "s",
        0,
        offset,
        timestamp,
        TimestampType.CREATE_TIME,
        0,
        1,
        null,
        new byte[1],
        new RecordHeaders(),
        Optional.empty());
  }

  @Test
  void aBufferWhoseFirstRecordWasAnIntervalOldWhenReadHoldsABacklog() {
    DeliveryBuffer buffer = new DeliveryBuffer(10, 100);
    assertThat(buffer.holdsBacklog(2_000)).as("empty").isFalse();
    buffer.add(stamped(0, 9_000), 10_000);
    buffer.add(stamped(1, 1_000), 10_001);
    assertThat(buffer.holdsBacklog(2_000)).as("its first record was 1 s old").isFalse();
    assertThat(buffer.holdsBacklog(1_000)).isTrue();

    buffer.clear();
    buffer.add(stamped(2, 7_999), 10_000);
    assertThat(buffer.holdsBacklog(2_000)).isTrue();

    buffer.clear();
    buffer.add(stamped(3, 20_000), 10_000);
    assertThat(buffer.holdsBacklog(2_000)).as("a timestamp ahead of the clock").isFalse();
    buffer.clear();
    buffer.add(record(4, 1), 10_000);
    assertThat(buffer.holdsBacklog(2_000)).as("no timestamp").isFalse();
  }
}
