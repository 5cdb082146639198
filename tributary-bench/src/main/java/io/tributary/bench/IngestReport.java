package io.tributary.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The figures of {@code bench ingest} over its rounds (each a median and its spread), and its
 * targets, each with its ratio.
 */
final class IngestReport {
  private final List<IngestRound> rounds;

  IngestReport(List<IngestRound> rounds) {
    if (rounds.isEmpty()) {
      throw new IllegalArgumentException("A report needs at least one round");
    }
    this.rounds = List.copyOf(rounds);
  }

  /** A target on a ratio figure: at least (or at most) {@code goal}. */
  record Target(String figure, String description, double goal, boolean atMost) {
    boolean met(double ratio) {
      return atMost ? ratio <= goal : ratio >= goal;
    }
  }

  static final List<Target> TARGETS =
      List.of(
          new Target(
              "delivery_vs_connect_sink",
              "delivery >= 3x the Kafka Connect Iceberg sink (rows/s)",
              3,
              false),
          new Target(
              "delivery_vs_iceberg_writer",
              "delivery >= 0.8x the raw Iceberg writer (rows/s)",
              0.8,
              false),
          new Target(
              "end_to_end_vs_pipeline_bound",
              "end to end >= 0.75x the pipeline bound 1/(1/P + 1/W)",
              0.75,
              false),
          new Target(
              "end_to_end_cpu_vs_producer_plus_writer",
              "end-to-end CPU/event <= 1.35x producer + writer CPU/event",
              1.35,
              true));

  /** Every figure, in print order: rates, ratios, CPU per event or row. */
  Map<String, Object> figures() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("end_to_end_events_per_s", whole(r -> r.endToEnd().phase().rate()));
    out.put("gateway_acked_events_per_s", whole(r -> r.endToEnd().ackedPerSecond()));
    out.put("kafka_producer_events_per_s", whole(r -> r.producer().rate()));
    out.put("iceberg_writer_rows_per_s", whole(r -> r.writer().rate()));
    out.put("pipeline_bound_events_per_s", whole(IngestRound::pipelineBound));
    out.put("delivery_rows_per_s", whole(r -> r.delivery().rate()));
    out.put("connect_sink_rows_per_s", whole(r -> r.connect().phase().rate()));
    out.put(
        "end_to_end_vs_kafka_producer",
        twoDecimals(r -> r.endToEnd().phase().rate() / r.producer().rate()));
    out.put(
        "end_to_end_vs_iceberg_writer",
        twoDecimals(r -> r.endToEnd().phase().rate() / r.writer().rate()));
    out.put(
        "end_to_end_vs_pipeline_bound",
        twoDecimals(r -> r.endToEnd().phase().rate() / r.pipelineBound()));
    out.put(
        "delivery_vs_connect_sink",
        twoDecimals(r -> r.delivery().rate() / r.connect().phase().rate()));
    out.put(
        "delivery_vs_iceberg_writer", twoDecimals(r -> r.delivery().rate() / r.writer().rate()));
    out.put(
        "end_to_end_cpu_us_per_event", twoDecimals(r -> r.endToEnd().phase().cpuMicrosPerEvent()));
    out.put("kafka_producer_cpu_us_per_event", twoDecimals(r -> r.producer().cpuMicrosPerEvent()));
    out.put("iceberg_writer_cpu_us_per_row", twoDecimals(r -> r.writer().cpuMicrosPerEvent()));
    out.put(
        "end_to_end_cpu_vs_producer_plus_writer",
        twoDecimals(IngestRound::cpuVsProducerPlusWriter));
    out.put("delivery_cpu_us_per_row", twoDecimals(r -> r.delivery().cpuMicrosPerEvent()));
    out.put(
        "connect_sink_cpu_us_per_row", twoDecimals(r -> r.connect().phase().cpuMicrosPerEvent()));
    out.put(
        "connect_worker_cpu_us_per_row", twoDecimals(IngestRound::connectWorkerCpuMicrosPerRow));
    return out;
  }

  /** One line per target: its ratio (median and spread over the rounds), met or not. */
  List<String> targetLines() {
    Map<String, Object> figures = figures();
    return TARGETS.stream()
        .map(
            target -> {
              Spread ratio = (Spread) figures.get(target.figure());
              return String.format(
                  "target: %s: %sx over %d round(s): %s",
                  target.description(),
                  ratio,
                  rounds.size(),
                  target.met(ratio.median().doubleValue()) ? "met" : "NOT met");
            })
        .toList();
  }

  private Spread whole(ToDoubleFunction<IngestRound> figure) {
    return Spread.whole(rounds.stream().mapToDouble(figure).toArray());
  }

  private Spread twoDecimals(ToDoubleFunction<IngestRound> figure) {
    return Spread.twoDecimals(rounds.stream().mapToDouble(figure).toArray());
  }
}
