package io.tributary.server;

import io.javalin.http.Context;
import io.javalin.security.RouteRole;
import io.tributary.access.Access;
import io.tributary.access.Authorizer;
import io.tributary.access.Identity;
import io.tributary.access.Principal;
import io.tributary.access.Privilege;
import io.tributary.access.Resource;
import io.tributary.core.TableId;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
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
  private static final Identity NO_ACCESS_CONTROL =
      new Identity(
          Access.ADMIN_USER,
          Set.of(Principal.user(Access.ADMIN_USER)),
          Set.of(Identity.ALL_SCOPES));

  private final Optional<Access> access;

  /**
   * @param access the access service, or empty when access control is off
   */
  AccessGate(Optional<Access> access) {
    this.access = access;
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
    Identity identity = authenticate(ctx);
    ctx.attribute(IDENTITY, identity);
    Authorizer authorizer = authorizer();
    ctx.attribute(AUTHORIZER, authorizer);
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
