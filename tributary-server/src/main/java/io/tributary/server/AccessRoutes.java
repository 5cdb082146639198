package io.tributary.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.tributary.access.Access;
import io.tributary.access.AccessSpec;
import io.tributary.access.Grant;
import io.tributary.access.Principal;
import io.tributary.access.Provisioner;
import io.tributary.access.User;
import io.tributary.access.audit.AuditEvent;
import io.tributary.access.audit.AuditEvent.Outcome;
import io.tributary.access.audit.AuditSink;
import io.tributary.access.audit.Caller;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.config.Units;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The access administration endpoints: users and their tokens, groups, grants, access as code (plan
 * and apply), and temporary credentials. All but the last need {@code admin}.
 */
final class AccessRoutes {
  private final Optional<Access> access;
  private final Optional<Provisioner> provisioner;
  private final AuditSink audit;
  private final Clock clock;

  /**
   * @param audit where every change (users, groups, tokens, grants, applied plans, temporary
   *     credentials) goes, with who asked and how it ended
   */
  AccessRoutes(
      Optional<Access> access, Optional<Provisioner> provisioner, AuditSink audit, Clock clock) {
    this.access = access;
    this.provisioner = provisioner;
    this.audit = audit;
    this.clock = clock;
  }

  void register(RoutesConfig routes) {
    routes.post("/v1/users", audited("user.create", this::createUser), Requires.admin());
    routes.delete("/v1/users/{name}", audited("user.delete", this::deleteUser), Requires.admin());
    routes.post(
        "/v1/users/{name}/tokens", audited("token.create", this::createToken), Requires.admin());
    routes.post("/v1/groups", audited("group.create", this::createGroup), Requires.admin());
    routes.get("/v1/grants", this::listGrants, Requires.admin());
    routes.post("/v1/grants", audited("grant.create", this::addGrant), Requires.admin());
    routes.delete("/v1/grants", audited("grant.delete", this::removeGrant), Requires.admin());
    routes.post("/v1/access/plan", ctx -> plan(ctx, false), Requires.admin());
    routes.post(
        "/v1/access/apply", audited("access.apply", ctx -> plan(ctx, true)), Requires.admin());
    routes.post(
        "/v1/credentials/temporary",
        audited("credentials.temporary", this::temporary),
        Requires.authenticated());
  }

  /** {@code handler}, with its outcome in the audit log (the resource: the path and body). */
  private Handler audited(String action, Handler handler) {
    return ctx -> {
      Caller caller = new Caller(AccessGate.userOf(ctx).orElse("anonymous"), ctx.ip());
      String resource = ctx.path();
      try {
        handler.handle(ctx);
        audit.record(
            AuditEvent.of(clock.instant(), caller, action, resource, Outcome.SUCCESS, detail(ctx)));
      } catch (Exception e) {
        audit.record(
            AuditEvent.of(
                clock.instant(),
                caller,
                action,
                resource,
                Outcome.FAILURE,
                String.valueOf(e.getMessage())));
        throw e;
      }
    };
  }

  /** What a change named in its body, never a password: the principal, privilege and resource. */
  private static String detail(Context ctx) {
    try {
      JsonNode body = ctx.body().isBlank() ? null : HttpApi.JSON.readTree(ctx.body());
      if (body == null || !body.isObject()) {
        return "";
      }
      StringBuilder detail = new StringBuilder();
      for (String key : List.of("name", "principal", "privilege", "resource", "duration")) {
        if (body.hasNonNull(key)) {
          detail.append(detail.length() == 0 ? "" : " ").append(key).append('=');
          detail.append(body.get(key).asText());
        }
      }
      return detail.toString();
    } catch (IOException e) {
      return "";
    }
  }

  private Access access() {
    return access.orElseThrow(
        () ->
            new InvalidInputException(
                ErrorCode.INVALID_REQUEST,
                "Access control is off (access.enabled: false): there are no users to manage"));
  }

  private static String text(JsonNode body, String key) {
    JsonNode value = body.get(key);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new InvalidInputException(
          ErrorCode.INVALID_REQUEST, "The body needs a non-empty \"" + key + "\" string");
    }
    return value.asText();
  }

  private static Optional<String> optionalText(JsonNode body, String key) {
    return body.hasNonNull(key) ? Optional.of(text(body, key)) : Optional.empty();
  }

  private void createUser(Context ctx) {
    JsonNode body = HttpApi.readJson(ctx);
    String name = text(body, "name");
    User.Kind kind = User.Kind.parse(optionalText(body, "kind").orElse("human"));
    Optional<String> password = optionalText(body, "password");
    String used = access().putUser(name, kind, password);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("name", name);
    answer.put("kind", kind.label());
    if (password.isEmpty()) {
      answer.put("password", used); // generated: shown this once
    }
    HttpApi.json(ctx, 201, answer);
  }

  private void deleteUser(Context ctx) {
    access().removeUser(ctx.pathParam("name"));
    ctx.status(204);
  }

  private void createToken(Context ctx) {
    JsonNode body = ctx.bodyAsBytes().length == 0 ? null : HttpApi.readJson(ctx);
    Set<String> scopes = new HashSet<>();
    Optional<Duration> ttl = Optional.empty();
    if (body != null) {
      body.path("scopes").forEach(scope -> scopes.add(scope.asText()));
      ttl = optionalText(body, "expires-in").map(text -> duration("expires-in", text));
    }
    Access.IssuedToken token = access().issueToken(ctx.pathParam("name"), scopes, ttl);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("id", token.id());
    answer.put("token", token.secret()); // shown this once; only its hash is kept
    answer.put("expires_at", token.expiresAt().map(Object::toString).orElse(null));
    HttpApi.json(ctx, 201, answer);
  }

  private void createGroup(Context ctx) {
    JsonNode body = HttpApi.readJson(ctx);
    String name = text(body, "name");
    Set<String> members = new HashSet<>();
    body.path("members").forEach(member -> members.add(member.asText()));
    access().putGroup(name, members);
    HttpApi.json(ctx, 201, Map.of("name", name, "members", members.stream().sorted().toList()));
  }

  private void listGrants(Context ctx) {
    String principal = ctx.queryParam("principal");
    Optional<Principal> filter =
        principal == null ? Optional.empty() : Optional.of(Principal.parse(principal));
    List<Map<String, String>> grants =
        access().state().grants().stream()
            .filter(grant -> filter.map(p -> grant.principal().equals(p)).orElse(true))
            .sorted(java.util.Comparator.comparing(Grant::toString))
            .map(AccessRoutes::view)
            .toList();
    HttpApi.json(ctx, 200, Map.of("grants", grants));
  }

  private static Map<String, String> view(Grant grant) {
    Map<String, String> view = new LinkedHashMap<>();
    view.put("principal", grant.principal().toString());
    view.put("privilege", grant.privilege().label());
    view.put("resource", grant.resource().toString());
    return view;
  }

  private static Grant grant(JsonNode body) {
    return Grant.parse(text(body, "principal"), text(body, "privilege"), text(body, "resource"));
  }

  private void addGrant(Context ctx) {
    Grant grant = grant(HttpApi.readJson(ctx));
    access().grant(grant);
    HttpApi.json(ctx, 201, view(grant));
  }

  private void removeGrant(Context ctx) {
    Grant grant;
    if (ctx.bodyAsBytes().length > 0) {
      grant = grant(HttpApi.readJson(ctx));
    } else {
      grant =
          Grant.parse(
              required(ctx, "principal"), required(ctx, "privilege"), required(ctx, "resource"));
    }
    if (!access().revoke(grant)) {
      throw new io.tributary.core.NotFoundException("grant", grant.toString());
    }
    ctx.status(204);
  }

  private static String required(Context ctx, String param) {
    String value = ctx.queryParam(param);
    if (value == null || value.isBlank()) {
      throw new InvalidInputException(
          ErrorCode.INVALID_REQUEST,
          "DELETE /v1/grants needs a body {principal, privilege, resource} or the query parameter "
              + param);
    }
    return value;
  }

  private void plan(Context ctx, boolean apply) {
    access();
    AccessSpec spec = AccessSpec.parse(text(HttpApi.readJson(ctx), "spec"));
    Provisioner provisioning = provisioner.orElseThrow();
    var plan = apply ? provisioning.apply(spec) : provisioning.plan(spec);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("applied", apply);
    answer.put(
        "changes",
        plan.changes().stream()
            .map(
                change -> {
                  Map<String, String> view = new LinkedHashMap<>();
                  view.put("action", change.action().label());
                  view.put("kind", change.kind());
                  view.put("subject", change.subject());
                  view.put("detail", change.detail());
                  return view;
                })
            .toList());
    answer.put("summary", plan.describe());
    HttpApi.json(ctx, 200, answer);
  }

  private void temporary(Context ctx) {
    JsonNode body = HttpApi.readJson(ctx);
    Duration duration = duration("duration", text(body, "duration"));
    Access.TemporaryCredentials credentials =
        access().temporaryCredentials(AccessGate.identity(ctx).user(), duration);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("user", credentials.user());
    answer.put("password", credentials.password());
    answer.put("expires_at", credentials.expiresAt().toString());
    HttpApi.json(ctx, 201, answer);
  }

  private static Duration duration(String key, String text) {
    try {
      return Units.parseDuration(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          ErrorCode.INVALID_REQUEST,
          "Invalid " + key + ": '" + text + "' (" + e.getMessage() + ")");
    }
  }
}
