package io.tributary.stream.internal;

import io.tributary.core.config.ConfigException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * An in-process single-node KRaft broker (broker and controller in one), listening on loopback
 * only. The only class that touches Kafka's internal server API, which is pinned to Kafka 4.4.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final int NODE_ID = 1;
  private static final String CONTROLLER = "CONTROLLER";

  private final KafkaRaftServer server;

  private EmbeddedKafka(KafkaRaftServer server) {
    this.server = server;
  }

  /**
   * Formats {@code logDir} on first use and starts the broker.
   *
   * @param maxMessageBytes the broker's default {@code message.max.bytes}
   * @throws ConfigException naming {@code kafka.port} or {@code kafka.controller-port} when a port
   *     is taken
   */
  public static EmbeddedKafka start(
      int port, int controllerPort, Path logDir, long maxMessageBytes) {
    requireFree(port, "kafka.port");
    requireFree(controllerPort, "kafka.controller-port");
    String dir = logDir.toAbsolutePath().toString();
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the Kafka log directory " + dir, e);
    }
    KafkaConfig config =
        KafkaConfig.fromProps(properties(port, controllerPort, dir, maxMessageBytes), false);
    if (!Files.exists(logDir.resolve("meta.properties"))) {
      format(dir);
    }
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    try {
      server.startup();
    } catch (RuntimeException e) {
      stop(server);
      throw e;
    }
    return new EmbeddedKafka(server);
  }

  private static Properties properties(
      int port, int controllerPort, String dir, long maxMessageBytes) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:" + port + "," + CONTROLLER + "://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("controller.listener.names", CONTROLLER);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", dir);
    p.put("offsets.topic.replication.factor", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    // one node: a few transaction-state partitions (function transactions) start much faster than
    // 50
    p.put("transaction.state.log.num.partitions", "4");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // after a kill -9 the restarted node re-registers with a new incarnation: the controller
    // refuses it until the killed one's session expires (default 9 s of every restart), so short
    p.put("broker.session.timeout.ms", "3000");
    p.put("broker.heartbeat.interval.ms", "500");
    // a transaction whose producer never came back is aborted soon after its timeout (default 10 s)
    p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
    p.put("auto.create.topics.enable", "false");
    p.put("num.partitions", "3");
    p.put("log.retention.hours", "168");
    p.put("message.max.bytes", Long.toString(maxMessageBytes));
    p.put("replica.fetch.max.bytes", Long.toString(maxMessageBytes));
    return p;
  }

  private static void format(String dir) {
    try {
      new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
          .setNodeId(NODE_ID)
          .setClusterId(Uuid.randomUuid().toString())
          .setDirectories(List.of(dir))
          .setMetadataLogDirectory(dir)
          .setControllerListenerName(CONTROLLER)
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .run();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot format the Kafka log directory " + dir, e);
    }
  }

  private static void requireFree(int port, String key) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new ConfigException(
          "Cannot start the embedded Kafka broker: port "
              + port
              + " is in use ("
              + key
              + "); free it or choose another port in the config");
    }
  }

  private static void stop(KafkaRaftServer server) {
    server.shutdown();
    server.awaitShutdown();
  }

  @Override
  public void close() {
    stop(server);
  }
}
