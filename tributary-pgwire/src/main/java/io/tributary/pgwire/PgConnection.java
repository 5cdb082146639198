package io.tributary.pgwire;

import io.tributary.access.ScramVerifier;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection, on its own thread: startup (SSLRequest answered 'S' and the TLS handshake
 * when TLS is on, else 'N'; GSSENCRequest refused with 'N'; CancelRequest), authentication by
 * SCRAM-SHA-256 (or by cleartext password, inside TLS only, when configured), then the simple and
 * extended query protocols until the client terminates, disconnects or stays idle too long.
 */
final class PgConnection implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(PgConnection.class);
  private static final int PROTOCOL_3 = 196608;
  private static final int SSL_REQUEST = 80877103;
  private static final int GSSENC_REQUEST = 80877104;
  private static final int CANCEL_REQUEST = 80877102;
  private static final int STARTUP_TIMEOUT_MILLIS = 10_000;
  private static final Set<String> DATABASES = Set.of("tributary", "lake");

  /** The connection's message streams: those of the plain socket, then of TLS after SSLRequest. */
  private record Channel(MessageReader reader, Backend backend) {}

  /** The packet that starts a session: its protocol code, and its parameters still to read. */
  private record Startup(int code, Message parameters) {}

  /** Why the connection waits for a message, and so which timeout applies. */
  private enum Idle {
    STARTUP,
    SESSION,
    IN_TRANSACTION,
    CURSOR
  }

  private volatile Socket socket;
  private final int processId;
  private final int secret;
  private final QueryEngine engine;
  private final PgUsers users;
  private Predicate<TableId> readable = table -> false;
  private volatile String user;
  private final SecureRandom random;
  private final PgWireMetrics metrics;
  private final PgWireServer server;
  private final int maxMessageLength;
  private final PgWireServer.Settings settings;
  private final StatementTimer timer;
  private Idle idle = Idle.STARTUP;
  private Session session;
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
      PgWireServer.Settings settings,
      StatementTimer timer) {
    this.socket = socket;
    this.processId = processId;
    this.secret = secret;
    this.engine = engine;
    this.users = users;
    this.random = random;
    this.metrics = metrics;
    this.server = server;
    this.maxMessageLength = maxMessageLength;
    this.settings = settings;
    this.timer = timer;
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

  /** The user it authenticated as; null before that. */
  String user() {
    return user;
  }

  /** Answers the startup packet with a fatal error and closes (the connection limit). */
  void refuse(String sqlState, String message) {
    try {
      socket.setSoTimeout(2000);
      Channel channel = channel();
      if (negotiate(channel) != null) {
        channel = channel();
        channel.backend().error("FATAL", sqlState, message);
        channel.backend().flush();
      }
    } catch (IOException e) {
      LOG.debug("Refusing a PostgreSQL client: {}", e.getMessage());
    } finally {
      closeSocket();
    }
  }

  private Channel channel() throws IOException {
    return new Channel(
        new MessageReader(socket.getInputStream(), maxMessageLength),
        new Backend(new MessageWriter(socket.getOutputStream())));
  }

  /**
   * Reads startup packets until the one that starts a session, answering SSLRequest (with the TLS
   * handshake when on) and GSSENCRequest; its message, or {@code null} after a CancelRequest.
   */
  private Startup negotiate(Channel first) throws IOException {
    Channel channel = first;
    boolean secured = false;
    while (true) {
      Message startup = channel.reader().readStartup();
      int code = startup.readInt();
      if (code == SSL_REQUEST && settings.tls().enabled() && !secured) {
        channel.backend().raw('S');
        socket = settings.tls().handshake(socket);
        secured = true;
        channel = channel();
        continue;
      }
      if (code == SSL_REQUEST || code == GSSENC_REQUEST) {
        channel.backend().raw('N');
        continue;
      }
      if (code == CANCEL_REQUEST) {
        server.cancel(startup.readInt(), startup.readInt());
        return null;
      }
      return new Startup(code, startup);
    }
  }

  private boolean isSecured() {
    return socket instanceof SSLSocket;
  }

  @Override
  public void run() {
    try {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(STARTUP_TIMEOUT_MILLIS);
      Startup startup = negotiate(channel());
      if (startup == null) {
        return;
      }
      Channel channel = channel();
      Map<String, String> parameters = startup(startup, channel);
      if (parameters == null) {
        return;
      }
      session = new Session(parameters.get("application_name"), settings.sessionDefaults());
      StatementRunner statements =
          new StatementRunner(
              engine, session, channel.backend(), metrics, timer, parameters.get("user"), readable);
      runner = statements;
      new QueryProtocol(
              channel.reader(),
              channel.backend(),
              session,
              statements,
              metrics,
              this::waitingForMessage)
          .serve();
    } catch (SocketTimeoutException e) {
      LOG.debug("PostgreSQL client {} was silent too long ({})", processId, idle);
      idleTimeout();
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

  private void idleTimeout() {
    switch (idle) {
      case STARTUP ->
          fatal(
              SqlStates.PROTOCOL_VIOLATION,
              "no startup packet within " + STARTUP_TIMEOUT_MILLIS + " ms");
      case CURSOR ->
          fatal(
              SqlStates.IDLE_IN_TRANSACTION_TIMEOUT,
              "terminating connection: a cursor stayed open without a message for "
                  + settings.idleCursorTimeout().toMillis()
                  + " ms");
      case IN_TRANSACTION ->
          fatal(
              SqlStates.IDLE_IN_TRANSACTION_TIMEOUT,
              "terminating connection due to idle-in-transaction timeout ("
                  + session.setting("idle_in_transaction_session_timeout")
                  + ")");
      default -> // SESSION
          fatal(
              SqlStates.IDLE_SESSION_TIMEOUT,
              "terminating connection due to idle-session timeout ("
                  + session.setting("idle_session_timeout")
                  + ")");
    }
  }

  /**
   * Before each read: a client silent past the timeout that applies is disconnected. With cursors
   * open (holding query slots), the idle cursor timeout; in a transaction block, {@code
   * idle_in_transaction_session_timeout}; otherwise {@code idle_session_timeout} (0: none).
   */
  private void waitingForMessage(boolean cursorsOpen) throws IOException {
    Duration timeout;
    if (cursorsOpen) {
      idle = Idle.CURSOR;
      timeout = settings.idleCursorTimeout();
      Duration inTransaction = session.duration("idle_in_transaction_session_timeout");
      if (!inTransaction.isZero() && inTransaction.compareTo(timeout) < 0) {
        timeout = inTransaction;
        idle = Idle.IN_TRANSACTION;
      }
    } else if (session.transaction() != Session.Transaction.IDLE) {
      idle = Idle.IN_TRANSACTION;
      timeout = session.duration("idle_in_transaction_session_timeout");
    } else {
      idle = Idle.SESSION;
      timeout = session.duration("idle_session_timeout");
    }
    socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
  }

  /** The startup packet read and authentication; the startup parameters, or {@code null}. */
  private Map<String, String> startup(Startup packet, Channel channel) throws IOException {
    Backend backend = channel.backend();
    int code = packet.code();
    Message startup = packet.parameters();
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
    if (settings.tls().required() && !isSecured()) {
      refuse(
          backend,
          SqlStates.INVALID_AUTHORIZATION,
          "TLS is required (pgwire.tls.required): connect with sslmode=require");
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
    return authenticate(channel.reader(), backend, parameters, code) ? parameters : null;
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
    List<ScramVerifier> verifiers = users.verifiers(user);
    if (isSecured() && settings.tls().cleartextPasswords()) {
      return cleartext(reader, backend, user, verifiers) && accept(backend, parameters, user);
    }
    ScramSha256 scram =
        verifiers.isEmpty()
            ? new ScramSha256((String) null, random) // fails like a bad password
            : new ScramSha256(verifiers, random);
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
      return rejected(backend, user);
    }
    backend.authentication(12, serverFinal.getBytes(StandardCharsets.UTF_8));
    return accept(backend, parameters, user);
  }

  /** AuthenticationCleartextPassword, only ever inside TLS: whether the password is right. */
  private boolean cleartext(
      MessageReader reader, Backend backend, String user, List<ScramVerifier> verifiers)
      throws IOException {
    backend.authentication(3, new byte[0]);
    backend.flush();
    Message response = reader.read();
    if (response == null) {
      return false;
    }
    if (response.type() != 'p') {
      throw new ProtocolException("Expected a PasswordMessage, got '" + response.type() + "'");
    }
    String given = response.readString();
    if (verifiers.stream().noneMatch(verifier -> verifier.matches(given))) {
      return rejected(backend, user);
    }
    return true;
  }

  /** A wrong password (or an unknown user): told to the client and to {@link PgUsers}. */
  private boolean rejected(Backend backend, String user) throws IOException {
    users.loggedIn(user, clientAddress(), false);
    return refuse(
        backend,
        SqlStates.INVALID_PASSWORD,
        "password authentication failed for user \"" + user + "\"");
  }

  private String clientAddress() {
    Socket current = socket;
    return current == null || current.getInetAddress() == null
        ? "unknown"
        : current.getInetAddress().getHostAddress();
  }

  /** Authenticated: checks the database, then AuthenticationOk, parameters, key, ready. */
  private boolean accept(Backend backend, Map<String, String> parameters, String user)
      throws IOException {
    String database = parameters.getOrDefault("database", user);
    if (!DATABASES.contains(database) && !database.equals(user)) {
      return refuse(
          backend,
          SqlStates.INVALID_CATALOG,
          "database \"" + database + "\" does not exist (use tributary)");
    }
    readable = users.readableTables(user);
    this.user = user;
    users.loggedIn(user, clientAddress(), true);
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
