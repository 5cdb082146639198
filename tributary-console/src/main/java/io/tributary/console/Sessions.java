package io.tributary.console;

import io.tributary.core.ErrorCode;
import io.tributary.core.RetriableException;
import io.tributary.core.migrate.SchemaMigrations;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The console's login sessions, kept in the metadata database (table {@code console_sessions}), so
 * every node sharing it accepts a session begun on any of them and a logout on one ends it on all.
 * Each session has a random id (the cookie's value; only its SHA-256 is stored), the user, a stamp
 * of the user's credential at login (see {@link #removeUserExcept}), and two expiries checked at
 * every request: idle (no request for {@link Settings#idle()}) and absolute ({@link
 * Settings#absolute()} after login). Its CSRF token is derived from its id (so it is never stored
 * and a copy of the table yields neither). A user keeps at most {@link Settings#maxPerUser()}
 * sessions: a login past that ends the user's oldest. Expired rows are deleted at each login and at
 * most once a minute while sessions are used. SQL common to SQLite and PostgreSQL.
 */
public final class Sessions {
  /** The session cookie's name. */
  public static final String COOKIE = "tributary_session";

  /** The form field that carries the CSRF token. */
  public static final String CSRF_FIELD = "_csrf";

  /** The request header that carries the CSRF token (htmx sends it, see the layout). */
  public static final String CSRF_HEADER = "X-CSRF-Token";

  /** How often, at most, requests delete the expired rows. */
  static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);

  /**
   * How long sessions last.
   *
   * @param idle a session unused this long ends (1 minute to 1 day)
   * @param absolute a session ends this long after login, used or not (at least {@code idle}, at
   *     most 30 days)
   * @param maxPerUser how many sessions one user keeps (1 to 1000)
   */
  public record Settings(Duration idle, Duration absolute, int maxPerUser) {
    /** 30 minutes idle, 12 hours absolute, 10 sessions a user. */
    public static final Settings DEFAULTS =
        new Settings(Duration.ofMinutes(30), Duration.ofHours(12), 10);

    public Settings {
      Objects.requireNonNull(idle, "idle is null");
      Objects.requireNonNull(absolute, "absolute is null");
      if (idle.compareTo(Duration.ofMinutes(1)) < 0 || idle.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException(
            "Invalid session idle timeout: " + idle + " (must be 1 minute to 1 day)");
      }
      if (absolute.compareTo(idle) < 0 || absolute.compareTo(Duration.ofDays(30)) > 0) {
        throw new IllegalArgumentException(
            "Invalid session lifetime: " + absolute + " (must be " + idle + " to 30 days)");
      }
      if (maxPerUser < 1 || maxPerUser > 1000) {
        throw new IllegalArgumentException(
            "Invalid session limit per user: " + maxPerUser + " (must be 1 to 1000)");
      }
    }

    /**
     * How stale a session's recorded last use may get before a request writes it again: a 30th of
     * the idle timeout, at most a minute (so a session may end that much before its idle timeout,
     * and a busy page does not write the database at every request).
     */
    Duration touchInterval() {
      Duration thirtieth = idle.dividedBy(30);
      return thirtieth.compareTo(Duration.ofMinutes(1)) < 0 ? thirtieth : Duration.ofMinutes(1);
    }
  }

  /**
   * A live session.
   *
   * @param id the cookie's value (never logged, never stored)
   * @param user who logged in
   * @param credential the stamp of the user's credential at login
   * @param created when it began
   * @param lastUsed when a request last used it (as recorded: see {@link Settings#touchInterval()})
   */
  public record Session(
      String id, String user, String credential, Instant created, Instant lastUsed) {
    public Session {
      Objects.requireNonNull(id, "id is null");
      Objects.requireNonNull(user, "user is null");
      Objects.requireNonNull(credential, "credential is null");
      Objects.requireNonNull(created, "created is null");
      Objects.requireNonNull(lastUsed, "lastUsed is null");
    }

    /** The token its state-changing requests carry: derived from the id, stored nowhere. */
    public String csrfToken() {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(sha256("tributary.console.csrf\u0000" + id));
    }

    /** Whether {@code token} is this session's CSRF token (compared in constant time). */
    public boolean csrfMatches(String token) {
      return token != null
          && MessageDigest.isEqual(
              csrfToken().getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
      return "Session[user=" + user + ", created=" + created + ", lastUsed=" + lastUsed + "]";
    }
  }

  private final Supplier<Connection> db;
  private final Settings settings;
  private final Clock clock;
  private final Random random;
  private final AtomicLong lastSweepMs = new AtomicLong(Long.MIN_VALUE);

  /**
   * Creates the table when missing.
   *
   * @param db connections to the metadata database
   * @param random a {@link SecureRandom} (tests may pass a seeded one)
   */
  public Sessions(Supplier<Connection> db, Settings settings, Clock clock, Random random) {
    this.db = Objects.requireNonNull(db, "db is null");
    this.settings = Objects.requireNonNull(settings, "settings is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
    this.random = Objects.requireNonNull(random, "random is null");
    SchemaMigrations.apply(db, "console-sessions");
  }

  public Settings settings() {
    return settings;
  }

  /** Starts a session for {@code user}, without a credential stamp (access control off). */
  public Session create(String user) {
    return create(user, "");
  }

  /**
   * Starts a session for {@code user}, whose credential's stamp is now {@code credential}, ending
   * the user's oldest ones past {@link Settings#maxPerUser()} and deleting expired rows.
   */
  public Session create(String user, String credential) {
    Objects.requireNonNull(user, "user is null");
    Objects.requireNonNull(credential, "credential is null");
    if (credential.length() > 64) {
      throw new IllegalArgumentException("A credential stamp has at most 64 characters");
    }
    Instant now = clock.instant();
    Session session = new Session(randomToken(), user, credential, now, now);
    try (Connection connection = db.get()) {
      sweep(connection, now);
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO console_sessions (id_hash, user_name, credential, created_ms,"
                  + " last_used_ms) VALUES (?, ?, ?, ?, ?)")) {
        insert.setString(1, hash(session.id()));
        insert.setString(2, user);
        insert.setString(3, credential);
        insert.setLong(4, now.toEpochMilli());
        insert.setLong(5, now.toEpochMilli());
        insert.executeUpdate();
      }
      List<String> older = new ArrayList<>();
      try (PreparedStatement select =
          connection.prepareStatement(
              "SELECT id_hash FROM console_sessions WHERE user_name = ?"
                  + " ORDER BY created_ms DESC, id_hash")) {
        select.setString(1, user);
        try (ResultSet rows = select.executeQuery()) {
          int kept = 0;
          while (rows.next()) {
            String idHash = rows.getString(1);
            if (idHash.equals(hash(session.id()))) {
              continue; // the new one is kept whatever the clock says
            }
            if (++kept >= settings.maxPerUser()) {
              older.add(idHash);
            }
          }
        }
      }
      try (PreparedStatement delete =
          connection.prepareStatement("DELETE FROM console_sessions WHERE id_hash = ?")) {
        for (String idHash : older) {
          delete.setString(1, idHash);
          delete.executeUpdate();
        }
      }
    } catch (SQLException e) {
      throw unavailable("start a console session", e);
    }
    return session;
  }

  /**
   * The live session of cookie value {@code id}, its last use moved to now (written when the
   * recorded one is older than {@link Settings#touchInterval()}); empty for an unknown or expired
   * one (which is deleted).
   */
  public Optional<Session> find(String id) {
    if (id == null || id.isEmpty() || id.length() > 100) {
      return Optional.empty();
    }
    String key = hash(id);
    Instant now = clock.instant();
    try (Connection connection = db.get()) {
      Session session;
      try (PreparedStatement select =
          connection.prepareStatement(
              "SELECT user_name, credential, created_ms, last_used_ms FROM console_sessions"
                  + " WHERE id_hash = ?")) {
        select.setString(1, key);
        try (ResultSet rows = select.executeQuery()) {
          if (!rows.next()) {
            return Optional.empty();
          }
          session =
              new Session(
                  id,
                  rows.getString(1),
                  rows.getString(2),
                  Instant.ofEpochMilli(rows.getLong(3)),
                  Instant.ofEpochMilli(rows.getLong(4)));
        }
      }
      if (expired(session, now)) {
        delete(connection, "DELETE FROM console_sessions WHERE id_hash = ?", key);
        return Optional.empty();
      }
      if (!now.isBefore(session.lastUsed().plus(settings.touchInterval()))) {
        try (PreparedStatement touch =
            connection.prepareStatement(
                "UPDATE console_sessions SET last_used_ms = ? WHERE id_hash = ?"
                    + " AND last_used_ms < ?")) {
          touch.setLong(1, now.toEpochMilli());
          touch.setString(2, key);
          touch.setLong(3, now.toEpochMilli());
          touch.executeUpdate();
        }
        session = new Session(id, session.user(), session.credential(), session.created(), now);
      }
      long last = lastSweepMs.get();
      if ((last == Long.MIN_VALUE || now.toEpochMilli() - last >= SWEEP_INTERVAL.toMillis())
          && lastSweepMs.compareAndSet(last, now.toEpochMilli())) {
        sweep(connection, now);
      }
      return Optional.of(session);
    } catch (SQLException e) {
      throw unavailable("read a console session", e);
    }
  }

  /** Ends the session of cookie value {@code id}, if any, on every node. */
  public void remove(String id) {
    if (id != null && !id.isEmpty() && id.length() <= 100) {
      update("end a console session", "DELETE FROM console_sessions WHERE id_hash = ?", hash(id));
    }
  }

  /** Ends every session of {@code user} (logged out everywhere, removed). */
  public void removeUser(String user) {
    update(
        "end a user's console sessions", "DELETE FROM console_sessions WHERE user_name = ?", user);
  }

  /**
   * Ends the sessions of {@code user} begun with another credential than {@code credential}: its
   * password changed since they began.
   *
   * @return how many ended
   */
  public int removeUserExcept(String user, String credential) {
    return update(
        "end a user's console sessions",
        "DELETE FROM console_sessions WHERE user_name = ? AND credential <> ?",
        user,
        credential);
  }

  /**
   * Ends the sessions of the users {@code exists} no longer accepts (removed, expired).
   *
   * @return how many ended
   */
  public int retainUsers(Predicate<String> exists) {
    List<String> users = new ArrayList<>();
    try (Connection connection = db.get();
        PreparedStatement select =
            connection.prepareStatement("SELECT DISTINCT user_name FROM console_sessions");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        users.add(rows.getString(1));
      }
    } catch (SQLException e) {
      throw unavailable("list the console sessions", e);
    }
    int ended = 0;
    for (String user : users) {
      if (!exists.test(user)) {
        ended +=
            update(
                "end a user's console sessions",
                "DELETE FROM console_sessions WHERE user_name = ?",
                user);
      }
    }
    return ended;
  }

  /** Deletes the expired sessions; returns how many. */
  public int removeExpired() {
    try (Connection connection = db.get()) {
      return sweep(connection, clock.instant());
    } catch (SQLException e) {
      throw unavailable("delete expired console sessions", e);
    }
  }

  /** How many sessions are stored (expired ones not yet deleted included). */
  public int size() {
    try (Connection connection = db.get();
        PreparedStatement select =
            connection.prepareStatement("SELECT COUNT(*) FROM console_sessions");
        ResultSet rows = select.executeQuery()) {
      rows.next();
      return rows.getInt(1);
    } catch (SQLException e) {
      throw unavailable("count the console sessions", e);
    }
  }

  /** A random token of 256 bits, URL-safe: for one-off values such as the login form's token. */
  public String newToken() {
    return randomToken();
  }

  private int sweep(Connection connection, Instant now) throws SQLException {
    try (PreparedStatement delete =
        connection.prepareStatement(
            "DELETE FROM console_sessions WHERE last_used_ms <= ? OR created_ms <= ?")) {
      delete.setLong(1, now.minus(settings.idle()).toEpochMilli());
      delete.setLong(2, now.minus(settings.absolute()).toEpochMilli());
      return delete.executeUpdate();
    }
  }

  private boolean expired(Session session, Instant now) {
    return !now.isBefore(session.lastUsed().plus(settings.idle()))
        || !now.isBefore(session.created().plus(settings.absolute()));
  }

  private int update(String what, String sql, String... values) {
    try (Connection connection = db.get()) {
      return delete(connection, sql, values);
    } catch (SQLException e) {
      throw unavailable(what, e);
    }
  }

  private static int delete(Connection connection, String sql, String... values)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        statement.setString(i + 1, values[i]);
      }
      return statement.executeUpdate();
    }
  }

  private static RetriableException unavailable(String what, SQLException e) {
    return new RetriableException(
        ErrorCode.CATALOG_UNAVAILABLE,
        "Cannot " + what + " in the metadata database: " + e.getMessage(),
        e);
  }

  private String randomToken() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String hash(String id) {
    return HexFormat.of().formatHex(sha256(id));
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
