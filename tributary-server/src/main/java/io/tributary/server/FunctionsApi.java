package io.tributary.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import io.tributary.core.config.FunctionSpec;
import io.tributary.core.config.TopicSpec;
import io.tributary.stream.function.FunctionService;
import io.tributary.stream.function.FunctionSpecs;
import io.tributary.stream.topic.TopicRegistry;
import io.tributary.stream.topic.TopicSpecs;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP routes of topics and functions: {@code /v1/topics[/{name}[/messages]]} and {@code
 * /v1/functions[/{name}]}. Errors go through {@link HttpApi}'s one mapping to status codes.
 */
final class FunctionsApi {
  private final TopicRegistry topics;
  private final FunctionService functions;

  FunctionsApi(TopicRegistry topics, FunctionService functions) {
    this.topics = topics;
    this.functions = functions;
  }

  void register(RoutesConfig routes) {
    routes.get(
        "/v1/topics",
        ctx -> json(ctx, 200, topics.list().stream().map(TopicSpecs::toJson).toList()));
    routes.get("/v1/topics/{name}", this::getTopic);
    routes.put("/v1/topics/{name}", this::putTopic);
    routes.delete("/v1/topics/{name}", this::deleteTopic);
    routes.post("/v1/topics/{name}/messages", this::publish);
    routes.get("/v1/functions", ctx -> json(ctx, 200, functionList()));
    routes.get("/v1/functions/{name}", this::getFunction);
    routes.put("/v1/functions/{name}", this::putFunction);
    routes.delete("/v1/functions/{name}", this::deleteFunction);
  }

  private void getTopic(Context ctx) {
    String name = ctx.pathParam("name");
    TopicSpec spec = topics.get(name).orElseThrow(() -> new NotFoundException("topic", name));
    json(ctx, 200, TopicSpecs.toJson(spec));
  }

  private void putTopic(Context ctx) throws IOException {
    String name = ctx.pathParam("name");
    boolean existed = topics.get(name).isPresent();
    TopicSpec spec = topics.put(TopicSpecs.fromJson(name, body(ctx)));
    json(ctx, existed ? 200 : 201, TopicSpecs.toJson(spec));
  }

  private void deleteTopic(Context ctx) {
    String name = ctx.pathParam("name");
    if (!topics.delete(name)) {
      throw new NotFoundException("topic", name);
    }
    ctx.status(204);
  }

  private void publish(Context ctx) {
    json(
        ctx,
        200,
        topics.publish(
            ctx.pathParam("name"),
            ctx.contentType(),
            ctx.bodyInputStream(),
            ctx.req().getContentLengthLong()));
  }

  private List<Map<String, Object>> functionList() {
    return functions.list().stream().map(this::functionView).toList();
  }

  private Map<String, Object> functionView(FunctionSpec spec) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("spec", FunctionSpecs.toJson(spec));
    view.put("status", functions.status(spec.name()).orElse(null));
    return view;
  }

  private void getFunction(Context ctx) {
    String name = ctx.pathParam("name");
    FunctionSpec spec =
        functions.get(name).orElseThrow(() -> new NotFoundException("function", name));
    json(ctx, 200, functionView(spec));
  }

  private void putFunction(Context ctx) throws IOException {
    String name = ctx.pathParam("name");
    boolean existed = functions.get(name).isPresent();
    FunctionSpec spec = functions.put(FunctionSpecs.fromJson(name, body(ctx)));
    json(ctx, existed ? 200 : 201, functionView(spec));
  }

  private void deleteFunction(Context ctx) {
    String name = ctx.pathParam("name");
    if (!functions.delete(name)) {
      throw new NotFoundException("function", name);
    }
    ctx.status(204);
  }

  private static JsonNode body(Context ctx) {
    byte[] bytes = ctx.bodyAsBytes();
    if (bytes.length == 0) {
      return null;
    }
    try {
      JsonNode node = HttpApi.JSON.readTree(bytes);
      if (node == null || !node.isObject()) {
        throw new InvalidInputException("invalid_json", "The request body must be a JSON object");
      }
      return node;
    } catch (JacksonException e) {
      throw new InvalidInputException(
          "invalid_json", "Malformed JSON in request body: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidInputException("invalid_json", "Cannot read the request body: " + e);
    }
  }

  private static void json(Context ctx, int status, Object body) {
    try {
      ctx.status(status)
          .contentType("application/json")
          .result(HttpApi.JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new IllegalStateException("Cannot serialize response", e);
    }
  }
}
