package io.tributary.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LineageTest {
  @Test
  void aFlowSnapshotNamesItsRunTaskTryAndInputSnapshots() {
    var entry =
        Lineage.entry(
                7L,
                1_000L,
                "overwrite",
                Map.of(
                    SqlTaskRunner.FLOW, "daily",
                    SqlTaskRunner.RUN_ID, "20240101T000000Z",
                    SqlTaskRunner.TASK, "agg",
                    SqlTaskRunner.TRY, "2",
                    SqlTaskRunner.INPUTS, "raw.app_events@11,transformed.stage@-4"))
            .orElseThrow();

    assertThat(entry.snapshotId()).isEqualTo(7L);
    assertThat(entry.committedAt()).isEqualTo(Instant.ofEpochMilli(1_000L));
    assertThat(entry.flow()).isEqualTo("daily");
    assertThat(entry.runId()).isEqualTo("20240101T000000Z");
    assertThat(entry.taskId()).isEqualTo("agg");
    assertThat(entry.tryNumber()).isEqualTo(2);
    assertThat(entry.inputs())
        .containsExactly(Map.entry("raw.app_events", 11L), Map.entry("transformed.stage", -4L));
  }

  @Test
  void aSnapshotWithoutAFlowHasNoLineageAndNoInputsIsEmpty() {
    assertThat(Lineage.entry(1L, 0L, "append", Map.of("added-records", "3"))).isEmpty();
    assertThat(
            Lineage.entry(
                    1L, 0L, "append", Map.of(SqlTaskRunner.FLOW, "f", SqlTaskRunner.INPUTS, ""))
                .orElseThrow()
                .inputs())
        .isEmpty();
  }

  @Test
  void aMalformedInputIsNamed() {
    assertThatThrownBy(
            () ->
                Lineage.entry(
                    3L,
                    0L,
                    "append",
                    Map.of(SqlTaskRunner.FLOW, "f", SqlTaskRunner.INPUTS, "raw.x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Snapshot 3")
        .hasMessageContaining("'raw.x'");
  }
}
