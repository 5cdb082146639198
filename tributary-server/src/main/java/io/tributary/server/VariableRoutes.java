package io.tributary.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.tributary.access.secrets.VariableStore;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The config variable endpoints: {@code GET /v1/variables} (every key and value), {@code GET, PUT,
 * DELETE /v1/variables/{key}}; a PUT body is the value itself, any JSON ({@code "eu-west-1"},
 * {@code 42}, {@code {"max": 3}}).
 */
final class VariableRoutes {
  private final VariableStore variables;

  VariableRoutes(VariableStore variables) {
    this.variables = variables;
  }

  void register(RoutesConfig routes) {
    routes.get(
        "/v1/variables",
        ctx -> HttpApi.json(ctx, 200, Map.of("variables", variables.list())),
        Requires.authenticated());
    routes.get("/v1/variables/{key}", this::get, Requires.authenticated());
    routes.put("/v1/variables/{key}", this::put, Requires.admin());
    routes.delete("/v1/variables/{key}", this::delete, Requires.admin());
  }

  private void get(Context ctx) {
    String key = ctx.pathParam("key");
    JsonNode value = variables.get(key).orElseThrow(() -> new NotFoundException("variable", key));
    HttpApi.json(ctx, 200, view(key, value));
  }

  private void put(Context ctx) {
    String key = ctx.pathParam("key");
    JsonNode value;
    try {
      value = HttpApi.JSON.readTree(ctx.bodyAsBytes());
    } catch (JacksonException e) {
      throw new InvalidInputException(
          ErrorCode.INVALID_JSON,
          "The value of variable '" + key + "' is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidInputException(ErrorCode.INVALID_JSON, "Cannot read the request body: " + e);
    }
    if (value == null || value.isMissingNode()) {
      throw new InvalidInputException(
          ErrorCode.INVALID_VARIABLE,
          "The body must be the JSON value of variable '" + key + "', e.g. \"eu-west-1\"");
    }
    boolean created = variables.put(key, value, SecretRoutes.callerOf(ctx));
    HttpApi.json(ctx, created ? 201 : 200, view(key, value));
  }

  private void delete(Context ctx) {
    String key = ctx.pathParam("key");
    if (!variables.delete(key, SecretRoutes.callerOf(ctx))) {
      throw new NotFoundException("variable", key);
    }
    ctx.status(204);
  }

  private static Map<String, Object> view(String key, JsonNode value) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("key", key);
    view.put("value", value);
    return view;
  }
}
