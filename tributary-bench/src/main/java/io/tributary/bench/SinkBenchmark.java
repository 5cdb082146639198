package io.tributary.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.amp.EventGenerator;
import io.tributary.amp.SimulatorConfig;
import io.tributary.core.TableId;
import io.tributary.core.config.PartitionField;
import io.tributary.core.config.StreamSpec;
import io.tributary.lake.Flattener;
import io.tributary.lake.Lake;
import io.tributary.lake.TableSink;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench sink}: the delivery's share of the work alone, without HTTP or Kafka: generated
 * live-audio events parsed and flattened, prepared (schema changes and rejected rows), then written
 * as Parquet and committed, in 25k-row chunks as delivery does. Prints the CPU the process spent
 * per row in each step (median of the rounds after the first), to compare changes to the sink on a
 * noisy machine by alternating runs.
 */
@Command(name = "sink", description = "Delivery's parse, prepare and write steps alone, per row.")
final class SinkBenchmark implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CHUNK = 25_000;

  /** Rows sharing one {@code _ingested_at} millisecond: about 50k events/s. */
  private static final int ROWS_PER_MILLI = 50;

  @Option(names = "--rows", defaultValue = "200000", description = "Rows per round")
  int rows;

  @Option(names = "--rounds", defaultValue = "12", description = "Rounds; the first warms up")
  int rounds;

  @Option(names = "--json", description = "Print one JSON object")
  boolean json;

  private record Round(double parse, double prepare, double write, double rowsPerSecond) {}

  @Override
  public Integer call() throws Exception {
    if (rows < CHUNK || rounds < 2) {
      throw new IllegalArgumentException(
          "--rows must be at least " + CHUNK + " and --rounds at least 2");
    }
    EventGenerator generator = new EventGenerator(SimulatorConfig.withSeed(7), Clock.systemUTC());
    List<byte[]> events = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      events.add(JSON.writeValueAsBytes(generator.next()));
    }
    List<Round> measured = new ArrayList<>();
    try (ScratchDir dir = new ScratchDir("tributary-bench-sink");
        Lake lake = Lake.open(LocalPlatform.catalog(dir.path()))) {
      TableSink sink =
          lake.sink(
              new TableId("raw", "bench_sink"), List.of(PartitionField.parse("day(_ingested_at)")));
      Flattener flattener = new Flattener(StreamSpec.Transform.FLATTEN);
      for (int round = 0; round < rounds; round++) {
        Round result = round(sink, flattener, events);
        System.err.printf(
            "round %d: %,.0f rows/s, CPU µs/row: parse %.2f, prepare %.2f, write+commit %.2f%n",
            round + 1, result.rowsPerSecond(), result.parse(), result.prepare(), result.write());
        if (round > 0) {
          measured.add(result);
        }
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("rows", rows);
    out.put("rounds_measured", measured.size());
    out.put("parse_cpu_us_per_row", median(measured, Round::parse));
    out.put("prepare_cpu_us_per_row", median(measured, Round::prepare));
    out.put("write_commit_cpu_us_per_row", median(measured, Round::write));
    out.put("total_cpu_us_per_row", median(measured, r -> r.parse() + r.prepare() + r.write()));
    out.put("rows_per_s", Math.round(median(measured, Round::rowsPerSecond)));
    Results.print(out, json);
    return 0;
  }

  private Round round(TableSink sink, Flattener flattener, List<byte[]> events) throws IOException {
    long parse = 0;
    long prepare = 0;
    long write = 0;
    long start = System.nanoTime();
    long firstMilli = System.currentTimeMillis();
    for (int from = 0; from < events.size(); from += CHUNK) {
      CpuMeter cpu = CpuMeter.start();
      List<Map<String, Object>> chunk = new ArrayList<>(CHUNK);
      for (int i = from; i < Math.min(events.size(), from + CHUNK); i++) {
        Map<String, Object> row = flattener.flatten(events.get(i)).orElseThrow();
        row.put("_ingested_at", Instant.ofEpochMilli(firstMilli + i / ROWS_PER_MILLI));
        chunk.add(row);
      }
      long parsed = cpu.nanos();
      if (!sink.prepare(chunk).isEmpty()) {
        throw new IllegalStateException("The sink rejects generated events");
      }
      long prepared = cpu.nanos();
      sink.append(chunk, Map.of());
      long written = cpu.nanos();
      parse += parsed;
      prepare += prepared - parsed;
      write += written - prepared;
    }
    double perRow = 1e3 * events.size();
    return new Round(
        parse / perRow,
        prepare / perRow,
        write / perRow,
        events.size() / ((System.nanoTime() - start) / 1e9));
  }

  private static double median(List<Round> rounds, ToDoubleFunction<Round> value) {
    double[] values = rounds.stream().mapToDouble(value).sorted().toArray();
    double median =
        values.length % 2 == 1
            ? values[values.length / 2]
            : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    return Results.round2(median);
  }
}
