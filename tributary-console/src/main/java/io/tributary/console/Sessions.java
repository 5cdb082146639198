package io.tributary.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's login sessions, kept in this node's memory: each has a random id (the cookie's
 * value; only its SHA-256 is kept), the user, a CSRF token that every state-changing request of the
 * session must carry, and two expiries: idle (no request for {@link Settings#idle()}) and absolute
 * ({@link Settings#absolute()} after login). At most {@link Settings#maxSessions()} are kept; a
 * login past that ends the oldest.
 */
public final class Sessions {
  /** The session cookie's name. */
  public static final String COOKIE = "tributary_session";

  /** The form field that carries the CSRF token. */
  public static final String CSRF_FIELD = "_csrf";

  /** The request header that carries the CSRF token (htmx sends it, see the layout). */
  public static final String CSRF_HEADER = "X-CSRF-Token";

  /**
   * How long sessions last.
   *
   * @param idle a session unused this long ends (1 minute to 1 day)
   * @param absolute a session ends this long after login, used or not (at least {@code idle}, at
   *     most 30 days)
   * @param maxSessions how many sessions this node keeps (1 to 1,000,000)
   */
  public record Settings(Duration idle, Duration absolute, int maxSessions) {
    /** 30 minutes idle, 12 hours absolute, 10,000 sessions. */
    public static final Settings DEFAULTS =
        new Settings(Duration.ofMinutes(30), Duration.ofHours(12), 10_000);

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
      if (maxSessions < 1 || maxSessions > 1_000_000) {
        throw new IllegalArgumentException(
            "Invalid session limit: " + maxSessions + " (must be 1 to 1000000)");
      }
    }
  }

  /**
   * A live session.
   *
   * @param id the cookie's value (never logged)
   * @param user who logged in
   * @param csrfToken the token its state-changing requests carry
   * @param created when it began
   * @param lastUsed when a request last used it
   */
  public record Session(
      String id, String user, String csrfToken, Instant created, Instant lastUsed) {
    public Session {
      Objects.requireNonNull(id, "id is null");
      Objects.requireNonNull(user, "user is null");
      Objects.requireNonNull(csrfToken, "csrfToken is null");
      Objects.requireNonNull(created, "created is null");
      Objects.requireNonNull(lastUsed, "lastUsed is null");
    }

    /** Whether {@code token} is this session's CSRF token (compared in constant time). */
    public boolean csrfMatches(String token) {
      return token != null
          && MessageDigest.isEqual(
              csrfToken.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
      return "Session[user=" + user + ", created=" + created + ", lastUsed=" + lastUsed + "]";
    }
  }

  private final Settings settings;
  private final Clock clock;
  private final Random random;
  private final Map<String, Session> byHash = new ConcurrentHashMap<>();

  /**
   * @param random a {@link SecureRandom} (tests may pass a seeded one)
   */
  public Sessions(Settings settings, Clock clock, Random random) {
    this.settings = Objects.requireNonNull(settings, "settings is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
    this.random = Objects.requireNonNull(random, "random is null");
  }

  public Settings settings() {
    return settings;
  }

  /** Starts a session for {@code user}, ending the oldest when the limit is reached. */
  public Session create(String user) {
    Objects.requireNonNull(user, "user is null");
    Instant now = clock.instant();
    removeExpired();
    while (byHash.size() >= settings.maxSessions()) {
      byHash.entrySet().stream()
          .min(Comparator.comparing(e -> e.getValue().created()))
          .ifPresent(oldest -> byHash.remove(oldest.getKey()));
    }
    Session session = new Session(randomToken(), user, randomToken(), now, now);
    byHash.put(hash(session.id()), session);
    return session;
  }

  /**
   * The live session of cookie value {@code id}, its last use moved to now; empty for an unknown or
   * expired one (which is removed).
   */
  public Optional<Session> find(String id) {
    if (id == null || id.isEmpty() || id.length() > 100) {
      return Optional.empty();
    }
    String key = hash(id);
    Session session = byHash.get(key);
    if (session == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (expired(session, now)) {
      byHash.remove(key, session);
      return Optional.empty();
    }
    Session used =
        new Session(session.id(), session.user(), session.csrfToken(), session.created(), now);
    byHash.replace(key, session, used);
    return Optional.of(used);
  }

  /** Ends the session of cookie value {@code id}, if any. */
  public void remove(String id) {
    if (id != null) {
      byHash.remove(hash(id));
    }
  }

  /** Ends every session of {@code user} (removed, or its password changed). */
  public void removeUser(String user) {
    byHash.values().removeIf(s -> s.user().equals(user));
  }

  /** Removes the expired sessions; returns how many. */
  public int removeExpired() {
    Instant now = clock.instant();
    int before = byHash.size();
    byHash.values().removeIf(s -> expired(s, now));
    return before - byHash.size();
  }

  /** How many sessions are kept. */
  public int size() {
    return byHash.size();
  }

  private boolean expired(Session session, Instant now) {
    return !now.isBefore(session.lastUsed().plus(settings.idle()))
        || !now.isBefore(session.created().plus(settings.absolute()));
  }

  private String randomToken() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A random token of 256 bits, URL-safe: for one-off values such as the login form's token. */
  public String newToken() {
    return randomToken();
  }

  private static String hash(String id) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
