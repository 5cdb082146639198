package io.tributary.bench;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real Kafka cluster for {@code bench ingest --nodes}: {@code n} KRaft nodes, each a separate JVM
 * ({@code kafka.Kafka server.properties} on this benchmark's classpath) acting as broker and
 * controller, on loopback ports, internal topics replicated 3 times with 2 in sync as in
 * production. Small heaps and few threads: it shares the machine with the platform. Their CPU is
 * not the platform's: the benchmark measures its own process. Closing it kills every node.
 */
final class BenchKafkaCluster implements AutoCloseable {
  private static final String CONTROLLER = "CONTROLLER";

  private record Node(int id, int port, int controllerPort, Path config, Path log) {}

  private final Path dir;
  private final List<Node> nodes;
  private final Process[] processes;
  private final String bootstrapServers;

  private BenchKafkaCluster(Path dir, List<Node> nodes) {
    this.dir = dir;
    this.nodes = nodes;
    this.processes = new Process[nodes.size()];
    this.bootstrapServers =
        nodes.stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
  }

  /** Formats and starts {@code size} nodes under {@code dir}; waits until all are brokers. */
  static BenchKafkaCluster start(Path dir, int size) throws IOException, InterruptedException {
    List<Node> nodes = new ArrayList<>();
    for (int id = 1; id <= size; id++) {
      Path nodeDir = Files.createDirectories(dir.resolve("kafka-" + id));
      nodes.add(
          new Node(
              id,
              LocalPlatform.freePort(),
              LocalPlatform.freePort(),
              nodeDir.resolve("server.properties"),
              nodeDir.resolve("server.log")));
    }
    String voters =
        nodes.stream()
            .map(n -> n.id() + "@127.0.0.1:" + n.controllerPort())
            .collect(Collectors.joining(","));
    String clusterId = Uuid.randomUuid().toString();
    BenchKafkaCluster cluster = new BenchKafkaCluster(dir, List.copyOf(nodes));
    try {
      for (Node node : nodes) {
        Path logDir = Files.createDirectories(node.config().getParent().resolve("data"));
        write(node.config(), properties(node, voters, logDir));
        format(node.id(), clusterId, logDir);
      }
      for (int i = 0; i < nodes.size(); i++) {
        cluster.startNode(i);
      }
      cluster.awaitBrokers(size);
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** The {@code host:port} list of every node's client listener. */
  String bootstrapServers() {
    return bootstrapServers;
  }

  private void awaitBrokers(int count) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      while (true) {
        for (int i = 0; i < processes.length; i++) {
          if (!processes[i].isAlive()) {
            throw new IOException("Kafka node " + (i + 1) + " exited: see " + nodes.get(i).log());
          }
        }
        try {
          if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == count) {
            return;
          }
        } catch (java.util.concurrent.ExecutionException
            | java.util.concurrent.TimeoutException e) {
          // not up yet
        }
        if (System.nanoTime() > deadline) {
          throw new IOException("Kafka cluster not up within 120 s: see " + dir);
        }
        Thread.sleep(500);
      }
    }
  }

  private void startNode(int index) {
    Node node = nodes.get(index);
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-Xss512k",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-XX:CICompilerCount=1",
            "-Djava.awt.headless=true",
            "-cp",
            absoluteClassPath(),
            "kafka.Kafka",
            node.config().toString());
    try {
      processes[index] =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(node.log().toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start Kafka node " + node.id(), e);
    }
  }

  /** This JVM's class path with every entry absolute: the nodes run in the scratch directory. */
  private static String absoluteClassPath() {
    return java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(entry -> Path.of(entry).toAbsolutePath().toString())
        .collect(Collectors.joining(File.pathSeparator));
  }

  private static Properties properties(Node node, String voters, Path logDir) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(node.id()));
    p.put("controller.quorum.voters", voters);
    p.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:"
            + node.port()
            + ","
            + CONTROLLER
            + "://127.0.0.1:"
            + node.controllerPort());
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + node.port());
    p.put("controller.listener.names", CONTROLLER);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    p.put("offsets.topic.replication.factor", "3");
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", "3");
    p.put("transaction.state.log.min.isr", "2");
    p.put("transaction.state.log.num.partitions", "4");
    p.put("auto.create.topics.enable", "false");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "2");
    p.put("background.threads", "2");
    p.put("num.replica.fetchers", "1");
    p.put("num.recovery.threads.per.data.dir", "1");
    p.put("log.cleaner.threads", "1");
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 << 20));
    return p;
  }

  private static void write(Path file, Properties properties) throws IOException {
    try (Writer out = Files.newBufferedWriter(file)) {
      properties.store(out, "Kafka node of bench ingest --nodes");
    }
  }

  private static void format(int nodeId, String clusterId, Path logDir) throws IOException {
    try {
      new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
          .setNodeId(nodeId)
          .setClusterId(clusterId)
          .setDirectories(List.of(logDir.toString()))
          .setMetadataLogDirectory(logDir.toString())
          .setControllerListenerName(CONTROLLER)
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .run();
    } catch (Exception e) {
      throw new IOException("Cannot format the Kafka log directory " + logDir + ": " + e, e);
    }
  }

  @Override
  public void close() {
    for (Process process : processes) {
      if (process != null) {
        process.destroyForcibly();
      }
    }
    for (Process process : processes) {
      if (process != null) {
        try {
          process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
