package io.tributary.bench;

import io.tributary.core.config.StreamSpec;
import io.tributary.core.config.TributaryConfig;
import io.tributary.server.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bench ingest --nodes N}: end to end over HTTP on one node, then on {@code N} nodes, of one
 * platform sharing a 3-broker Kafka cluster (separate broker processes) and a PostgreSQL metadata
 * database (and one warehouse); then on the embedded defaults, as plain {@code bench ingest}.
 *
 * <p>The nodes are {@link Platform}s in this JVM: the process's CPU is theirs alone (the brokers
 * and PostgreSQL are other processes), so CPU per event compares one node with {@code N} cleanly,
 * and the nodes share the JIT's warm code, so a node started for a round is not measured cold. Node
 * 1 runs throughout; the others are started before each round's {@code N}-node phase (and warmed
 * with a short load that also waits for the consumer group to settle) and closed after it, so the
 * one-node phase is one node delivering every partition.
 */
final class NodesIngest {
  private static final String CREDENTIALS = "admin-credentials.json";
  private static final String MASTER_KEY = "master.key";

  private final int nodes;
  private final StreamSpec stream;
  private final Bodies bodies;
  private final int clients;

  NodesIngest(int nodes, StreamSpec stream, Bodies bodies, int clients) {
    if (nodes < 2) {
      throw new IllegalArgumentException("--nodes must be at least 2, not " + nodes);
    }
    this.nodes = nodes;
    this.stream = stream;
    this.bodies = bodies;
    this.clients = clients;
  }

  /**
   * Measures {@code rounds} rounds of {@code count} batches after {@code warmup} warm-up batches on
   * each side; the embedded side's config comes from {@code embedded}.
   */
  NodesReport measure(Path dir, int warmup, int count, int rounds, TributaryConfig embedded)
      throws Exception {
    List<Phase> one = new ArrayList<>();
    List<Phase> many = new ArrayList<>();
    int settle = Math.max(1, count / 5);
    log("starting PostgreSQL and a 3-broker Kafka cluster...");
    try (LocalPostgres postgres = LocalPostgres.start(dir, 128);
        BenchKafkaCluster kafka = BenchKafkaCluster.start(dir.resolve("kafka"), 3);
        Platform first =
            Platform.start(
                nodeConfig(dir, 1, postgres.jdbcUrl(), kafka.bootstrapServers()),
                Clock.systemUTC())) {
      EndToEndLoad alone = new EndToEndLoad(first, stream, clients);
      log("cluster, 1 node: end to end warm-up, %,d events...", warmup * Bodies.BATCH);
      alone.measure(bodies, 0, warmup);
      int next = warmup;
      for (int round = 1; round <= rounds; round++) {
        log(
            "round %d of %d: end to end on 1 node, %,d events...",
            round, rounds, count * Bodies.BATCH);
        one.add(alone.measure(bodies, next, count).phase());
        next += count;
        List<Platform> all = new ArrayList<>(List.of(first));
        try {
          for (int node = 2; node <= nodes; node++) {
            all.add(startNode(dir, node, postgres.jdbcUrl(), kafka.bootstrapServers()));
          }
          EndToEndLoad spread = new EndToEndLoad(all, stream, clients);
          spread.measure(bodies, next, settle); // the group settles, the new nodes warm up
          next += settle;
          log("round %d of %d: end to end on %d nodes...", round, rounds, nodes);
          many.add(spread.measure(bodies, next, count).phase());
          next += count;
        } finally {
          for (Platform node : all.subList(1, all.size())) {
            node.close();
          }
        }
      }
    }
    List<Phase> embeddedPhases = new ArrayList<>();
    try (Platform platform = Platform.start(embedded, Clock.systemUTC())) {
      EndToEndLoad load = new EndToEndLoad(platform, stream, clients);
      log("embedded defaults: end to end warm-up, %,d events...", warmup * Bodies.BATCH);
      load.measure(bodies, 0, warmup);
      for (int round = 1; round <= rounds; round++) {
        log("round %d of %d: end to end on the embedded defaults...", round, rounds);
        embeddedPhases.add(load.measure(bodies, warmup + (round - 1) * count, count).phase());
      }
    }
    return new NodesReport(nodes, one, many, embeddedPhases);
  }

  /** Node {@code node} (2..N): node 1's admin credentials and master key, then started. */
  private Platform startNode(Path dir, int node, String jdbcUrl, String bootstrap)
      throws IOException {
    Path firstDir = dir.resolve("node-1");
    Path dataDir = Files.createDirectories(dir.resolve("node-" + node));
    for (String file : List.of(CREDENTIALS, MASTER_KEY)) {
      if (Files.exists(firstDir.resolve(file))) {
        Files.copy(
            firstDir.resolve(file),
            dataDir.resolve(file),
            StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    log("starting node %d...", node);
    return Platform.start(nodeConfig(dir, node, jdbcUrl, bootstrap), Clock.systemUTC());
  }

  /** One node's config: its own data dir and id; the catalog, warehouse and Kafka shared. */
  private TributaryConfig nodeConfig(Path dir, int node, String jdbcUrl, String bootstrap) {
    String yaml =
        """
        data-dir: %s
        node: { id: bench-%d }
        http: { host: 127.0.0.1, port: 0 }
        pgwire: { enabled: false }
        catalog: { uri: "%s", user: %s, warehouse: %s }
        kafka: { mode: external, bootstrap-servers: "%s" }
        streams:
          - { name: %s, partitions: %d, buffer: { interval: %dms } }
        """
            .formatted(
                dir.resolve("node-" + node),
                node,
                jdbcUrl,
                LocalPostgres.USER,
                dir.resolve("warehouse"),
                bootstrap,
                stream.name(),
                stream.partitions(),
                stream.buffer().interval().toMillis());
    return TributaryConfig.fromYaml(yaml, "bench ingest --nodes, node " + node);
  }

  private static void log(String format, Object... args) {
    System.err.printf(format + "%n", args);
  }
}
