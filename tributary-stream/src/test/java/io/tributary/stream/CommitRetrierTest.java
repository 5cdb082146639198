package io.tributary.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.TableId;
import io.tributary.core.config.TributaryConfig;
import io.tributary.lake.Lake;
import io.tributary.lake.TableSink;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two nodes delivering one stream into one table: commits fenced by the table's offsets. */
class CommitRetrierTest {
  private static final TableId TABLE = TableId.parse("raw.clicks");
  private static final String KEY = DeliveryOffsets.key("clicks");

  @TempDir Path dir;
  private Lake lake;
  private final List<String> failures = new ArrayList<>();

  @BeforeEach
  void open() {
    lake =
        Lake.open(
            new TributaryConfig.Catalog(
                "jdbc:sqlite:" + dir.resolve("catalog.db"), null, null, dir.resolve("lake")));
  }

  @AfterEach
  void close() {
    lake.close();
  }

  private CommitRetrier retrier() {
    return new CommitRetrier("clicks", KEY, () -> true, failures::add);
  }

  private static Map<String, Object> row(String id) {
    return Map.of("id", id);
  }

  private void commit(TableSink sink, Map<Integer, Long> known, Map<Integer, Long> advanced)
      throws InterruptedException {
    List<Map<String, Object>> rows = List.of(row("r" + advanced));
    sink.prepare(rows);
    retrier()
        .commit(
            sink,
            known,
            advanced,
            (attempt, properties, expected) ->
                sink.appendIf(rows, properties, Optional.of(expected)));
  }

  @Test
  void eachNodeAdvancesItsPartitionsAndKeepsTheOthers() throws Exception {
    TableSink nodeA = lake.sink(TABLE, List.of());
    TableSink nodeB = lake.sink(TABLE, List.of());
    commit(nodeA, Map.of(), Map.of(0, 10L));
    commit(nodeB, Map.of(), Map.of(1, 5L));
    commit(nodeA, Map.of(0, 10L), Map.of(0, 20L));

    assertThat(DeliveryOffsets.decode(nodeB.lastCommitted(KEY)))
        .containsExactlyInAnyOrderEntriesOf(Map.of(0, 20L, 1, 5L));
  }

  @Test
  void aNodeThatLostItsPartitionCannotCommitIt() throws Exception {
    TableSink zombie = lake.sink(TABLE, List.of());
    TableSink owner = lake.sink(TABLE, List.of());
    commit(zombie, Map.of(), Map.of(0, 10L));
    // the partition moved: the new owner read from 10 and committed up to 25
    commit(owner, Map.of(0, 10L), Map.of(0, 25L));

    assertThatThrownBy(() -> commit(zombie, Map.of(0, 10L), Map.of(0, 30L)))
        .isInstanceOf(DeliveryFencedException.class)
        .hasMessageContaining("holds offset 25 of partition 0 instead of 10");
    assertThat(DeliveryOffsets.decode(owner.lastCommitted(KEY))).containsEntry(0, 25L);
    assertThat(failures).isEmpty();
  }

  @Test
  void aCommitRacingAnotherNodesIsRetriedOnTheNewOffsets() throws Exception {
    TableSink nodeA = lake.sink(TABLE, List.of());
    TableSink nodeB = lake.sink(TABLE, List.of());
    commit(nodeA, Map.of(), Map.of(0, 10L));
    List<Map<String, Object>> rows = List.of(row("b"));
    nodeB.prepare(rows);
    retrier()
        .commit(
            nodeB,
            Map.of(),
            Map.of(1, 7L),
            (attempt, properties, expected) -> {
              if (attempt == 1) { // node A commits between B's read and B's commit
                try {
                  commit(nodeA, Map.of(0, 10L), Map.of(0, 15L));
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              }
              return nodeB.appendIf(rows, properties, Optional.of(expected));
            });

    assertThat(failures).hasSize(1).first().asString().contains("conflicts with a concurrent");
    assertThat(DeliveryOffsets.decode(nodeB.lastCommitted(KEY)))
        .containsExactlyInAnyOrderEntriesOf(Map.of(0, 15L, 1, 7L));
  }
}
