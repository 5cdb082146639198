package io.tributary.pgwire;

import io.tributary.core.TableId;
import io.tributary.pgwire.MessageReader.ProtocolException;
import io.tributary.query.QueryEngine;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection, on its own thread: startup (SSLRequest and GSSENCRequest refused with 'N',
 * CancelRequest), SCRAM-SHA-256 authentication, then the simple and extended query protocols until
 * the client terminates or disconnects.
 */
final class PgConnection implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(PgConnection.class);
  private static final int PROTOCOL_3 = 196608;
  private static final int SSL_REQUEST = 80877103;
  private static final int GSSENC_REQUEST = 80877104;
  private static final int CANCEL_REQUEST = 80877102;
  private static final int STARTUP_TIMEOUT_MILLIS = 10_000;
  private static final Set<String> DATABASES = Set.of("tributary", "lake");

  private final Socket socket;
  private final int processId;
  private final int secret;
  private final QueryEngine engine;
  private final PgUsers users;
  private Predicate<TableId> readable = table -> false;
  private final SecureRandom random;
  private final PgWireMetrics metrics;
  private final PgWireServer server;
  private final int maxMessageLength;
  private final Duration idleCursorTimeout;
  private volatile Thread thread;
  private volatile StatementRunner runner;

  PgConnection(
      Socket socket,
      int processId,
      int secret,
      QueryEngine engine,
      PgUsers users,
      SecureRandom random,
      PgWireMetrics metrics,
      PgWireServer server,
      int maxMessageLength,
      Duration idleCursorTimeout) {
    this.socket = socket;
    this.processId = processId;
    this.secret = secret;
    this.engine = engine;
    this.users = users;
    this.random = random;
    this.metrics = metrics;
    this.server = server;
    this.maxMessageLength = maxMessageLength;
    this.idleCursorTimeout = idleCursorTimeout;
  }

  int secret() {
    return secret;
  }

  Thread thread() {
    return thread;
  }

  void start(Thread owner) {
    this.thread = owner;
    owner.start();
  }

  void cancelRunning() {
    StatementRunner current = runner;
    if (current != null) {
      current.cancelRunning();
    }
  }

  boolean isRunning() {
    StatementRunner current = runner;
    return current != null && current.isRunning();
  }

  /** Closes the socket, which ends the connection's thread, and cancels its query. */
  void disconnect() {
    cancelRunning();
    closeSocket();
  }

  /** Answers the startup packet with a fatal error and closes (the connection limit). */
  void refuse(String sqlState, String message) {
    try {
      socket.setSoTimeout(2000);
      MessageReader reader = new MessageReader(socket.getInputStream(), maxMessageLength);
      Backend backend = new Backend(new MessageWriter(socket.getOutputStream()));
      for (int attempt = 0; attempt < 3; attempt++) {
        Message startup = reader.readStartup();
        int code = startup.readInt();
        if (code == SSL_REQUEST || code == GSSENC_REQUEST) {
          backend.raw('N');
          continue;
        }
        if (code == CANCEL_REQUEST) {
          server.cancel(startup.readInt(), startup.readInt());
          break;
        }
        backend.error("FATAL", sqlState, message);
        backend.flush();
        break;
      }
    } catch (IOException e) {
      LOG.debug("Refusing a PostgreSQL client: {}", e.getMessage());
    } finally {
      closeSocket();
    }
  }

  @Override
  public void run() {
    try {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(STARTUP_TIMEOUT_MILLIS);
      MessageReader reader = new MessageReader(socket.getInputStream(), maxMessageLength);
      Backend backend = new Backend(new MessageWriter(socket.getOutputStream()));
      Map<String, String> parameters = startup(reader, backend);
      if (parameters == null) {
        return;
      }
      socket.setSoTimeout(0);
      Session session = new Session(parameters.get("application_name"));
      StatementRunner statements = new StatementRunner(engine, session, backend, metrics, readable);
      runner = statements;
      new QueryProtocol(reader, backend, session, statements, metrics, this::idleWithCursors)
          .serve();
    } catch (SocketTimeoutException e) {
      LOG.debug("PostgreSQL client {} was silent too long", processId);
      fatal(
          runner == null ? SqlStates.PROTOCOL_VIOLATION : SqlStates.IDLE_IN_TRANSACTION_TIMEOUT,
          runner == null
              ? "no startup packet within " + STARTUP_TIMEOUT_MILLIS + " ms"
              : "terminating connection: a cursor stayed open without a message for "
                  + idleCursorTimeout.toMillis()
                  + " ms");
    } catch (ProtocolException e) {
      LOG.debug("PostgreSQL client {} broke the protocol: {}", processId, e.getMessage());
      fatal(SqlStates.PROTOCOL_VIOLATION, e.getMessage());
    } catch (IOException e) {
      LOG.debug("PostgreSQL client {} disconnected: {}", processId, e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("PostgreSQL connection {} failed", processId, e);
    } finally {
      runner = null;
      closeSocket();
      server.ended(processId);
    }
  }

  /** While cursors are open, a client silent past the idle cursor timeout is disconnected. */
  private void idleWithCursors(boolean cursorsOpen) throws IOException {
    socket.setSoTimeout(
        cursorsOpen ? (int) Math.min(Integer.MAX_VALUE, idleCursorTimeout.toMillis()) : 0);
  }

  /** Startup and authentication; the startup parameters, or {@code null} when refused. */
  private Map<String, String> startup(MessageReader reader, Backend backend) throws IOException {
    while (true) {
      Message startup = reader.readStartup();
      int code = startup.readInt();
      if (code == SSL_REQUEST || code == GSSENC_REQUEST) {
        backend.raw('N');
        continue;
      }
      if (code == CANCEL_REQUEST) {
        server.cancel(startup.readInt(), startup.readInt());
        return null;
      }
      if (code >>> 16 != 3) {
        backend.error(
            "FATAL",
            SqlStates.FEATURE_NOT_SUPPORTED,
            "unsupported frontend protocol "
                + (code >>> 16)
                + "."
                + (code & 0xffff)
                + ": the server supports 3.0");
        backend.flush();
        return null;
      }
      Map<String, String> parameters = new LinkedHashMap<>();
      while (startup.hasMore()) {
        String name = startup.readString();
        if (name.isEmpty()) {
          break;
        }
        parameters.put(name, startup.readString());
      }
      return authenticate(reader, backend, parameters, code) ? parameters : null;
    }
  }

  private boolean authenticate(
      MessageReader reader, Backend backend, Map<String, String> parameters, int protocol)
      throws IOException {
    String user = parameters.get("user");
    if (user == null || user.isEmpty()) {
      return refuse(
          backend,
          SqlStates.INVALID_AUTHORIZATION,
          "no PostgreSQL user name specified in startup packet");
    }
    if (protocol != PROTOCOL_3) {
      LOG.debug("Client asked for protocol 3.{}; answering as 3.0", protocol & 0xffff);
    }
    ScramSha256 scram =
        users
            .verifier(user)
            .map(verifier -> new ScramSha256(verifier, random))
            .orElseGet(() -> new ScramSha256((String) null, random)); // fails like a bad password
    byte[] mechanisms = (ScramSha256.MECHANISM + "\0\0").getBytes(StandardCharsets.UTF_8);
    backend.authentication(10, mechanisms);
    backend.flush();
    Message initial = reader.read();
    if (initial == null) {
      return false;
    }
    if (initial.type() != 'p') {
      throw new ProtocolException("Expected a SASLInitialResponse, got '" + initial.type() + "'");
    }
    String mechanism = initial.readString();
    if (!mechanism.equals(ScramSha256.MECHANISM)) {
      return refuse(
          backend,
          SqlStates.INVALID_AUTHORIZATION,
          "SASL mechanism " + mechanism + " is not supported");
    }
    String clientFirst = new String(initial.readBytes(initial.readInt()), StandardCharsets.UTF_8);
    String serverFinal;
    try {
      String serverFirst = scram.firstMessage(clientFirst);
      backend.authentication(11, serverFirst.getBytes(StandardCharsets.UTF_8));
      backend.flush();
      Message response = reader.read();
      if (response == null) {
        return false;
      }
      if (response.type() != 'p') {
        throw new ProtocolException("Expected a SASLResponse, got '" + response.type() + "'");
      }
      byte[] clientFinal = response.readBytes(response.remaining());
      serverFinal = scram.finalMessage(new String(clientFinal, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return refuse(backend, SqlStates.PROTOCOL_VIOLATION, e.getMessage());
    }
    if (serverFinal == null) {
      return refuse(
          backend,
          SqlStates.INVALID_PASSWORD,
          "password authentication failed for user \"" + user + "\"");
    }
    backend.authentication(12, serverFinal.getBytes(StandardCharsets.UTF_8));
    String database = parameters.getOrDefault("database", user);
    if (!DATABASES.contains(database) && !database.equals(user)) {
      return refuse(
          backend,
          SqlStates.INVALID_CATALOG,
          "database \"" + database + "\" does not exist (use tributary)");
    }
    readable = users.readableTables(user);
    backend.authentication(0, new byte[0]);
    Map<String, String> status = new LinkedHashMap<>(Session.REPORTED);
    status.put("server_version", PgWireServer.SERVER_VERSION);
    status.put("application_name", parameters.getOrDefault("application_name", ""));
    status.put("session_authorization", user);
    backend.startupParameters(status);
    backend.backendKeyData(processId, secret);
    backend.readyForQuery(Session.Transaction.IDLE);
    return true;
  }

  private boolean refuse(Backend backend, String sqlState, String message) throws IOException {
    metrics.error(sqlState);
    backend.error("FATAL", sqlState, message);
    backend.flush();
    return false;
  }

  private void fatal(String sqlState, String message) {
    try {
      Backend backend = new Backend(new MessageWriter(socket.getOutputStream()));
      backend.error("FATAL", sqlState, message);
      backend.flush();
    } catch (IOException e) {
      LOG.trace("Cannot tell client {} about {}: {}", processId, sqlState, e.getMessage());
    }
  }

  private void closeSocket() {
    try {
      socket.close();
    } catch (IOException e) {
      LOG.trace("Closing client socket {}: {}", processId, e.getMessage());
    }
  }
}
