package io.tributary.server;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * A real Kafka cluster for tests: {@code n} KRaft nodes, each a separate JVM ({@code kafka.Kafka
 * server.properties}, the Kafka jars of the test classpath) acting as broker and controller, the
 * controllers forming one quorum of {@code n} voters, all on loopback ports. Nodes can be killed
 * (SIGKILL) and started again on the same ports and logs. Small heaps, few threads, few internal
 * partitions: a test machine runs it beside the platform. Closing it kills every node.
 *
 * <p>{@link #startWithScram} secures the client listener with SASL_PLAINTEXT and SCRAM-SHA-256
 * (credentials of one user created at format time, as {@code kafka-storage format --add-scram}
 * does); {@link #startWithTls} puts it on SSL (TLS) with a {@link TestTls} key; brokers and
 * controllers then talk over a separate plaintext listener.
 *
 * <p>Like a production cluster, the internal topics (consumer offsets, transaction state) are
 * replicated 3 times with 2 in sync (fewer on a smaller cluster), while the brokers' own defaults
 * for new topics stay at 1 replica and 1 in sync: topics get more only when their creator asks for
 * it.
 */
final class KafkaCluster implements AutoCloseable {
  private static final String CONTROLLER = "CONTROLLER";

  private record Node(
      int id, int port, int internalPort, int controllerPort, Path config, Path log) {}

  /** The one SCRAM-SHA-256 user of a secured cluster. */
  record ScramUser(String name, String password) {}

  private static final String SCRAM = "SCRAM-SHA-256";

  private final Path dir;
  private final List<Node> nodes;
  private final String bootstrapServers;
  private final Process[] processes;
  private final ScramUser user;
  private final TestTls tls;

  private KafkaCluster(Path dir, List<Node> nodes, ScramUser user, TestTls tls) {
    this.dir = dir;
    this.nodes = nodes;
    this.user = user;
    this.tls = tls;
    this.processes = new Process[nodes.size()];
    this.bootstrapServers =
        nodes.stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
  }

  /** Formats and starts {@code size} nodes under {@code dir}; waits until all are brokers. */
  static KafkaCluster start(Path dir, int size) {
    return start(dir, size, null, null);
  }

  /**
   * Formats and starts {@code size} nodes whose client listener needs SASL/SCRAM-SHA-256 as {@code
   * user}; waits until all are brokers.
   */
  static KafkaCluster startWithScram(Path dir, int size, ScramUser user) {
    return start(dir, size, java.util.Objects.requireNonNull(user, "user is null"), null);
  }

  /**
   * Formats and starts {@code size} nodes whose client listener is SSL (TLS) with {@code tls}'s key
   * and certificate; waits until all are brokers.
   */
  static KafkaCluster startWithTls(Path dir, int size, TestTls tls) {
    return start(dir, size, null, java.util.Objects.requireNonNull(tls, "tls is null"));
  }

  private static KafkaCluster start(Path dir, int size, ScramUser user, TestTls tls) {
    boolean secured = user != null || tls != null;
    List<Node> nodes = new ArrayList<>();
    for (int id = 1; id <= size; id++) {
      Path nodeDir = dir.resolve("node-" + id);
      nodes.add(
          new Node(
              id,
              TestConfigs.freePort(),
              secured ? TestConfigs.freePort() : 0,
              TestConfigs.freePort(),
              nodeDir.resolve("server.properties"),
              nodeDir.resolve("server.log")));
    }
    String voters =
        nodes.stream()
            .map(n -> n.id() + "@127.0.0.1:" + n.controllerPort())
            .collect(Collectors.joining(","));
    String clusterId = Uuid.randomUuid().toString();
    KafkaCluster cluster = new KafkaCluster(dir, List.copyOf(nodes), user, tls);
    try {
      for (Node node : nodes) {
        Path logDir = node.config().getParent().resolve("data");
        Files.createDirectories(logDir);
        Properties properties = properties(node, voters, logDir, size);
        if (user != null) {
          secure(properties, node, "SASL_PLAINTEXT");
          properties.put("listener.name.client.sasl.enabled.mechanisms", SCRAM);
          properties.put(
              "listener.name.client.scram-sha-256.sasl.jaas.config",
              "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        }
        if (tls != null) {
          secure(properties, node, "SSL");
          properties.put("listener.name.client.ssl.keystore.type", "PKCS12");
          properties.put("listener.name.client.ssl.keystore.location", tls.keystore().toString());
          properties.put("listener.name.client.ssl.keystore.password", tls.password());
          properties.put("listener.name.client.ssl.key.password", tls.password());
        }
        write(node.config(), properties);
        format(node.id(), clusterId, logDir, user);
      }
      for (int i = 0; i < nodes.size(); i++) {
        cluster.startNode(i);
      }
      cluster.awaitBrokers(size);
      return cluster;
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  /** The {@code host:port} list of every node's client listener. */
  String bootstrapServers() {
    return bootstrapServers;
  }

  /** An admin client of this cluster; the caller closes it. */
  Admin admin() {
    Map<String, Object> properties =
        new java.util.HashMap<>(tls != null ? tls.clientProperties() : clientProperties(user));
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return Admin.create(properties);
  }

  /**
   * The client security settings to connect as {@code user} (SASL_PLAINTEXT, SCRAM-SHA-256), or
   * none for a plaintext cluster ({@code null}).
   */
  static Map<String, String> clientProperties(ScramUser user) {
    if (user == null) {
      return Map.of();
    }
    return Map.of(
        "security.protocol",
        "SASL_PLAINTEXT",
        "sasl.mechanism",
        SCRAM,
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + user.name()
            + "\" password=\""
            + user.password()
            + "\";");
  }

  /**
   * The client listener on {@code protocol}; brokers (and the controllers) on their own plaintext
   * listeners.
   */
  private static void secure(Properties p, Node node, String protocol) {
    p.put(
        "listeners",
        "CLIENT://127.0.0.1:"
            + node.port()
            + ",INTERNAL://127.0.0.1:"
            + node.internalPort()
            + ","
            + CONTROLLER
            + "://127.0.0.1:"
            + node.controllerPort());
    p.put(
        "advertised.listeners",
        "CLIENT://127.0.0.1:" + node.port() + ",INTERNAL://127.0.0.1:" + node.internalPort());
    p.put(
        "listener.security.protocol.map",
        "CLIENT:" + protocol + ",INTERNAL:PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
    p.put("inter.broker.listener.name", "INTERNAL");
  }

  /** Kills node {@code index} (0-based) with SIGKILL and waits until its process is gone. */
  void kill(int index) throws InterruptedException {
    Process process = processes[index];
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Starts node {@code index} again on its ports and logs. */
  void restart(int index) {
    startNode(index);
  }

  /** Waits until {@code count} brokers are registered and unfenced. */
  void awaitBrokers(int count) {
    try (Admin admin = admin()) {
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(
              () -> {
                for (int i = 0; i < processes.length; i++) {
                  if (processes[i] != null && !processes[i].isAlive()) {
                    throw new AssertionError("Kafka node " + (i + 1) + " exited: " + log(i));
                  }
                }
                return admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == count;
              });
    }
  }

  /** The end of node {@code index}'s log, for failure messages. */
  String log(int index) {
    try {
      String text = Files.readString(nodes.get(index).log());
      return text.length() > 8_000 ? text.substring(text.length() - 8_000) : text;
    } catch (IOException e) {
      return "(no log)";
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
            System.getProperty("java.class.path"),
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

  private static Properties properties(Node node, String voters, Path logDir, int size) {
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
    // internal topics as in production: 3 copies, 2 in sync; the defaults for new topics stay low
    String replicas = Integer.toString(Math.min(3, size));
    String inSync = Integer.toString(Math.min(2, size));
    p.put("offsets.topic.replication.factor", replicas);
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", replicas);
    p.put("transaction.state.log.min.isr", inSync);
    p.put("transaction.state.log.num.partitions", "4");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("auto.create.topics.enable", "false");
    p.put("group.initial.rebalance.delay.ms", "0");
    // a killed node is fenced (its partitions' leaders move, ISRs shrink) within a few seconds
    p.put("broker.session.timeout.ms", "4000");
    p.put("broker.heartbeat.interval.ms", "500");
    p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
    // light on CPU and memory
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "2");
    p.put("background.threads", "2");
    p.put("num.replica.fetchers", "1");
    p.put("num.recovery.threads.per.data.dir", "1");
    p.put("log.cleaner.threads", "1");
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 << 20));
    p.put("log.segment.bytes", Integer.toString(16 << 20));
    return p;
  }

  private static void write(Path file, Properties properties) throws IOException {
    try (Writer out = Files.newBufferedWriter(file)) {
      properties.store(out, "Kafka node of a test cluster");
    }
  }

  private static void format(int nodeId, String clusterId, Path logDir, ScramUser user) {
    try {
      Formatter formatter = new Formatter();
      if (user != null) {
        formatter.setScramArguments(
            List.of(SCRAM + "=[name=" + user.name() + ",password=" + user.password() + "]"));
      }
      formatter
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
      throw new IllegalStateException("Cannot format the Kafka log directory " + logDir, e);
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
