package io.tributary.access;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The access service: changes users, groups, roles, grants and tokens (through the {@link
 * AccessStore}), authenticates passwords and tokens, and hands out the {@link Authorizer} of the
 * current state. Reads go to an immutable snapshot replaced after each change, so checking a
 * request costs a map look-up. Clock and randomness are injected.
 */
public final class Access {
  /** The administrator every platform has. */
  public static final String ADMIN_USER = "admin";

  /** A token as issued: its secret appears here once and is never stored. */
  public record IssuedToken(String id, String secret, Optional<Instant> expiresAt) {
    @Override
    public String toString() {
      return "IssuedToken[" + id + "]";
    }
  }

  /** A throw-away user and password, valid until {@code expiresAt}. */
  public record TemporaryCredentials(String user, String password, Instant expiresAt) {
    @Override
    public String toString() {
      return "TemporaryCredentials[" + user + " until " + expiresAt + "]";
    }
  }

  public static final Duration MIN_TEMPORARY = Duration.ofMinutes(15);
  public static final Duration MAX_TEMPORARY = Duration.ofMinutes(60);

  /**
   * How long an expired or revoked token is kept, so that using it answers "expired" or "revoked"
   * rather than "unknown"; then the sweep deletes it (OAuth and Spark tokens expire hourly).
   */
  public static final Duration ENDED_TOKENS_KEPT = Duration.ofDays(1);

  private final AccessStore store;
  private final PasswordHasher hasher;
  private final LoginLimiter limiter;
  private final Clock clock;
  private final SecureRandom random;
  // digests of user and password verified since the last change (a rotation window has two)
  private final Set<String> verifiedPasswords = ConcurrentHashMap.newKeySet();
  private final List<AccessListener> listeners = new CopyOnWriteArrayList<>();
  private volatile AccessState state;
  private volatile Authorizer authorizer;
  private long loadedVersion = -1;

  public Access(
      AccessStore store,
      PasswordHasher hasher,
      LoginLimiter limiter,
      Clock clock,
      SecureRandom random) {
    this.store = Objects.requireNonNull(store, "store is null");
    this.hasher = Objects.requireNonNull(hasher, "hasher is null");
    this.limiter = Objects.requireNonNull(limiter, "limiter is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
    this.random = Objects.requireNonNull(random, "random is null");
    reload();
  }

  private synchronized void reload() {
    AccessState previous = state;
    // read before the state: a change in between only makes the next refresh() load again
    loadedVersion = store.version();
    AccessState loaded = store.load();
    verifiedPasswords.clear();
    state = loaded;
    authorizer = new Authorizer(loaded.grants());
    boolean changed =
        previous == null
            || !previous.users().equals(loaded.users())
            || !previous.groups().equals(loaded.groups())
            || !previous.roles().equals(loaded.roles())
            || !previous.grants().equals(loaded.grants());
    if (changed) {
      listeners.forEach(listener -> listener.changed(loaded));
    }
  }

  /**
   * Reloads the state when it changed in the store since this service last loaded it: a change made
   * by another node sharing the metadata database (users, grants, tokens). Listeners hear of it as
   * of any change, so a removed user's sessions end here too.
   *
   * @return whether the state was reloaded
   */
  public synchronized boolean refresh() {
    if (store.version() == loadedVersion) {
      return false;
    }
    reload();
    return true;
  }

  /** Adds a listener of access changes and tells it the current state at once. */
  public synchronized void addListener(AccessListener listener) {
    Objects.requireNonNull(listener, "listener is null");
    listeners.add(listener);
    listener.changed(state);
  }

  private void passwordSet(String user, String password) {
    listeners.forEach(listener -> listener.passwordSet(user, password));
  }

  /** The current snapshot. */
  public AccessState state() {
    return state;
  }

  /** Decisions over the current grants. */
  public Authorizer authorizer() {
    return authorizer;
  }

  public Clock clock() {
    return clock;
  }

  /**
   * Makes sure {@code admin} exists with {@code password}, holds {@code admin}, and that {@code
   * token} authenticates it (the platform's first-start credentials).
   */
  public synchronized void ensureAdmin(String password, String token) {
    User admin = state.users().get(ADMIN_USER);
    if (admin == null
        || admin.password().isEmpty()
        || !hasher.verify(password, admin.password().get())) {
      store.putUser(
          new User(
              ADMIN_USER, User.Kind.HUMAN, Optional.of(hasher.hash(password)), Optional.empty()));
    }
    store.addGrant(new Grant(Principal.user(ADMIN_USER), Privilege.ADMIN, Resource.PLATFORM));
    String hash = Secrets.tokenHash(token);
    ApiToken existing = state.tokensByHash().get(hash);
    if (existing == null || existing.refusal(clock.instant()).isPresent()) {
      store.putToken(
          new ApiToken(
              "admin-file",
              hash,
              ADMIN_USER,
              Set.of(Identity.ALL_SCOPES),
              clock.instant(),
              Optional.empty(),
              Optional.empty()));
    }
    reload();
    passwordSet(ADMIN_USER, password);
  }

  /**
   * Creates (or replaces) a user. With no password a random one is generated; the password used is
   * returned (show it once).
   */
  public synchronized String putUser(String name, User.Kind kind, Optional<String> password) {
    Principal.requireName("user", name);
    String chosen = password.orElseGet(() -> Secrets.random(random, 24));
    store.putUser(new User(name, kind, Optional.of(hasher.hash(chosen)), Optional.empty()));
    reload();
    passwordSet(name, chosen);
    return chosen;
  }

  /**
   * A rotation's step: makes {@code password} the user's password and keeps accepting the one it
   * replaces (stored, so across restarts; over HTTP and, since the new SCRAM verifier keeps the
   * replaced one's salt and iterations, over PostgreSQL too) until the next rotation or the user's
   * next {@link #putUser} or removal; so a client holding the secret's previous value is not
   * refused during the rotation window. Setting the password the user already has changes nothing
   * (a resumed rotation).
   *
   * @throws NotFoundException if there is no such user
   */
  public synchronized void rotatePassword(String name, String password) {
    User user = state.user(name).orElseThrow(() -> new NotFoundException("user", name));
    StoredPassword.requireAcceptable(password);
    if (user.password().isPresent() && hasher.verify(password, user.password().get())) {
      return;
    }
    Optional<StoredPassword> replaced = user.password();
    StoredPassword stored =
        replaced
            .map(current -> hasher.hashKeepingScramSalt(password, current))
            .orElseGet(() -> hasher.hash(password));
    store.putUser(new User(name, user.kind(), Optional.of(stored), replaced, user.expiresAt()));
    reload();
    passwordSet(name, password); // Kafka's SCRAM credential follows the rotation
  }

  /** Creates a user without a password (it authenticates with tokens only). */
  public synchronized void putUserWithoutPassword(String name, User.Kind kind) {
    store.putUser(new User(name, kind, Optional.empty(), Optional.empty()));
    reload();
  }

  /** Makes an existing user a person or a program, keeping its password. */
  public synchronized void setKind(String name, User.Kind kind) {
    User user = state.user(name).orElseThrow(() -> new NotFoundException("user", name));
    store.putUser(new User(name, kind, user.password(), user.previousPassword(), user.expiresAt()));
    reload();
  }

  /** Whether {@code password} is the user's (no rate limit: for plans, not logins). */
  public boolean passwordMatches(String name, String password) {
    User user = state.users().get(name);
    return user != null
        && user.password().isPresent()
        && hasher.verify(password, user.password().get());
  }

  /** Removes the user and revokes its tokens at once. */
  public synchronized void removeUser(String name) {
    if (name.equals(ADMIN_USER)) {
      throw new InvalidInputException(
          ErrorCode.INVALID_ACCESS, "Cannot remove user admin: the platform needs it");
    }
    if (!state.users().containsKey(name)) {
      throw new NotFoundException("user", name);
    }
    store.removeUser(name, clock.instant());
    reload();
  }

  /** Creates or replaces a group with exactly {@code members}, all existing users. */
  public synchronized void putGroup(String name, Set<String> members) {
    Principal.requireName("group", name);
    for (String member : members) {
      if (!state.users().containsKey(member)) {
        throw unknown("user", member, "group " + name);
      }
    }
    store.putGroup(name, members);
    reload();
  }

  public synchronized void removeGroup(String name) {
    store.removeGroup(name);
    reload();
  }

  /** Creates or replaces a role with exactly {@code members}, existing users and groups. */
  public synchronized void putRole(String name, Set<Principal> members) {
    Principal.requireName("role", name);
    for (Principal member : members) {
      if (member.kind() == Principal.Kind.ROLE || !state.exists(member)) {
        throw unknown(member.kind().label(), member.name(), "role " + name);
      }
    }
    store.putRole(name, members);
    reload();
  }

  public synchronized void removeRole(String name) {
    store.removeRole(name);
    reload();
  }

  /** Adds a grant to an existing principal. */
  public synchronized void grant(Grant grant) {
    if (!state.exists(grant.principal())) {
      throw unknown(grant.principal().kind().label(), grant.principal().name(), "grant " + grant);
    }
    store.addGrant(grant);
    reload();
  }

  /** Removes a grant; whether it existed. */
  public synchronized boolean revoke(Grant grant) {
    boolean existed = state.grants().contains(grant);
    store.removeGrant(grant);
    reload();
    return existed;
  }

  private static InvalidInputException unknown(String kind, String name, String where) {
    return new InvalidInputException(
        ErrorCode.INVALID_ACCESS, "Unknown " + kind + " '" + name + "' in " + where);
  }

  /** Issues a token for {@code user} with {@code scopes}, valid for {@code ttl} when given. */
  public synchronized IssuedToken issueToken(
      String user, Set<String> scopes, Optional<Duration> ttl) {
    if (!state.users().containsKey(user)) {
      throw new NotFoundException("user", user);
    }
    Set<String> checked = new HashSet<>();
    for (String scope : scopes.isEmpty() ? Set.of(Identity.ALL_SCOPES) : scopes) {
      checked.add(ApiToken.requireScope(scope));
    }
    Instant now = clock.instant();
    String secret = "trb_" + Secrets.random(random, 40);
    String id = "tok_" + Secrets.random(random, 12);
    Optional<Instant> expiresAt = ttl.map(now::plus);
    store.putToken(
        new ApiToken(
            id, Secrets.tokenHash(secret), user, checked, now, expiresAt, Optional.empty()));
    reload();
    return new IssuedToken(id, secret, expiresAt);
  }

  /** Revokes a token of {@code user} by id; whether it existed. */
  public synchronized boolean revokeToken(String user, String id) {
    Optional<ApiToken> token =
        state.tokensOf(user).stream().filter(t -> t.id().equals(id)).findFirst();
    token.ifPresent(t -> store.putToken(t.revoked(clock.instant())));
    reload();
    return token.isPresent();
  }

  /**
   * Creates a throw-away user valid for {@code duration} (15 to 60 minutes) with a copy of the
   * grants {@code owner} holds, and returns its password.
   */
  public synchronized TemporaryCredentials temporaryCredentials(String owner, Duration duration) {
    if (duration.compareTo(MIN_TEMPORARY) < 0 || duration.compareTo(MAX_TEMPORARY) > 0) {
      throw new InvalidInputException(
          ErrorCode.INVALID_REQUEST,
          "Invalid duration: " + duration.toMinutes() + " min (must be 15 to 60 minutes)");
    }
    removeExpired();
    Instant expiresAt = clock.instant().plus(duration);
    String name = "tmp_" + Secrets.random(random, 10).toLowerCase(java.util.Locale.ROOT);
    String password = Secrets.random(random, 32);
    store.putUser(
        new User(
            name, User.Kind.SERVICE, Optional.of(hasher.hash(password)), Optional.of(expiresAt)));
    Set<Principal> principals = state.principalsOf(owner);
    for (Grant grant : state.grants()) {
      if (principals.contains(grant.principal())) {
        store.addGrant(new Grant(Principal.user(name), grant.privilege(), grant.resource()));
      }
    }
    reload();
    return new TemporaryCredentials(name, password, expiresAt);
  }

  /** Removes the temporary users whose time has passed; how many. */
  public synchronized int removeExpired() {
    Instant now = clock.instant();
    List<String> expired =
        state.users().values().stream().filter(u -> u.expiredAt(now)).map(User::name).toList();
    for (String name : expired) {
      store.removeUser(name, now);
    }
    Instant cutoff = now.minus(ENDED_TOKENS_KEPT);
    boolean endedTokens =
        state.tokensByHash().values().stream()
            .anyMatch(
                token ->
                    token.expiresAt().map(cutoff::isAfter).orElse(false)
                        || token.revokedAt().map(cutoff::isAfter).orElse(false));
    if (endedTokens) {
      store.removeTokensEndedBefore(cutoff);
    }
    if (!expired.isEmpty() || endedTokens) {
      reload();
    }
    return expired.size();
  }

  /** The identity of a bearer token, or a 401 that says why not. */
  public Identity authenticateToken(String secret) {
    ApiToken token = state.tokensByHash().get(Secrets.tokenHash(secret));
    if (token == null) {
      throw unauthenticated("unknown token");
    }
    Instant now = clock.instant();
    Optional<String> refusal = token.refusal(now);
    if (refusal.isPresent()) {
      throw unauthenticated(refusal.get());
    }
    User user = state.users().get(token.user());
    if (user == null || user.expiredAt(now)) {
      throw unauthenticated("the user of token " + token.id() + " no longer exists");
    }
    return new Identity(user.name(), state.principalsOf(user.name()), token.scopes());
  }

  /**
   * The identity of a user and password from {@code address}, or a 401; failures are counted per
   * user and address, and too many are refused with 429.
   */
  public Identity authenticatePassword(String name, String password, String address) {
    limiter.check(name, address);
    User user = state.users().get(name);
    Instant now = clock.instant();
    boolean valid =
        user != null
            && !user.expiredAt(now)
            && user.password().isPresent()
            && (verify(name, password, user.password().get())
                || (user.previousPassword().isPresent()
                    && verify(name, password, user.previousPassword().get())));
    if (!valid) {
      limiter.failed(name, address);
      throw unauthenticated("wrong user or password");
    }
    limiter.succeeded(name, address);
    return new Identity(name, state.principalsOf(name), Set.of(Identity.ALL_SCOPES));
  }

  /**
   * A stamp of {@code name}'s current password (64 hex characters; empty for a user without one or
   * unknown): it changes whenever the password is set, so a login session that recorded it can tell
   * the password changed since. It reveals nothing of the password or its hash.
   */
  public String credentialStamp(String name) {
    User user = state.users().get(name);
    if (user == null || user.password().isEmpty()) {
      return "";
    }
    return Secrets.tokenHash("tributary.credential-stamp\u0000" + user.password().get().argon2());
  }

  /** The identity of an existing user (one authenticated elsewhere, by SCRAM). */
  public Identity identityOf(String name) {
    User user = state.users().get(name);
    if (user == null || user.expiredAt(clock.instant())) {
      throw unauthenticated("unknown user " + name);
    }
    return new Identity(name, state.principalsOf(name), Set.of(Identity.ALL_SCOPES));
  }

  private boolean verify(String name, String password, StoredPassword stored) {
    String digest = Secrets.tokenHash(name + "\u0000" + password);
    if (verifiedPasswords.contains(digest)) {
      return true; // Argon2id is slow on purpose; a password verified once is remembered
    }
    boolean valid = hasher.verify(password, stored);
    if (valid) {
      verifiedPasswords.add(digest);
    }
    return valid;
  }

  /** The 401 for {@code reason}. */
  public static InvalidInputException unauthenticated(String reason) {
    return new InvalidInputException(ErrorCode.UNAUTHENTICATED, "Not authenticated: " + reason);
  }
}
