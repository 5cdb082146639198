package io.tributary.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.amp.EventGenerator;
import io.tributary.amp.SimulatorConfig;
import io.tributary.core.config.ConfigNode;
import io.tributary.core.config.StreamSpec;
import io.tributary.core.config.TributaryConfig;
import io.tributary.server.Platform;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench ingest}: end-to-end ingestion (HTTP → Kafka → delivery → committed Iceberg rows)
 * against its two peers measured in the same run on the same machine: the raw Kafka producer on the
 * same embedded broker, and the raw Iceberg writer; plus freshness, the time from a batch's
 * acknowledgement to its rows being visible to SQL.
 */
@Command(
    name = "ingest",
    description = "End-to-end ingest vs raw Kafka producer and Iceberg writer.")
final class IngestBenchmark implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STREAM = "bench_events";
  private static final int BATCH = Bodies.BATCH;
  private static final int POOL_BATCHES = Bodies.POOL_BATCHES;

  @Option(names = "--events", defaultValue = "200000", description = "Events per phase")
  int events;

  @Option(
      names = "--buffer-interval",
      defaultValue = "2s",
      description = "Delivery buffer interval")
  String bufferInterval;

  @Option(
      names = "--warmup-events",
      defaultValue = "50000",
      description = "Events sent end to end (and awaited) before the timed run, to warm up the JIT")
  int warmupEvents;

  @Option(names = "--clients", defaultValue = "8", description = "Concurrent HTTP clients")
  int clients;

  @Option(
      names = "--freshness-rate",
      defaultValue = "5000",
      description =
          "Steady load (events/s) of the freshness phase; at most half the end-to-end rate")
  double freshnessRate;

  @Option(names = "--json", description = "Print one JSON object")
  boolean json;

  @Override
  public Integer call() throws Exception {
    try (ScratchDir dir = new ScratchDir("tributary-bench")) {
      return run(dir.path());
    }
  }

  private int run(Path dir) throws Exception {
    int warmup = (warmupEvents + BATCH - 1) / BATCH;
    int batches = (events + BATCH - 1) / BATCH + warmup;
    events = (batches - warmup) * BATCH;
    log("generating %,d distinct events...", POOL_BATCHES * BATCH);
    Bodies bodies = new Bodies(new EventGenerator(SimulatorConfig.withSeed(7), Clock.systemUTC()));
    StreamSpec stream =
        StreamSpec.fromConfig(
            STREAM,
            new ConfigNode(
                JSON.createObjectNode()
                    .set("buffer", JSON.createObjectNode().put("interval", bufferInterval)),
                "bench"));
    Map<String, Object> result = new LinkedHashMap<>();
    try (Platform platform = Platform.start(config(dir, stream), Clock.systemUTC())) {
      result.put("events", events);
      result.put("event_bytes_avg", bodies.bytes() / (POOL_BATCHES * BATCH));
      Phase kafka = new KafkaProducerPeer(platform).measure(bodies, warmup, batches);
      Phase iceberg = new IcebergWriterPeer(platform).measure(bodies, warmup, batches);
      EndToEndLoad load = new EndToEndLoad(platform, stream, clients);
      log("end to end warm-up: %,d events...", warmup * BATCH);
      load.measure(bodies, 0, warmup);
      log("end to end over HTTP: %,d events, %d clients...", events, clients);
      EndToEndLoad.Result e2e = load.measure(bodies, warmup, batches - warmup);
      Freshness.Result fresh =
          new Freshness(platform, stream)
              .measure(bodies.events(), batches, Math.min(freshnessRate, e2e.phase().rate() / 2));
      result.put("end_to_end_events_per_s", Math.round(e2e.phase().rate()));
      result.put("gateway_acked_events_per_s", Math.round(e2e.ackedPerSecond()));
      result.put("kafka_producer_events_per_s", Math.round(kafka.rate()));
      result.put("iceberg_writer_rows_per_s", Math.round(iceberg.rate()));
      result.put("end_to_end_vs_kafka_producer", Results.round2(e2e.phase().rate() / kafka.rate()));
      result.put(
          "end_to_end_vs_iceberg_writer", Results.round2(e2e.phase().rate() / iceberg.rate()));
      result.put("end_to_end_cpu_us_per_event", Results.round2(e2e.phase().cpuMicrosPerEvent()));
      result.put("kafka_producer_cpu_us_per_event", Results.round2(kafka.cpuMicrosPerEvent()));
      result.put("iceberg_writer_cpu_us_per_row", Results.round2(iceberg.cpuMicrosPerEvent()));
      result.put("freshness_p50_ms", Math.round(fresh.p50Millis()));
      result.put("freshness_p99_ms", Math.round(fresh.p99Millis()));
      result.put("freshness_load_events_per_s", Math.round(fresh.loadEventsPerSecond()));
      result.put("buffer_interval_ms", stream.buffer().interval().toMillis());
      result.put("rss_peak_mib", Host.peakRssMib());
    }
    Results.print(result, json);
    return 0;
  }

  /** The platform with an embedded broker, a SQLite catalog and the benchmark's one stream. */
  private static TributaryConfig config(Path dir, StreamSpec stream) throws IOException {
    return new TributaryConfig(
        dir,
        LocalPlatform.http(),
        LocalPlatform.embeddedKafka(),
        LocalPlatform.catalog(dir),
        TributaryConfig.Ingest.DEFAULT,
        TributaryConfig.Query.DEFAULT,
        List.of(stream));
  }

  private static void log(String format, Object... args) {
    System.err.printf(format + "%n", args);
  }
}
