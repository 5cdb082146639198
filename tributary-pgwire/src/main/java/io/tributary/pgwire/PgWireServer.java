package io.tributary.pgwire;

import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.access.AdminCredentials;
import io.tributary.query.QueryEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL wire protocol endpoint: a listening socket and one platform thread per client
 * connection, at most {@code maxConnections} at once (beyond that a client gets SQLSTATE 53300 and
 * is disconnected). Every statement goes through the {@link QueryEngine}. Closing it stops
 * listening, disconnects every client and waits for their threads.
 */
public final class PgWireServer implements AutoCloseable {
  /** The version clients see; its first number is the PostgreSQL protocol level emulated. */
  public static final String SERVER_VERSION = "16.0 (Tributary 0.1)";

  private static final Logger LOG = LoggerFactory.getLogger(PgWireServer.class);
  private static final int MAX_MESSAGE_LENGTH = 64 << 20;

  /**
   * Where to listen, how many clients to serve at once, how long a client may leave a cursor open
   * (holding a query slot) without a message before it is disconnected with SQLSTATE 25P03, how
   * long a session may stay idle (0: forever; {@code idle_session_timeout}), the default {@code
   * statement_timeout} (0: only the engine's), and TLS.
   */
  public record Settings(
      String host,
      int port,
      int maxConnections,
      Duration idleCursorTimeout,
      Duration idleSessionTimeout,
      Duration statementTimeout,
      ServerTls tls) {
    public Settings {
      Objects.requireNonNull(host, "host is null");
      Objects.requireNonNull(tls, "tls is null");
      if (idleCursorTimeout == null || idleCursorTimeout.toMillis() < 1) {
        throw new IllegalArgumentException(
            "Invalid idle cursor timeout: " + idleCursorTimeout + " (must be >= 1 ms)");
      }
      if (idleSessionTimeout == null || idleSessionTimeout.isNegative()) {
        throw new IllegalArgumentException(
            "Invalid pgwire.idle-session-timeout: " + idleSessionTimeout + " (must be >= 0)");
      }
      if (statementTimeout == null || statementTimeout.isNegative()) {
        throw new IllegalArgumentException(
            "Invalid pgwire.statement-timeout: " + statementTimeout + " (must be >= 0)");
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("Invalid pgwire.port: " + port + " (must be 0-65535)");
      }
      if (maxConnections < 1) {
        throw new IllegalArgumentException(
            "Invalid pgwire.max-connections: " + maxConnections + " (must be >= 1)");
      }
    }

    /** Without TLS, idle session timeout and statement timeout. */
    public Settings(String host, int port, int maxConnections, Duration idleCursorTimeout) {
      this(
          host,
          port,
          maxConnections,
          idleCursorTimeout,
          Duration.ZERO,
          Duration.ZERO,
          ServerTls.OFF);
    }

    /** The session settings these give every new session. */
    Map<String, String> sessionDefaults() {
      return Map.of(
          "idle_session_timeout", idleSessionTimeout.toMillis() + "ms",
          "statement_timeout", statementTimeout.toMillis() + "ms");
    }
  }

  private final Settings settings;
  private final QueryEngine engine;
  private final PgUsers users;
  private final PgWireMetrics metrics;
  private final SecureRandom random;
  private final ServerSocket listener;
  private final Thread acceptor;
  private final StatementTimer timer = new StatementTimer();
  private final Map<Integer, PgConnection> connections = new ConcurrentHashMap<>();
  private final AtomicInteger nextProcessId = new AtomicInteger(1);
  private volatile boolean closed;

  /** Starts listening for the admin of {@code credentials} alone (no access control). */
  public PgWireServer(
      Settings settings,
      QueryEngine engine,
      AdminCredentials credentials,
      MeterRegistry meters,
      SecureRandom random) {
    this(settings, engine, PgUsers.adminOnly(credentials, random), meters, random);
  }

  /** Starts listening; fails (having closed what it opened) when the port cannot be bound. */
  public PgWireServer(
      Settings settings,
      QueryEngine engine,
      PgUsers users,
      MeterRegistry meters,
      SecureRandom random) {
    this.settings = Objects.requireNonNull(settings, "settings is null");
    this.engine = Objects.requireNonNull(engine, "engine is null");
    this.users = Objects.requireNonNull(users, "users is null");
    this.random = Objects.requireNonNull(random, "random is null");
    this.metrics = new PgWireMetrics(meters, connections::size);
    try {
      listener = new ServerSocket();
      listener.setReuseAddress(true);
      listener.bind(new InetSocketAddress(InetAddress.getByName(settings.host()), settings.port()));
    } catch (IOException e) {
      timer.close();
      throw new UncheckedIOException(
          "Cannot listen for PostgreSQL clients on "
              + settings.host()
              + ":"
              + settings.port()
              + ": "
              + e.getMessage(),
          e);
    }
    acceptor = new Thread(this::accept, "tributary-pgwire-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    LOG.info(
        "PostgreSQL protocol endpoint listening on {}:{}{}",
        settings.host(),
        port(),
        settings.tls().enabled()
            ? (settings.tls().required() ? " (TLS required)" : " (TLS available)")
            : "");
  }

  /** The port clients connect to (the bound one when the settings asked for 0). */
  public int port() {
    return listener.getLocalPort();
  }

  /** How many client connections are open. */
  public int connectionCount() {
    return connections.size();
  }

  /**
   * Disconnects the sessions of the users {@code gone} accepts (removed, expired): their running
   * statements are canceled and their sockets closed. Returns how many.
   */
  public int terminateSessionsOf(Predicate<String> gone) {
    int terminated = 0;
    for (PgConnection connection : connections.values()) {
      String user = connection.user();
      if (user != null && gone.test(user)) {
        LOG.info("Closing a PostgreSQL session of user {}: the user is gone", user);
        connection.disconnect();
        terminated++;
      }
    }
    return terminated;
  }

  /** How many connections are running a statement now. */
  public int runningStatements() {
    return (int) connections.values().stream().filter(PgConnection::isRunning).count();
  }

  private void accept() {
    while (!closed) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("Accepting a PostgreSQL client failed: {}", e.getMessage());
        }
        continue;
      }
      int processId = nextProcessId.getAndIncrement();
      int secret = random.nextInt();
      PgConnection connection =
          new PgConnection(
              socket,
              processId,
              secret,
              engine,
              users,
              random,
              metrics,
              this,
              MAX_MESSAGE_LENGTH,
              settings,
              timer);
      if (connections.size() >= settings.maxConnections()) {
        connection.refuse(
            SqlStates.TOO_MANY_CONNECTIONS,
            "sorry, too many clients already (pgwire.max-connections is "
                + settings.maxConnections()
                + ")");
        continue;
      }
      connections.put(processId, connection);
      Thread thread = new Thread(connection, "tributary-pgwire-" + processId);
      thread.setDaemon(true);
      connection.start(thread);
    }
  }

  /** A connection ended: forget it. */
  void ended(int processId) {
    connections.remove(processId);
  }

  /** A CancelRequest: cancels the running query of the backend whose key matches. */
  void cancel(int processId, int secret) {
    PgConnection connection = connections.get(processId);
    if (connection != null
        && MessageDigest.isEqual(
            java.nio.ByteBuffer.allocate(4).putInt(connection.secret()).array(),
            java.nio.ByteBuffer.allocate(4).putInt(secret).array())) {
      LOG.debug("CancelRequest for backend {}", processId);
      connection.cancelRunning();
    } else {
      LOG.debug("Ignored a CancelRequest for unknown backend {}", processId);
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      LOG.debug("Closing the PostgreSQL listener: {}", e.getMessage());
    }
    joinQuietly(acceptor);
    for (PgConnection connection : connections.values()) {
      connection.disconnect();
    }
    for (PgConnection connection : connections.values()) {
      joinQuietly(connection.thread());
    }
    timer.close();
    metrics.close();
  }

  private static void joinQuietly(Thread thread) {
    if (thread == null) {
      return;
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static boolean isDisconnect(IOException e) {
    return e instanceof SocketException || e instanceof java.io.EOFException;
  }
}
