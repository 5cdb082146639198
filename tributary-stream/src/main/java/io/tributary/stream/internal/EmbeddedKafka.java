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
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * An in-process single-node KRaft broker (broker and controller in one), listening on loopback
 * only. The only class that touches Kafka's internal server API, which is pinned to Kafka 4.4.
 *
 * <p>Secured (access on), clients on {@code kafka.port} authenticate with SASL/SCRAM-SHA-256 and
 * Kafka's {@code StandardAuthorizer} checks their ACLs; the platform's own clients, the controller
 * and inter-broker traffic use a second loopback listener with SASL/PLAIN as {@link
 * #INTERNAL_USER}, a super user whose password is generated at each start and never stored. The
 * SCRAM credentials come from the platform ({@link #useScramCredentials}), not Kafka's own store.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final String INTERNAL_PORT_FILE = "tributary-internal-listener.port";

  /** The principal of the platform's own clients (a Kafka super user when secured). */
  public static final String INTERNAL_USER = "tributary-internal";

  /** The SASL mechanism of the client-facing listener when secured. */
  public static final String CLIENT_MECHANISM = "SCRAM-SHA-256";

  private static final int NODE_ID = 1;
  private static final String CONTROLLER = "CONTROLLER";
  private static final String CLIENT = "CLIENT";
  private static final String INTERNAL = "INTERNAL";
  private static final String PLAIN_LOGIN =
      "org.apache.kafka.common.security.plain.PlainLoginModule";

  private final KafkaRaftServer server;
  private final String internalBootstrap;
  private final Map<String, Object> internalSecurity;
  private final String credentialsId;

  private EmbeddedKafka(
      KafkaRaftServer server,
      String internalBootstrap,
      Map<String, Object> internalSecurity,
      String credentialsId) {
    this.server = server;
    this.internalBootstrap = internalBootstrap;
    this.internalSecurity = Map.copyOf(internalSecurity);
    this.credentialsId = credentialsId;
  }

  /**
   * Makes {@code lookup} the source of the SCRAM-SHA-256 credentials clients on {@code kafka.port}
   * log in with (none until then); it is asked at each login, so it must be quick.
   */
  public void useScramCredentials(Function<String, List<ScramCredential>> lookup) {
    PlatformScramCredentials.register(credentialsId, lookup);
  }

  /** The {@code host:port} the platform's own clients connect to. */
  public String internalBootstrap() {
    return internalBootstrap;
  }

  /**
   * The security settings of the platform's own clients: empty when not secured, else SASL/PLAIN as
   * {@link #INTERNAL_USER}. Never log them.
   */
  public Map<String, Object> internalSecurity() {
    return internalSecurity;
  }

  /**
   * Formats {@code logDir} on first use and starts the broker.
   *
   * @param maxMessageBytes the broker's default {@code message.max.bytes}
   * @param secured whether clients on {@code port} must authenticate (SCRAM-SHA-256) and hold ACLs
   * @param random generates the internal principal's password when secured
   * @throws ConfigException naming {@code kafka.port} or {@code kafka.controller-port} when a port
   *     is taken
   */
  public static EmbeddedKafka start(
      int port,
      int controllerPort,
      Path logDir,
      long maxMessageBytes,
      boolean secured,
      SecureRandom random) {
    requireFree(port, "kafka.port");
    requireFree(controllerPort, "kafka.controller-port");
    String dir = logDir.toAbsolutePath().toString();
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the Kafka log directory " + dir, e);
    }
    Properties props = properties(port, controllerPort, dir, maxMessageBytes);
    String internalBootstrap = "127.0.0.1:" + port;
    Map<String, Object> internalSecurity = Map.of();
    String credentialsId = password(random);
    PlatformScramCredentials.register(credentialsId, user -> List.of());
    if (secured) {
      PlatformScramSaslServer.install();
      int internalPort = internalPort(logDir, port, controllerPort);
      String password = password(random);
      secure(props, port, internalPort, controllerPort, password, credentialsId);
      internalBootstrap = "127.0.0.1:" + internalPort;
      internalSecurity =
          Map.of(
              "security.protocol",
              "SASL_PLAINTEXT",
              "sasl.mechanism",
              "PLAIN",
              "sasl.jaas.config",
              plainJaas(password, false));
    }
    KafkaConfig config = KafkaConfig.fromProps(props, false);
    if (!Files.exists(logDir.resolve("meta.properties"))) {
      format(dir);
    }
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    try {
      server.startup();
    } catch (RuntimeException e) {
      stop(server);
      PlatformScramCredentials.unregister(credentialsId);
      throw e;
    }
    return new EmbeddedKafka(server, internalBootstrap, internalSecurity, credentialsId);
  }

  /**
   * Three listeners: {@code CLIENT} (SCRAM-SHA-256) on {@code port}, {@code INTERNAL} (PLAIN, the
   * platform's clients and inter-broker traffic) and {@code CONTROLLER} (PLAIN), the PLAIN ones
   * knowing only the internal principal, the only super user.
   */
  private static void secure(
      Properties p,
      int port,
      int internalPort,
      int controllerPort,
      String password,
      String credentialsId) {
    p.put(
        "listeners",
        CLIENT
            + "://127.0.0.1:"
            + port
            + ","
            + INTERNAL
            + "://127.0.0.1:"
            + internalPort
            + ","
            + CONTROLLER
            + "://127.0.0.1:"
            + controllerPort);
    p.put(
        "advertised.listeners",
        CLIENT + "://127.0.0.1:" + port + "," + INTERNAL + "://127.0.0.1:" + internalPort);
    p.put(
        "listener.security.protocol.map",
        CLIENT
            + ":SASL_PLAINTEXT,"
            + INTERNAL
            + ":SASL_PLAINTEXT,"
            + CONTROLLER
            + ":SASL_PLAINTEXT");
    p.put("inter.broker.listener.name", INTERNAL);
    p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
    p.put("sasl.mechanism.controller.protocol", "PLAIN");
    p.put("listener.name.client.sasl.enabled.mechanisms", CLIENT_MECHANISM);
    p.put(
        "listener.name.client.scram-sha-256.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + PlatformScramCredentials.ID_OPTION
            + "=\""
            + credentialsId
            + "\";");
    p.put(
        "listener.name.client.scram-sha-256.sasl.server.callback.handler.class",
        PlatformScramCredentials.class.getName());
    for (String listener : List.of("internal", "controller")) {
      p.put("listener.name." + listener + ".sasl.enabled.mechanisms", "PLAIN");
      p.put("listener.name." + listener + ".plain.sasl.jaas.config", plainJaas(password, true));
    }
    p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    p.put("super.users", "User:" + INTERNAL_USER);
    p.put("allow.everyone.if.no.acl.found", "false");
  }

  /** The PLAIN login of the internal principal; a server's also lists it as the only user. */
  private static String plainJaas(String password, boolean server) {
    return PLAIN_LOGIN
        + " required username=\""
        + INTERNAL_USER
        + "\" password=\""
        + password
        + "\""
        + (server ? " user_" + INTERNAL_USER + "=\"" + password + "\"" : "")
        + ";";
  }

  private static String password(SecureRandom random) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /**
   * The internal listener's port: the one the last start used when it is free again, else a new
   * one, remembered in {@code logDir}. A restart on the same port matters: the metadata log holds
   * the broker's registration with its endpoints, and until the restarted broker's new registration
   * is read back, the transaction coordinator sends the markers that end a killed producer's
   * transaction to the endpoint registered before; on another port they fail, and read_committed
   * consumers wait at the open transaction meanwhile.
   */
  private static int internalPort(Path logDir, int port, int controllerPort) {
    Path file = logDir.resolve(INTERNAL_PORT_FILE);
    try {
      if (Files.exists(file)) {
        int last = Integer.parseInt(Files.readString(file).trim());
        if (last != port && last != controllerPort && isFree(last)) {
          return last;
        }
      }
      int chosen = freeLoopbackPort(port, controllerPort);
      Files.writeString(file, Integer.toString(chosen));
      return chosen;
    } catch (IOException | NumberFormatException e) {
      throw new IllegalStateException(
          "Cannot read or write the internal listener's port in " + file + ": " + e, e);
    }
  }

  private static boolean isFree(int candidate) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), candidate));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * A free loopback port other than {@code taken}: the configured ports are free but not yet bound,
   * so the system may hand one of them out again.
   */
  private static int freeLoopbackPort(int... taken) {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = socket.getLocalPort();
      return java.util.Arrays.stream(taken).anyMatch(t -> t == port)
          ? freeLoopbackPort(taken)
          : port;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot find a free loopback port for Kafka's internal listener", e);
    }
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
    try {
      stop(server);
    } finally {
      PlatformScramCredentials.unregister(credentialsId);
    }
  }
}
