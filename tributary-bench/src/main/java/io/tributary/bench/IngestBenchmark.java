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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench ingest}: end-to-end ingestion (HTTP → Kafka → delivery → committed Iceberg rows)
 * against its peers measured in the same run on the same machine: the raw Kafka producer on the
 * same embedded broker, the raw Iceberg writer, and the pipeline bound they set together; delivery
 * alone (a filled topic into a fresh table) against Apache Iceberg's Kafka Connect sink reading the
 * same topic; plus freshness, the time from a batch's acknowledgement to its rows being visible to
 * SQL. The phases alternate for {@code --rounds} rounds; each figure is their median and spread.
 * With {@code --access-cost}, end to end also alternates with a twin platform with access off, for
 * the cost of authentication.
 */
@Command(
    name = "ingest",
    description =
        "End-to-end ingest vs raw Kafka producer and Iceberg writer; delivery vs Iceberg's Kafka"
            + " Connect sink.")
final class IngestBenchmark implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STREAM = "bench_events";
  private static final String PEER_TOPIC = "bench_peer";
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

  @Option(
      names = "--rounds",
      defaultValue = "3",
      description = "Rounds of every phase, alternating; figures are their median and spread")
  int rounds;

  @Option(
      names = "--quick",
      description =
          "A short check (5,000 events, 2,500 warm-up, one round, no freshness phase) that every"
              + " side commits every event exactly once")
  boolean quick;

  @Option(
      names = "--connect-peer",
      description =
          "The target folder of the tributary-bench-connect module (Kafka Connect and Iceberg's"
              + " sink); default: found beside this benchmark")
  Path connectPeer;

  @Option(
      names = "--access-cost",
      description =
          "Also time end-to-end ingest on a twin platform with access off, alternating with this"
              + " one, and report the rate with access on over the rate with it off")
  boolean accessCost;

  @Option(
      names = "--nodes",
      defaultValue = "1",
      description =
          "With 2 or more: end to end on that many nodes of one platform (a 3-broker Kafka"
              + " cluster, a PostgreSQL catalog) against one node of it, and on the embedded"
              + " defaults; CPU per event of each and their ratio (needs PostgreSQL's binaries)")
  int nodes;

  @Option(names = "--json", description = "Print one JSON object")
  boolean json;

  @Override
  public Integer call() throws Exception {
    try (ScratchDir dir = new ScratchDir("tributary-bench")) {
      return run(dir.path());
    }
  }

  private int run(Path dir) throws Exception {
    if (quick) {
      events = 5_000;
      warmupEvents = 2_500;
      rounds = 1;
    }
    if (rounds < 1 || events < 1) {
      throw new IllegalArgumentException(
          "--rounds and --events must be at least 1, not " + rounds + " and " + events);
    }
    if (nodes < 1) {
      throw new IllegalArgumentException("--nodes must be at least 1, not " + nodes);
    }
    ConnectPeerJars connectJars = nodes > 1 ? null : ConnectPeerJars.locate(connectPeer);
    int warmup = (warmupEvents + BATCH - 1) / BATCH;
    int count = (events + BATCH - 1) / BATCH; // batches per round
    events = count * BATCH;
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
    result.put("events", events);
    result.put("event_bytes_avg", bodies.bytes() / (POOL_BATCHES * BATCH));
    result.put("rounds", rounds);
    if (nodes > 1) { // bench ingest --nodes N: its own phases only
      NodesReport nodesReport =
          new NodesIngest(nodes, stream, bodies, clients)
              .measure(dir, warmup, count, rounds, config(dir.resolve("embedded"), stream));
      result.putAll(nodesReport.figures());
      result.put("buffer_interval_ms", stream.buffer().interval().toMillis());
      result.put("rss_peak_mib", Host.peakRssMib());
      Results.print(result, json);
      (json ? System.err : System.out).println(nodesReport.targetLine());
      return 0;
    }
    IngestReport report;
    List<String> costLines = new ArrayList<>();
    try (Platform platform = Platform.start(config(dir, stream), Clock.systemUTC())) {
      EndToEndLoad load = new EndToEndLoad(platform, stream, clients);
      log("end to end warm-up: %,d events...", warmup * BATCH);
      load.measure(bodies, 0, warmup);
      PeerTopic topic = PeerTopic.fill(platform, PEER_TOPIC, bodies, warmup, warmup + count);
      TopicDelivery delivery = new TopicDelivery(platform, topic, stream.buffer().interval());
      List<IngestRound> measured = new ArrayList<>();
      try (ConnectPeer connect =
          new ConnectPeer(
              connectJars, platform, topic, stream.buffer().interval(), dir.resolve("connect"))) {
        for (int round = 1; round <= rounds; round++) {
          log("round %d of %d", round, rounds);
          Phase kafka = new KafkaProducerPeer(platform).measure(bodies, warmup, warmup + count);
          Phase iceberg = new IcebergWriterPeer(platform).measure(bodies, warmup, warmup + count);
          log("end to end over HTTP: %,d events, %d clients...", events, clients);
          EndToEndLoad.Result e2e = load.measure(bodies, warmup + (round - 1) * count, count);
          Phase delivered = delivery.measure(round);
          ConnectPeer.Result sink = connect.measure(round);
          IngestRound done = new IngestRound(kafka, iceberg, e2e, delivered, sink);
          measured.add(done);
          new IngestReport(List.of(done)).targetLines().forEach(IngestBenchmark::log);
        }
      }
      report = new IngestReport(measured);
      result.putAll(report.figures());
      result.put("rows_checked_exactly_once", 2L * rounds * events);
      int next = warmup + rounds * count; // the next batch of the stream's table
      if (accessCost) {
        result.putAll(accessCost(dir, stream, bodies, load, next, warmup, count, costLines));
        next += rounds * count;
      }
      if (!quick) {
        double e2eRate = median(measured, r -> r.endToEnd().phase().rate());
        Freshness.Result fresh =
            new Freshness(platform, stream)
                .measure(bodies.events(), next, Math.min(freshnessRate, e2eRate / 2));
        result.put("freshness_p50_ms", Math.round(fresh.p50Millis()));
        result.put("freshness_p99_ms", Math.round(fresh.p99Millis()));
        result.put("freshness_load_events_per_s", Math.round(fresh.loadEventsPerSecond()));
      }
      result.put("buffer_interval_ms", stream.buffer().interval().toMillis());
      result.put("rss_peak_mib", Host.peakRssMib());
    }
    Results.print(result, json);
    List<String> lines = new ArrayList<>(report.targetLines());
    lines.addAll(costLines);
    for (String line : lines) { // beside the JSON object, not in it
      (json ? System.err : System.out).println(line);
    }
    return 0;
  }

  /**
   * End to end with access on ({@code load}, from batch {@code next} on) and off (a twin platform
   * with access off), alternating for {@code --rounds} rounds: their medians and spreads and the
   * ratio's, taken within each round like the report's, and the ratio's line added to {@code
   * lines}.
   */
  private Map<String, Object> accessCost(
      Path dir,
      StreamSpec stream,
      Bodies bodies,
      EndToEndLoad load,
      int next,
      int warmup,
      int count,
      List<String> lines)
      throws Exception {
    Map<String, Object> figures = new LinkedHashMap<>();
    Path offDir = dir.resolve("access-off");
    try (Platform off =
        Platform.start(AccessCost.accessOff(config(offDir, stream), offDir), Clock.systemUTC())) {
      EndToEndLoad offLoad = new EndToEndLoad(off, stream, clients);
      log("access off: end to end warm-up, %,d events...", warmup * BATCH);
      offLoad.measure(bodies, 0, warmup);
      Rounds onOff =
          Rounds.alternate(
              rounds,
              round -> {
                log(
                    "access cost, round %d of %d: end to end with access on, then off...",
                    round, rounds);
                return load.measure(bodies, next + (round - 1) * count, count).phase().rate();
              },
              round -> offLoad.measure(bodies, warmup + (round - 1) * count, count).phase().rate());
      figures.put("e2e_access_on_events_per_s", onOff.a());
      figures.put("e2e_access_off_events_per_s", onOff.b());
      figures.put("e2e_access_on_vs_off", onOff.ratio());
      lines.add(
          AccessCost.line(
              "end-to-end ingest",
              onOff.a().median().doubleValue(),
              onOff.b().median().doubleValue(),
              "events/s",
              onOff.ratio()));
    }
    return figures;
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

  private static double median(List<IngestRound> rounds, ToDoubleFunction<IngestRound> figure) {
    return Spread.whole(rounds.stream().mapToDouble(figure).toArray()).median().doubleValue();
  }

  private static void log(String format, Object... args) {
    System.err.printf(format + "%n", args);
  }
}
