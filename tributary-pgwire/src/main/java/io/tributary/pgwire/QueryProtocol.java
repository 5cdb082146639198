package io.tributary.pgwire;

import io.tributary.pgwire.MessageReader.ProtocolException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message loop after authentication: the simple query protocol (several statements per Query)
 * and the extended one (Parse, Bind, Describe, Execute, Close, Flush, Sync) with named and unnamed
 * statements and portals. After an error in an extended-protocol batch, messages are skipped until
 * Sync, as PostgreSQL does. Portals of an implicit transaction end at Sync; those of an explicit
 * one (a cursor read with a fetch size) at COMMIT or ROLLBACK.
 */
final class QueryProtocol {
  private static final Logger LOG = LoggerFactory.getLogger(QueryProtocol.class);

  /** A parsed statement: its text and the parameter types the client declared (0: unspecified). */
  private record Prepared(String sql, int[] parameterTypes) {}

  private final MessageReader reader;
  private final Backend backend;
  private final Session session;
  private final StatementRunner runner;
  private final PgWireMetrics metrics;
  private final Map<String, Prepared> statements = new HashMap<>();
  private final Map<String, Portal> portals = new HashMap<>();
  private final IdleWatch idle;
  private boolean skipUntilSync;

  /** Told, before each read, whether cursors are open (and hold query slots). */
  interface IdleWatch {
    void cursorsOpen(boolean open) throws IOException;
  }

  QueryProtocol(
      MessageReader reader,
      Backend backend,
      Session session,
      StatementRunner runner,
      PgWireMetrics metrics,
      IdleWatch idle) {
    this.idle = idle;
    this.reader = reader;
    this.backend = backend;
    this.session = session;
    this.runner = runner;
    this.metrics = metrics;
  }

  /** Serves messages until the client terminates or disconnects; closes the open portals. */
  void serve() throws IOException {
    try {
      while (true) {
        idle.cursorsOpen(portals.values().stream().anyMatch(portal -> portal.cursor != null));
        Message message = reader.read();
        if (message == null || message.type() == 'X') {
          return;
        }
        if (skipUntilSync && message.type() != 'S') {
          continue;
        }
        try {
          handle(message);
        } catch (RuntimeException e) {
          PgException error = SqlStates.of(e, "");
          metrics.error(error.sqlState());
          backend.error("ERROR", error.sqlState(), error.getMessage());
          session.failed();
          skipUntilSync = message.type() != 'Q';
          if (message.type() == 'Q') {
            backend.readyForQuery(session.transaction());
          }
        }
      }
    } finally {
      closePortals();
    }
  }

  private void handle(Message message) throws IOException {
    switch (message.type()) {
      case 'Q' -> query(message.readString());
      case 'P' -> parse(message);
      case 'B' -> bind(message);
      case 'D' -> describe(message);
      case 'E' -> execute(message);
      case 'C' -> close(message);
      case 'H' -> backend.flush();
      case 'S' -> sync();
      case 'd', 'c', 'f' -> {
        // CopyData, CopyDone, CopyFail: only for COPY FROM STDIN, which is refused
      }
      default -> throw new ProtocolException("Unexpected message type '" + message.type() + "'");
    }
  }

  private void query(String sql) throws IOException {
    LOG.trace("Query:\n{}\n;", sql);
    List<String> parts = SqlText.split(sql);
    if (parts.isEmpty()) {
      backend.emptyQuery();
    }
    try {
      for (String part : parts) {
        runner.runSimple(part);
      }
    } finally {
      if (session.transaction() == Session.Transaction.IDLE) {
        closePortals();
      }
    }
    backend.readyForQuery(session.transaction());
  }

  private void parse(Message message) throws IOException {
    String name = message.readString();
    String sql = message.readString();
    LOG.trace("Parse:\n{}\n;", sql);
    int count = message.readShort();
    int[] types = new int[Math.max(count, 0)];
    for (int i = 0; i < types.length; i++) {
      types[i] = message.readInt();
    }
    List<String> parts = SqlText.split(sql);
    if (parts.size() > 1) {
      throw new PgException(
          SqlStates.SYNTAX_ERROR, "cannot insert multiple commands into a prepared statement");
    }
    if (!name.isEmpty() && statements.containsKey(name)) {
      throw new PgException(
          SqlStates.DUPLICATE_PREPARED_STATEMENT,
          "prepared statement \"" + name + "\" already exists");
    }
    String text = parts.isEmpty() ? "" : parts.get(0);
    int parameters = Math.max(types.length, SqlText.parameterCount(text));
    int[] declared = new int[parameters];
    System.arraycopy(types, 0, declared, 0, types.length);
    statements.put(name, new Prepared(text, declared));
    backend.parseComplete();
  }

  private void bind(Message message) throws IOException {
    String portalName = message.readString();
    String statementName = message.readString();
    Prepared prepared = statement(statementName);
    short[] parameterFormats = shorts(message);
    int count = message.readShort();
    if (parameterFormats.length > 1 && parameterFormats.length != count) {
      throw new ProtocolException(
          parameterFormats.length + " parameter formats for " + count + " parameters");
    }
    if (count != prepared.parameterTypes().length) {
      throw new PgException(
          SqlStates.PROTOCOL_VIOLATION,
          "bind message supplies "
              + count
              + " parameters, but prepared statement \""
              + statementName
              + "\" requires "
              + prepared.parameterTypes().length);
    }
    List<String> literals = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int length = message.readInt();
      byte[] value = length < 0 ? null : message.readBytes(length);
      boolean binary = format(parameterFormats, i) == 1;
      try {
        literals.add(ParameterValues.literal(prepared.parameterTypes()[i], binary, value));
      } catch (IllegalArgumentException e) {
        throw new PgException(SqlStates.INVALID_TEXT, e.getMessage(), e);
      }
    }
    short[] resultFormats = shorts(message);
    String sql = count == 0 ? prepared.sql() : SqlText.bind(prepared.sql(), literals);
    Portal previous = portals.put(portalName, new Portal(sql, resultFormats));
    if (previous != null) {
      previous.close();
    }
    backend.bindComplete();
  }

  private void describe(Message message) throws IOException {
    int kind = message.readByte();
    String name = message.readString();
    if (kind == 'S') {
      Prepared prepared = statement(name);
      int[] types = prepared.parameterTypes().clone();
      for (int i = 0; i < types.length; i++) {
        types[i] = types[i] == 0 ? PgType.TEXT.oid : types[i];
      }
      backend.parameterDescription(types);
      runner.describeStatement(prepared.sql(), types.length);
    } else if (kind == 'P') {
      runner.describe(portal(name));
    } else {
      throw new ProtocolException("Invalid Describe kind '" + (char) kind + "'");
    }
  }

  private void execute(Message message) throws IOException {
    String name = message.readString();
    int maxRows = message.readInt();
    Portal portal = portal(name);
    runner.execute(portal, maxRows);
    if (session.transaction() == Session.Transaction.IDLE && Session.isLocal(portal.sql)) {
      closePortals(); // COMMIT or ROLLBACK ends the cursors of the transaction
    }
  }

  private void close(Message message) throws IOException {
    int kind = message.readByte();
    String name = message.readString();
    if (kind == 'S') {
      statements.remove(name);
    } else if (kind == 'P') {
      Portal portal = portals.remove(name);
      if (portal != null) {
        portal.close();
      }
    } else {
      throw new ProtocolException("Invalid Close kind '" + (char) kind + "'");
    }
    backend.closeComplete();
  }

  private void sync() throws IOException {
    skipUntilSync = false;
    if (session.transaction() != Session.Transaction.IN_BLOCK) {
      closePortals();
    }
    backend.readyForQuery(session.transaction());
  }

  private Prepared statement(String name) {
    Prepared prepared = statements.get(name);
    if (prepared == null) {
      throw new PgException(
          SqlStates.INVALID_PREPARED_STATEMENT,
          "prepared statement \"" + name + "\" does not exist");
    }
    return prepared;
  }

  private Portal portal(String name) {
    Portal portal = portals.get(name);
    if (portal == null) {
      throw new PgException(SqlStates.INVALID_CURSOR, "portal \"" + name + "\" does not exist");
    }
    return portal;
  }

  private static short[] shorts(Message message) throws ProtocolException {
    int count = message.readShort();
    if (count < 0) {
      throw new ProtocolException("Negative format count " + count);
    }
    short[] values = new short[count];
    for (int i = 0; i < count; i++) {
      values[i] = message.readShort();
      if (values[i] != 0 && values[i] != 1) {
        throw new ProtocolException("Invalid format code " + values[i]);
      }
    }
    return values;
  }

  private static short format(short[] formats, int index) {
    if (formats.length == 0) {
      return 0;
    }
    return formats.length == 1 ? formats[0] : formats[index];
  }

  private void closePortals() {
    for (Portal portal : portals.values()) {
      portal.close();
    }
    portals.clear();
  }
}
