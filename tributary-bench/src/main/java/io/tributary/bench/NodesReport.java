package io.tributary.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The figures of {@code bench ingest --nodes N}: end to end on one node and on {@code N} nodes of
 * one platform (the same Kafka cluster and metadata database), each round's pair measured one after
 * the other, and on the embedded defaults; rates and CPU per event as medians and spreads, and the
 * ratios of {@code N} nodes to one taken within each round, with the target on CPU per event.
 */
final class NodesReport {
  /** The target: {@code N} nodes spend at most this much CPU per event as one node. */
  static final double CPU_TARGET = 1.2;

  private final int nodes;
  private final List<Phase> one;
  private final List<Phase> many;
  private final List<Phase> embedded;

  /**
   * @param nodes the nodes of the multi-node side, at least 2
   * @param one end to end on one node, one phase per round
   * @param many end to end on {@code nodes} nodes, one phase per round (as many as {@code one})
   * @param embedded end to end on the embedded defaults, one phase per round (or none)
   */
  NodesReport(int nodes, List<Phase> one, List<Phase> many, List<Phase> embedded) {
    if (nodes < 2) {
      throw new IllegalArgumentException("--nodes must be at least 2, not " + nodes);
    }
    if (one.isEmpty() || one.size() != many.size()) {
      throw new IllegalArgumentException(
          "One node and "
              + nodes
              + " nodes need the same rounds, at least one: "
              + one.size()
              + " and "
              + many.size());
    }
    this.nodes = nodes;
    this.one = List.copyOf(one);
    this.many = List.copyOf(many);
    this.embedded = List.copyOf(embedded);
  }

  /** Every figure, in print order. */
  Map<String, Object> figures() {
    String n = nodes + "_nodes";
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("nodes", nodes);
    out.put("cluster_1_node_events_per_s", whole(one, Phase::rate));
    out.put("cluster_" + n + "_events_per_s", whole(many, Phase::rate));
    if (!embedded.isEmpty()) {
      out.put("embedded_events_per_s", whole(embedded, Phase::rate));
    }
    out.put("cluster_1_node_cpu_us_per_event", twoDecimals(one, Phase::cpuMicrosPerEvent));
    out.put("cluster_" + n + "_cpu_us_per_event", twoDecimals(many, Phase::cpuMicrosPerEvent));
    if (!embedded.isEmpty()) {
      out.put("embedded_cpu_us_per_event", twoDecimals(embedded, Phase::cpuMicrosPerEvent));
    }
    out.put(n + "_vs_1_node_rate", ratio(Phase::rate));
    out.put(n + "_vs_1_node_cpu_per_event", ratio(Phase::cpuMicrosPerEvent));
    return out;
  }

  /** The CPU-per-event ratio's line: its median and spread, against the target. */
  String targetLine() {
    Spread ratio = ratio(Phase::cpuMicrosPerEvent);
    return String.format(
        "target: %d nodes <= %.1fx the CPU/event of 1 node on the same cluster: %sx over %d"
            + " round(s): %s",
        nodes,
        CPU_TARGET,
        ratio,
        one.size(),
        ratio.median().doubleValue() <= CPU_TARGET ? "met" : "NOT met");
  }

  private Spread ratio(ToDoubleFunction<Phase> figure) {
    double[] ratios = new double[one.size()];
    for (int round = 0; round < ratios.length; round++) {
      ratios[round] = figure.applyAsDouble(many.get(round)) / figure.applyAsDouble(one.get(round));
    }
    return Spread.twoDecimals(ratios);
  }

  private static Spread whole(List<Phase> phases, ToDoubleFunction<Phase> figure) {
    return Spread.whole(phases.stream().mapToDouble(figure).toArray());
  }

  private static Spread twoDecimals(List<Phase> phases, ToDoubleFunction<Phase> figure) {
    return Spread.twoDecimals(phases.stream().mapToDouble(figure).toArray());
  }
}
