package io.tributary.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.tributary.access.Privilege;
import io.tributary.access.Resource;
import io.tributary.access.ResourceKind;
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

  /**
   * @param owners records who saved each function: it emits with that user's privileges
   */
  private final FunctionOwners owners;

  FunctionsApi(TopicRegistry topics, FunctionService functions, FunctionOwners owners) {
    this.owners = owners;
    this.topics = topics;
    this.functions = functions;
  }

  void register(RoutesConfig routes) {
    routes.get(
        "/v1/topics",
        ctx ->
            HttpApi.json(
                ctx,
                200,
                topics.list().stream()
                    .filter(
                        spec ->
                            AccessGate.allows(
                                ctx,
                                Privilege.INGEST,
                                new Resource(ResourceKind.TOPIC, spec.name())))
                    .map(TopicSpecs::toJson)
                    .toList()),
        Requires.authenticated());
    routes.get(
        "/v1/topics/{name}",
        this::getTopic,
        Requires.on(Privilege.INGEST, ResourceKind.TOPIC, "name"));
    routes.put(
        "/v1/topics/{name}",
        this::putTopic,
        Requires.on(Privilege.MANAGE, ResourceKind.TOPIC, "name"));
    routes.delete(
        "/v1/topics/{name}",
        this::deleteTopic,
        Requires.on(Privilege.MANAGE, ResourceKind.TOPIC, "name"));
    routes.post(
        "/v1/topics/{name}/messages",
        this::publish,
        Requires.on(Privilege.INGEST, ResourceKind.TOPIC, "name"));
    routes.get(
        "/v1/functions",
        ctx -> HttpApi.json(ctx, 200, functionList(ctx)),
        Requires.authenticated());
    routes.get(
        "/v1/functions/{name}",
        this::getFunction,
        Requires.on(Privilege.RUN, ResourceKind.FUNCTION, "name"));
    routes.put(
        "/v1/functions/{name}",
        this::putFunction,
        Requires.on(Privilege.MANAGE, ResourceKind.FUNCTION, "name"));
    routes.delete(
        "/v1/functions/{name}",
        this::deleteFunction,
        Requires.on(Privilege.MANAGE, ResourceKind.FUNCTION, "name"));
  }

  private void getTopic(Context ctx) {
    String name = ctx.pathParam("name");
    TopicSpec spec = topics.get(name).orElseThrow(() -> new NotFoundException("topic", name));
    HttpApi.json(ctx, 200, TopicSpecs.toJson(spec));
  }

  private void putTopic(Context ctx) throws IOException {
    String name = ctx.pathParam("name");
    boolean existed = topics.get(name).isPresent();
    TopicSpec spec = topics.put(TopicSpecs.fromJson(name, body(ctx)));
    HttpApi.json(ctx, existed ? 200 : 201, TopicSpecs.toJson(spec));
  }

  private void deleteTopic(Context ctx) {
    String name = ctx.pathParam("name");
    if (!topics.delete(name)) {
      throw new NotFoundException("topic", name);
    }
    ctx.status(204);
  }

  private void publish(Context ctx) {
    HttpApi.json(
        ctx,
        200,
        topics.publish(
            ctx.pathParam("name"),
            ctx.contentType(),
            ctx.bodyInputStream(),
            ctx.req().getContentLengthLong()));
  }

  /** The functions the caller may run. */
  private List<Map<String, Object>> functionList(Context ctx) {
    return functions.list().stream()
        .filter(
            spec ->
                AccessGate.allows(
                    ctx, Privilege.RUN, new Resource(ResourceKind.FUNCTION, spec.name())))
        .map(this::functionView)
        .toList();
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
    HttpApi.json(ctx, 200, functionView(spec));
  }

  private void putFunction(Context ctx) throws IOException {
    String name = ctx.pathParam("name");
    boolean existed = functions.get(name).isPresent();
    FunctionSpec parsed = FunctionSpecs.fromJson(name, body(ctx));
    // owned before it starts, so its first record is checked against its new owner
    String previous = owners.ownerOf(name);
    owners.own(name, AccessGate.userOf(ctx).orElse(io.tributary.access.Access.ADMIN_USER));
    FunctionSpec spec;
    try {
      spec = functions.put(parsed);
    } catch (RuntimeException e) {
      owners.own(name, previous);
      throw e;
    }
    HttpApi.json(ctx, existed ? 200 : 201, functionView(spec));
  }

  private void deleteFunction(Context ctx) {
    String name = ctx.pathParam("name");
    if (!functions.delete(name)) {
      throw new NotFoundException("function", name);
    }
    ctx.status(204);
  }

  /** The request body as a JSON object, or null when it is empty. */
  private static JsonNode body(Context ctx) {
    return ctx.bodyAsBytes().length == 0 ? null : HttpApi.readJson(ctx);
  }
}
