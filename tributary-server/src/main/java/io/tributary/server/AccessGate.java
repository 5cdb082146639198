package io.tributary.server;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.security.RouteRole;
import io.tributary.access.Access;
import io.tributary.access.Authorizer;
import io.tributary.access.Identity;
import io.tributary.access.Principal;
import io.tributary.access.Privilege;
import io.tributary.access.Resource;
import io.tributary.access.audit.AuditEvent;
import io.tributary.access.audit.AuditEvent.Outcome;
import io.tributary.access.audit.AuditSink;
import io.tributary.access.audit.Caller;
import io.tributary.console.Sessions;
import io.tributary.console.Sessions.Session;
import io.tributary.console.Viewer;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.TableId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The one access check of the HTTP API, run before every matched route: it reads the route's {@link
 * Requires}, authenticates the caller ({@code Authorization: Bearer <token>} or {@code Basic}), and
 * refuses with 401 (no or bad credentials, with the reason) or 403 (naming the missing privilege).
 * The identity is left on the request for routes that filter what they answer. With access turned
 * off every caller is the administrator.
 */
final class AccessGate {
  private static final String IDENTITY = "tributary.identity";
  private static final String AUTHORIZER = "tributary.authorizer";
  private static final String SESSION = "tributary.console.session";
  private static final Identity NO_ACCESS_CONTROL =
      new Identity(
          Access.ADMIN_USER,
          Set.of(Principal.user(Access.ADMIN_USER)),
          Set.of(Identity.ALL_SCOPES));

  /** A bearer token's successful use is audited at most this often per user and address. */
  static final Duration TOKEN_AUDIT_INTERVAL = Duration.ofMinutes(1);

  private final Optional<Access> access;
  private final AuditSink audit;
  private final Sessions sessions;
  private final Map<String, Instant> tokenUseAudited = new ConcurrentHashMap<>();

  /**
   * @param access the access service, or empty when access control is off
   * @param audit where authentications go: every failure and password login, and each user's
   *     bearer-token use at most once per {@link #TOKEN_AUDIT_INTERVAL} and address
   * @param sessions the console's login sessions: a valid session cookie authenticates console
   *     pages ({@link ConsolePage}), never the JSON API
   */
  AccessGate(Optional<Access> access, AuditSink audit, Sessions sessions) {
    this.access = access;
    this.audit = audit;
    this.sessions = sessions;
  }

  /** The console's login sessions. */
  Sessions sessions() {
    return sessions;
  }

  /** Whether access control is on. */
  boolean enabled() {
    return access.isPresent();
  }

  /** The Javalin before-matched handler. */
  void check(Context ctx) {
    Requires requires = requires(ctx.routeRoles());
    if (requires == null) {
      // a route registered without a declaration: refuse rather than leave it open
      throw new IllegalStateException(
          "Route " + ctx.method() + " " + ctx.endpoint().path + " declares no access requirement");
    }
    if (requires.need() == Requires.Need.NOTHING) {
      return;
    }
    boolean page = ctx.routeRoles().contains(ConsolePage.PAGE);
    Identity identity = page ? pageIdentity(ctx) : audited(ctx);
    if (identity == null) {
      return; // sent to the login form
    }
    ctx.attribute(IDENTITY, identity);
    Authorizer authorizer = authorizer();
    ctx.attribute(AUTHORIZER, authorizer);
    if (page) {
      Session session = ctx.attribute(SESSION);
      ctx.attribute(
          Viewer.ATTRIBUTE,
          new Viewer(
              identity.user(),
              session == null ? "" : session.csrfToken(),
              access.isPresent(),
              (privilege, resource) -> authorizer.allows(identity, privilege, resource)));
    }
    if (requires.need() == Requires.Need.METRICS) {
      // admin, or a token scoped for metrics (a scrape token, not any user's password)
      if (!authorizer.isAdmin(identity) && !identity.scopes().contains(Authorizer.METRICS_SCOPE)) {
        throw Authorizer.forbidden(identity, Privilege.ADMIN, Resource.PLATFORM);
      }
    } else if (requires.need() == Requires.Need.PRIVILEGE) {
      authorizer.require(
          identity, requires.privilege().orElseThrow(), requires.resource().apply(ctx));
    }
  }

  /**
   * The identity of a console page request: from an {@code Authorization} header (scripts, tests:
   * no CSRF token needed, as browsers never add one on their own to a cross-site request), else
   * from the session cookie, whose state-changing requests must carry the session's CSRF token.
   * With access control off every browser gets a session of {@code admin} (for its CSRF token).
   * Without a live session a GET is redirected to the login form (null returned) and anything else
   * refused with 401.
   */
  private Identity pageIdentity(Context ctx) {
    String header = ctx.header("Authorization");
    if (header != null && !header.isBlank()) {
      return audited(ctx);
    }
    Optional<Session> session = sessions.find(ctx.cookie(Sessions.COOKIE));
    Identity identity;
    if (access.isEmpty()) {
      if (session.isEmpty()) {
        session = Optional.of(sessions.create(Access.ADMIN_USER));
        ConsoleRoutes.setSessionCookie(ctx, session.get());
      }
      identity = NO_ACCESS_CONTROL;
    } else {
      identity = session.map(s -> identityOfSession(s)).orElse(null);
      if (identity == null) {
        if (ctx.method() == HandlerType.GET || ctx.method() == HandlerType.HEAD) {
          ConsoleRoutes.toLogin(ctx);
          ctx.skipRemainingHandlers();
          return null;
        }
        throw Access.unauthenticated(
            "no live console session (it ended or never began): log in at " + ConsoleRoutes.LOGIN);
      }
    }
    if (ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD) {
      String token = ctx.header(Sessions.CSRF_HEADER);
      if (token == null) {
        token = ctx.formParam(Sessions.CSRF_FIELD);
      }
      if (!session.get().csrfMatches(token)) {
        throw new InvalidInputException(
            ErrorCode.FORBIDDEN,
            (token == null ? "Missing" : "Wrong")
                + " CSRF token on "
                + ctx.method()
                + " "
                + ctx.path()
                + ": send the page's form again from the console (reload it first)");
      }
    }
    ctx.attribute(SESSION, session.get());
    return identity;
  }

  /**
   * The identity of a session's user, or null (its sessions ended) when the user is gone or its
   * password changed since the session began (looked up again in the metadata database before
   * ending anything: another node may have made the change).
   */
  private Identity identityOfSession(Session session) {
    Access service = access.orElseThrow();
    Identity identity;
    try {
      identity = service.identityOf(session.user());
    } catch (InvalidInputException unknownHere) {
      // a user created on another node within the refresh interval is not known here yet
      service.refresh();
      try {
        identity = service.identityOf(session.user());
      } catch (InvalidInputException e) {
        sessions.removeUser(session.user());
        return null;
      }
    }
    if (!service.credentialStamp(session.user()).equals(session.credential())) {
      service.refresh();
      String current = service.credentialStamp(session.user());
      if (!current.equals(session.credential())) {
        sessions.removeUserExcept(session.user(), current);
        return null;
      }
    }
    return identity;
  }

  /** The route's declaration, or null when it has none. */
  static Requires requires(Set<RouteRole> roles) {
    for (RouteRole role : roles) {
      if (role instanceof Requires requires) {
        return requires;
      }
    }
    return null;
  }

  private Authorizer authorizer() {
    return access.map(Access::authorizer).orElse(ALLOW_ALL);
  }

  private static final Authorizer ALLOW_ALL =
      new Authorizer(
          Set.of(
              new io.tributary.access.Grant(
                  Principal.user(Access.ADMIN_USER), Privilege.ADMIN, Resource.PLATFORM)));

  /** Who sent the request: from its credentials, or a 401 saying what is wrong. */
  /** {@link #authenticate}, recorded in the audit log. */
  private Identity audited(Context ctx) {
    if (access.isEmpty()) {
      return NO_ACCESS_CONTROL;
    }
    Instant now = access.get().clock().instant();
    String header = ctx.header("Authorization");
    boolean bearer = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7);
    try {
      Identity identity = authenticate(ctx);
      String key = identity.user() + "@" + ctx.ip();
      if (!bearer || firstUseSince(key, now)) {
        audit.record(
            AuditEvent.of(
                now,
                new Caller(identity.user(), ctx.ip()),
                "auth.http",
                ctx.method() + " " + ctx.path(),
                Outcome.SUCCESS,
                bearer ? "token" : "password"));
      }
      return identity;
    } catch (RuntimeException e) {
      audit.record(
          AuditEvent.of(
              now,
              new Caller("anonymous", ctx.ip()),
              "auth.http",
              ctx.method() + " " + ctx.path(),
              Outcome.FAILURE,
              e.getMessage() == null ? e.toString() : e.getMessage()));
      throw e;
    }
  }

  private boolean firstUseSince(String key, Instant now) {
    Instant last = tokenUseAudited.get(key);
    if (last != null && last.plus(TOKEN_AUDIT_INTERVAL).isAfter(now)) {
      return false;
    }
    tokenUseAudited.put(key, now);
    return true;
  }

  Identity authenticate(Context ctx) {
    if (access.isEmpty()) {
      return NO_ACCESS_CONTROL;
    }
    String header = ctx.header("Authorization");
    if (header == null || header.isBlank()) {
      throw Access.unauthenticated(
          "send Authorization: Bearer <token> or Basic credentials (the admin's are in"
              + " <data-dir>/admin-credentials.json)");
    }
    int space = header.indexOf(' ');
    String scheme = space < 0 ? header : header.substring(0, space);
    String value = space < 0 ? "" : header.substring(space + 1).trim();
    if (scheme.equalsIgnoreCase("Bearer")) {
      return access.get().authenticateToken(value);
    }
    if (scheme.equalsIgnoreCase("Basic")) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw Access.unauthenticated("malformed Basic credentials (not Base64)");
      }
      int colon = decoded.indexOf(':');
      if (colon <= 0) {
        throw Access.unauthenticated("malformed Basic credentials (expected user:password)");
      }
      return access
          .get()
          .authenticatePassword(
              decoded.substring(0, colon), decoded.substring(colon + 1), ctx.ip());
    }
    throw Access.unauthenticated("unsupported scheme '" + scheme + "' (use Bearer or Basic)");
  }

  /** The identity the gate authenticated for this request. */
  static Identity identity(Context ctx) {
    Identity identity = ctx.attribute(IDENTITY);
    if (identity == null) {
      throw new IllegalStateException("No identity on " + ctx.method() + " " + ctx.path());
    }
    return identity;
  }

  /**
   * Whether the request's identity holds {@code privilege} on {@code resource}: for routes that
   * list only what the caller may see.
   */
  static boolean allows(Context ctx, Privilege privilege, Resource resource) {
    Authorizer authorizer = ctx.attribute(AUTHORIZER);
    if (authorizer == null) {
      throw new IllegalStateException("No access decision on " + ctx.method() + " " + ctx.path());
    }
    return authorizer.allows(identity(ctx), privilege, resource);
  }

  /** Refuses (403) unless the request's identity holds {@code privilege} on {@code resource}. */
  void require(Context ctx, Privilege privilege, Resource resource) {
    authorizer().require(identity(ctx), privilege, resource);
  }

  /** The tables the request's identity may read. */
  /** The user a request was authenticated as; empty when access control is off. */
  static Optional<String> userOf(Context ctx) {
    Identity identity = ctx.attribute(IDENTITY);
    return Optional.ofNullable(identity).map(Identity::user);
  }

  Predicate<TableId> readableTables(Context ctx) {
    Identity identity = identity(ctx);
    Authorizer authorizer = authorizer();
    return table -> authorizer.allows(identity, Privilege.READ, Resource.table(table));
  }
}
