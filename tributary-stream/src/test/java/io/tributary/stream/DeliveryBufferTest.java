package io.tributary.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.consumer.ConsumerRecord;
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
}
