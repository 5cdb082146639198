package io.tributary.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.tributary.access.audit.Caller;
import io.tributary.access.secrets.GeneratedPasswordRotator;
import io.tributary.access.secrets.PasswordGenerator;
import io.tributary.access.secrets.RotationSchedule;
import io.tributary.access.secrets.Rotations;
import io.tributary.access.secrets.SecretInfo;
import io.tributary.access.secrets.SecretStore;
import io.tributary.access.secrets.SecretValue;
import io.tributary.access.secrets.Stage;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import io.tributary.core.config.Units;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The secret endpoints. {@code PUT /v1/secrets/{name}} sets a value ({@code {"value": "..."}}) or
 * generates one ({@code {"generate": {"length": 32}}}), with an optional {@code "rotation":
 * {"every": "30d", "retry-after": "5m", "rotator": "generated-password"}} ({@code null} clears it);
 * {@code GET /v1/secrets} and {@code GET /v1/secrets/{name}} show names, versions, stages and
 * rotations, never values; {@code GET /v1/secrets/{name}/value} answers the current value
 * (audited); {@code POST .../rotate} rotates now; {@code POST .../verify {"value"}} answers whether
 * a value is the current or previous one; {@code DELETE} removes a secret and its versions.
 */
final class SecretRoutes {
  private static final Set<String> PUT_FIELDS = Set.of("value", "generate", "rotation");

  private final SecretStore secrets;
  private final Rotations rotations;
  private final PasswordGenerator passwords;

  SecretRoutes(SecretStore secrets, Rotations rotations, PasswordGenerator passwords) {
    this.secrets = secrets;
    this.rotations = rotations;
    this.passwords = passwords;
  }

  void register(RoutesConfig routes) {
    routes.get(
        "/v1/secrets",
        ctx ->
            HttpApi.json(
                ctx,
                200,
                Map.of("secrets", secrets.list().stream().map(SecretRoutes::view).toList())),
        Requires.admin());
    routes.get(
        "/v1/secrets/{name}", ctx -> HttpApi.json(ctx, 200, view(info(ctx))), Requires.admin());
    routes.put("/v1/secrets/{name}", this::put, Requires.admin());
    routes.delete("/v1/secrets/{name}", this::delete, Requires.admin());
    routes.get("/v1/secrets/{name}/value", this::value, Requires.admin());
    routes.post(
        "/v1/secrets/{name}/rotate",
        ctx -> HttpApi.json(ctx, 200, view(rotations.rotate(ctx.pathParam("name"), callerOf(ctx)))),
        Requires.admin());
    routes.post("/v1/secrets/{name}/verify", this::verify, Requires.admin());
  }

  /** Who is asking: the authenticated user, or {@code anonymous} (access off), and its address. */
  static Caller callerOf(Context ctx) {
    return new Caller(AccessGate.userOf(ctx).orElse("anonymous"), ctx.ip());
  }

  private SecretInfo info(Context ctx) {
    String name = ctx.pathParam("name");
    return secrets.info(name).orElseThrow(() -> new NotFoundException("secret", name));
  }

  private void put(Context ctx) {
    String name = ctx.pathParam("name");
    JsonNode body = HttpApi.readJson(ctx);
    body.fieldNames()
        .forEachRemaining(
            field -> {
              if (!PUT_FIELDS.contains(field)) {
                throw invalid(
                    "Unknown field '"
                        + field
                        + "' in secret '"
                        + name
                        + "' (known: "
                        + PUT_FIELDS
                        + ")");
              }
            });
    SecretValue value = valueOf(name, body);
    // checked before anything changes
    Optional<RotationSchedule> rotation =
        body.has("rotation") ? rotationOf(name, body.get("rotation")) : Optional.empty();
    Caller caller = callerOf(ctx);
    boolean existed = secrets.info(name).isPresent();
    SecretInfo info = secrets.put(name, value, caller);
    if (body.has("rotation")) {
      info = secrets.schedule(name, rotation, caller);
    }
    HttpApi.json(ctx, existed ? 200 : 201, view(info));
  }

  private SecretValue valueOf(String name, JsonNode body) {
    JsonNode value = body.get("value");
    JsonNode generate = body.get("generate");
    if ((value == null) == (generate == null)) {
      throw invalid(
          "Secret '"
              + name
              + "' needs exactly one of \"value\" (a string) or \"generate\" ({\"length\": n})");
    }
    if (value != null) {
      if (!value.isTextual()) {
        throw invalid("The value of secret '" + name + "' must be a string");
      }
      try {
        return SecretValue.of(value.asText());
      } catch (IllegalArgumentException e) {
        throw invalid(e.getMessage() + " for secret '" + name + "'");
      }
    }
    if (!generate.isObject()) {
      throw invalid("\"generate\" of secret '" + name + "' must be an object: {\"length\": n}");
    }
    JsonNode length = generate.path("length");
    if (!length.isMissingNode() && !length.isInt()) {
      throw invalid("\"generate.length\" of secret '" + name + "' must be an integer");
    }
    return passwords.generate(length.asInt(PasswordGenerator.DEFAULT_LENGTH));
  }

  private Optional<RotationSchedule> rotationOf(String name, JsonNode rotation) {
    if (rotation.isNull()) {
      return Optional.empty();
    }
    if (!rotation.isObject() || !rotation.path("every").isTextual()) {
      throw invalid(
          "\"rotation\" of secret '" + name + "' must be {\"every\": \"30d\"} (or null for none)");
    }
    Duration every = duration(name, "rotation.every", rotation.get("every").asText());
    Duration retryAfter =
        rotation.hasNonNull("retry-after")
            ? duration(name, "rotation.retry-after", rotation.get("retry-after").asText())
            : RotationSchedule.defaultRetryAfter(every);
    String rotator = rotation.path("rotator").asText(GeneratedPasswordRotator.NAME);
    if (!rotations.rotatorNames().contains(rotator)) {
      throw invalid(
          "Unknown rotator '"
              + rotator
              + "' for secret '"
              + name
              + "' (known: "
              + rotations.rotatorNames()
              + ")");
    }
    return Optional.of(new RotationSchedule(every, retryAfter, rotator));
  }

  private static Duration duration(String name, String field, String text) {
    try {
      return Units.parseDuration(text);
    } catch (IllegalArgumentException e) {
      throw invalid(
          "Invalid "
              + field
              + " of secret '"
              + name
              + "': '"
              + text
              + "' ("
              + e.getMessage()
              + ")");
    }
  }

  private static InvalidInputException invalid(String message) {
    return new InvalidInputException(ErrorCode.INVALID_SECRET, message);
  }

  private void delete(Context ctx) {
    String name = ctx.pathParam("name");
    if (!secrets.delete(name, callerOf(ctx))) {
      throw new NotFoundException("secret", name);
    }
    ctx.status(204);
  }

  private void value(Context ctx) {
    String name = ctx.pathParam("name");
    SecretValue value = secrets.current(name, callerOf(ctx));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put(
        "version",
        secrets
            .info(name)
            .flatMap(info -> info.version(Stage.CURRENT))
            .map(SecretInfo.Version::version)
            .orElse(null));
    body.put("value", value.reveal());
    ctx.header("Cache-Control", "no-store");
    HttpApi.json(ctx, 200, body);
  }

  private void verify(Context ctx) {
    JsonNode value = HttpApi.readJson(ctx).get("value");
    if (value == null || !value.isTextual()) {
      throw invalid("The body must be {\"value\": \"...\"}");
    }
    String name = ctx.pathParam("name");
    if (secrets.info(name).isEmpty()) {
      throw new NotFoundException("secret", name);
    }
    HttpApi.json(ctx, 200, Map.of("matches", secrets.matches(name, value.asText(), callerOf(ctx))));
  }

  private static Map<String, Object> view(SecretInfo info) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("name", info.name());
    view.put("created", info.createdAt().toString());
    view.put(
        "versions",
        info.versions().stream()
            .map(
                v -> {
                  Map<String, Object> version = new LinkedHashMap<>();
                  version.put("version", v.version());
                  version.put("stage", v.stage().label());
                  version.put("created", v.createdAt().toString());
                  return version;
                })
            .toList());
    view.put(
        "rotation",
        info.rotation()
            .map(
                r -> {
                  Map<String, Object> rotation = new LinkedHashMap<>();
                  rotation.put("every", r.every().toString());
                  rotation.put("retry-after", r.retryAfter().toString());
                  rotation.put("rotator", r.rotator());
                  return rotation;
                })
            .orElse(null));
    view.put("next-rotation", info.nextRotation().map(Instant::toString).orElse(null));
    view.put(
        "last-rotation",
        info.lastRotation()
            .map(
                r -> {
                  Map<String, Object> last = new LinkedHashMap<>();
                  last.put("at", r.at().toString());
                  last.put("outcome", r.succeeded() ? "success" : "failure");
                  last.put("detail", r.detail());
                  return last;
                })
            .orElse(null));
    return view;
  }
}
