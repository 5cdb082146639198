package io.tributary.server;

import io.javalin.http.Context;
import io.javalin.security.RouteRole;
import io.tributary.access.Privilege;
import io.tributary.access.Resource;
import io.tributary.access.ResourceKind;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a route requires, declared where the route is registered and checked in one place ({@link
 * AccessGate}): nothing ({@link #open()}), any authenticated user (the route filters what it
 * answers, such as the table list or a query's tables), {@code admin}, the {@code metrics} scope,
 * or a privilege on the resource the request names.
 */
record Requires(Need need, Optional<Privilege> privilege, Function<Context, Resource> resource)
    implements RouteRole {

  /** The kinds of requirement. */
  enum Need {
    NOTHING,
    AUTHENTICATED,
    METRICS,
    PRIVILEGE
  }

  Requires {
    Objects.requireNonNull(need, "need is null");
    Objects.requireNonNull(privilege, "privilege is null");
    Objects.requireNonNull(resource, "resource is null");
    if ((need == Need.PRIVILEGE) != privilege.isPresent()) {
      throw new IllegalArgumentException("A privilege goes with Need.PRIVILEGE only: " + need);
    }
  }

  private static final Function<Context, Resource> PLATFORM = ctx -> Resource.PLATFORM;

  /** No credentials needed ({@code /health}, the OAuth token endpoint). */
  static Requires open() {
    return new Requires(Need.NOTHING, Optional.empty(), PLATFORM);
  }

  /** Any authenticated user; the route decides what it shows. */
  static Requires authenticated() {
    return new Requires(Need.AUTHENTICATED, Optional.empty(), PLATFORM);
  }

  /** {@code admin}, or a token with the {@code metrics} scope. */
  static Requires metrics() {
    return new Requires(Need.METRICS, Optional.empty(), PLATFORM);
  }

  /** {@code admin} on the platform. */
  static Requires admin() {
    return new Requires(Need.PRIVILEGE, Optional.of(Privilege.ADMIN), PLATFORM);
  }

  /** {@code privilege} on the {@code kind} named by the path parameter {@code param}. */
  static Requires on(Privilege privilege, ResourceKind kind, String param) {
    return new Requires(
        Need.PRIVILEGE, Optional.of(privilege), ctx -> new Resource(kind, ctx.pathParam(param)));
  }

  /**
   * {@code privilege} on the {@code kind} named by the form field {@code field} (a console action
   * whose form names what it changes); a missing field names no resource (400).
   */
  static Requires onField(Privilege privilege, ResourceKind kind, String field) {
    return new Requires(
        Need.PRIVILEGE,
        Optional.of(privilege),
        ctx -> {
          String name = ctx.formParam(field);
          if (name == null || name.isBlank()) {
            throw new io.tributary.core.InvalidInputException(
                io.tributary.core.ErrorCode.INVALID_PARAMETER,
                "Missing form field '" + field + "': it names the " + kind.label() + " to change");
          }
          return new Resource(kind, name.trim());
        });
  }

  /** {@code privilege} on the table named by the path parameter {@code param}. */
  static Requires onTable(Privilege privilege, String param) {
    return new Requires(
        Need.PRIVILEGE,
        Optional.of(privilege),
        ctx -> Resource.table(io.tributary.core.TableId.parse(ctx.pathParam(param))));
  }

  @Override
  public String toString() {
    return privilege.map(p -> "Requires[" + p.label() + "]").orElse("Requires[" + need + "]");
  }
}
