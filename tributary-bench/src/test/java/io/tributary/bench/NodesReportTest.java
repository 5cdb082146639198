package io.tributary.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodesReportTest {
  private static final long SECOND = 1_000_000_000L;

  /** {@code events} in one second of wall time at {@code cpuMicros} µs of CPU per event. */
  private static Phase phase(long events, double cpuMicros) {
    return new Phase(events, SECOND, Math.round(events * cpuMicros * 1e3));
  }

  @Test
  void ratiosAreTakenWithinEachRoundAndTheTargetIsOnCpuPerEvent() {
    NodesReport report =
        new NodesReport(
            2,
            List.of(phase(10_000, 30), phase(20_000, 40), phase(15_000, 20)),
            List.of(phase(12_000, 33), phase(18_000, 60), phase(15_000, 22)),
            List.of(phase(30_000, 35)));

    Map<String, Object> figures = report.figures();

    assertThat(figures.keySet())
        .containsExactly(
            "nodes",
            "cluster_1_node_events_per_s",
            "cluster_2_nodes_events_per_s",
            "embedded_events_per_s",
            "cluster_1_node_cpu_us_per_event",
            "cluster_2_nodes_cpu_us_per_event",
            "embedded_cpu_us_per_event",
            "2_nodes_vs_1_node_rate",
            "2_nodes_vs_1_node_cpu_per_event");
    assertThat(figures.get("cluster_1_node_events_per_s"))
        .isEqualTo(new Spread(15_000L, 10_000L, 20_000L));
    assertThat(figures.get("embedded_cpu_us_per_event")).isEqualTo(new Spread(35.0, 35.0, 35.0));
    // per round: 1.2, 0.9, 1.0 (rate); 1.1, 1.5, 1.1 (CPU per event)
    assertThat(figures.get("2_nodes_vs_1_node_rate")).isEqualTo(new Spread(1.0, 0.9, 1.2));
    assertThat(figures.get("2_nodes_vs_1_node_cpu_per_event")).isEqualTo(new Spread(1.1, 1.1, 1.5));
    assertThat(report.targetLine())
        .isEqualTo(
            "target: 2 nodes <= 1.2x the CPU/event of 1 node on the same cluster:"
                + " 1.1 (1.1–1.5)x over 3 round(s): met");
  }

  @Test
  void aCpuRatioAboveTheTargetIsNotMetAndEmbeddedIsOptional() {
    NodesReport report =
        new NodesReport(3, List.of(phase(1_000, 10)), List.of(phase(1_000, 13)), List.of());

    assertThat(report.figures())
        .containsKey("cluster_3_nodes_events_per_s")
        .doesNotContainKey("embedded_events_per_s")
        .containsEntry("3_nodes_vs_1_node_cpu_per_event", new Spread(1.3, 1.3, 1.3));
    assertThat(report.targetLine()).endsWith("1.3x over 1 round(s): NOT met");
  }

  @Test
  void refusesOneNodeOrUnpairedRounds() {
    List<Phase> one = List.of(phase(1_000, 10));
    assertThatThrownBy(() -> new NodesReport(1, one, one, List.of()))
        .hasMessageContaining("--nodes must be at least 2");
    assertThatThrownBy(() -> new NodesReport(2, one, List.of(), List.of()))
        .hasMessageContaining("the same rounds");
  }
}
