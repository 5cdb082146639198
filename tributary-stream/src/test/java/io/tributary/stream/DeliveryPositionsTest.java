package io.tributary.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class DeliveryPositionsTest {
  private static final TopicPartition P0 = new TopicPartition("s", 0);
  private static final TopicPartition P1 = new TopicPartition("s", 1);

  private static MockConsumer<byte[], byte[]> consumer() {
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
    Node node = new Node(0, "localhost", 9092);
    Node[] nodes = {node};
    consumer.updatePartitions(
        "s",
        List.of(
            new PartitionInfo("s", 0, node, nodes, nodes),
            new PartitionInfo("s", 1, node, nodes, nodes)));
    consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    consumer.updateEndOffsets(Map.of(P0, 100L, P1, 50L));
    return consumer;
  }

  @Test
  void resumesAssignedPartitionsAfterWhatTheTableHoldsAndAdvancesThoseRead() {
    MockConsumer<byte[], byte[]> consumer = consumer();
    consumer.assign(List.of(P0, P1));
    DeliveryPositions positions = new DeliveryPositions("s", consumer);
    positions.assigned(List.of(P0, P1), Map.of(0, 40L, 2, 7L), Map.of(0, 42L));
    assertThat(positions.owned()).containsExactly(0, 1);
    assertThat(consumer.position(P0)).isEqualTo(40);
    assertThat(consumer.position(P1)).as("not in the table: from the start").isZero();
    assertThat(positions.tableHasOffsets()).isTrue();
    assertThat(positions.dataOffsets()).as("only owned partitions").containsOnlyKeys(0);

    assertThat(positions.isNew(0, 39)).isFalse();
    assertThat(positions.isNew(0, 40)).isTrue();
    assertThat(positions.errorCommitted(0, 41)).isTrue();
    assertThat(positions.errorCommitted(0, 42)).isFalse();

    positions.read(0, 44);
    positions.read(1, 7);
    positions.read(0, 43);
    assertThat(positions.next()).containsExactlyInAnyOrderEntriesOf(Map.of(0, 45L, 1, 8L));

    consumer.seek(P0, 90);
    positions.seekBack();
    assertThat(consumer.position(P0)).as("read again from the table's offsets").isEqualTo(40);
    assertThat(positions.next()).isEmpty();

    positions.read(0, 60);
    Map<Integer, Long> committed = positions.next();
    positions.errorsCommitted(committed);
    positions.dataCommitted(committed);
    assertThat(positions.dataOffsets()).containsEntry(0, 61L);
    assertThat(positions.errorCommitted(0, 60)).isTrue();
    assertThat(positions.groupOffsets()).containsOnlyKeys(P0);
    assertThat(positions.groupOffsets().get(P0).offset()).isEqualTo(61);
  }

  @Test
  void forgetsRevokedPartitionsAndReloadsReassignedOnes() {
    MockConsumer<byte[], byte[]> consumer = consumer();
    consumer.assign(List.of(P0, P1));
    DeliveryPositions positions = new DeliveryPositions("s", consumer);
    positions.assigned(List.of(P0, P1), Map.of(0, 40L, 1, 10L), Map.of());
    positions.read(0, 41);
    positions.read(1, 11);

    positions.revoked(List.of(P1));
    assertThat(positions.owned()).containsExactly(0);
    assertThat(positions.next()).as("nothing of P1 is committed any more").containsOnlyKeys(0);
    assertThat(positions.dataOffsets()).containsOnlyKeys(0);

    // another node delivered P1 meanwhile: assigned again, it resumes from the table
    positions.assigned(List.of(P1), Map.of(0, 40L, 1, 30L), Map.of(1, 25L));
    assertThat(positions.owned()).containsExactly(0, 1);
    assertThat(consumer.position(P1)).isEqualTo(30);
    assertThat(positions.errorCommitted(1, 24)).isTrue();
    assertThat(positions.next()).containsExactlyEntriesOf(Map.of(0, 42L));
  }

  @Test
  void caughtUpOnceEveryOwnedPartitionIsReadToItsEnd() {
    MockConsumer<byte[], byte[]> consumer = consumer();
    DeliveryPositions positions = new DeliveryPositions("s", consumer);
    assertThat(positions.caughtUp()).as("nothing assigned").isFalse();
    consumer.assign(List.of(P0, P1));
    positions.assigned(List.of(P0, P1), Map.of(0, 40L), Map.of());
    assertThat(positions.caughtUp()).isFalse();
    consumer.seek(P0, 100);
    assertThat(positions.caughtUp()).as("partition 1 is behind").isFalse();
    consumer.seek(P1, 50);
    assertThat(positions.caughtUp()).isTrue();
  }
}
