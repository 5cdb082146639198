package io.tributary.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tributary.access.Privilege;
import io.tributary.access.Resource;
import io.tributary.access.ResourceKind;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import io.tributary.core.PlatformException;
import io.tributary.core.RetryLaterException;
import io.tributary.core.TableId;
import io.tributary.core.TributaryException;
import io.tributary.core.config.StreamSpec;
import io.tributary.core.config.TributaryConfig;
import io.tributary.core.config.Units;
import io.tributary.lake.Lake;
import io.tributary.lake.MaintenanceOptions;
import io.tributary.query.QueryEngine;
import io.tributary.query.QueryResult;
import io.tributary.server.iceberg.IcebergRestRoutes;
import io.tributary.stream.DeliveryService;
import io.tributary.stream.IngestGateway;
import io.tributary.stream.StreamRegistry;
import io.tributary.stream.StreamSpecs;
import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP edge: routes, JSON bodies, and the one place where error types become status codes. */
final class HttpApi implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

  /** Set on a query answer cut at {@code query.max-rows}: {@code true; limit=N}. */
  static final String TRUNCATED_HEADER = "Tributary-Result-Truncated";

  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .registerModule(JsonEnums.module())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);

  private final Lake lake;
  private final StreamRegistry streams;
  private final IngestGateway gateway;
  private final DeliveryService delivery;
  private final QueryEngine query;
  private final PrometheusMeterRegistry meters;
  private final RowStreaming rowStreaming = new RowStreaming(JSON);
  private final AccessGate gate;
  private final Javalin app;

  HttpApi(
      TributaryConfig.Http settings,
      TributaryConfig.Ingest limits,
      Lake lake,
      StreamRegistry streams,
      IngestGateway gateway,
      DeliveryService delivery,
      QueryEngine query,
      PrometheusMeterRegistry meters,
      AccessGate gate,
      IcebergOAuth oauth,
      Consumer<RoutesConfig> moreRoutes) {
    this.gate = gate;
    this.lake = lake;
    this.streams = streams;
    this.gateway = gateway;
    this.delivery = delivery;
    this.query = query;
    this.meters = meters;
    RequestGuard guard = new RequestGuard(settings.host(), this::port);
    this.app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.http.maxRequestSize = limits.maxRequestBytes() + 1;
              config.routes.before(guard::check);
              config.routes.beforeMatched(gate::check);
              config.routes.get("/health", this::health, Requires.open());
              config.routes.get("/metrics", this::metrics, Requires.metrics());
              config.routes.get(
                  "/v1/streams", ctx -> json(ctx, 200, streamList(ctx)), Requires.authenticated());
              config.routes.get(
                  "/v1/streams/{name}",
                  this::getStream,
                  Requires.on(Privilege.INGEST, ResourceKind.STREAM, "name"));
              config.routes.put(
                  "/v1/streams/{name}",
                  this::putStream,
                  Requires.on(Privilege.MANAGE, ResourceKind.STREAM, "name"));
              config.routes.delete(
                  "/v1/streams/{name}",
                  this::deleteStream,
                  Requires.on(Privilege.MANAGE, ResourceKind.STREAM, "name"));
              config.routes.post(
                  "/v1/streams/{name}/records",
                  this::ingest,
                  Requires.on(Privilege.INGEST, ResourceKind.STREAM, "name"));
              config.routes.get(
                  "/v1/tables", ctx -> json(ctx, 200, tableList(ctx)), Requires.authenticated());
              config.routes.get(
                  "/v1/tables/{table}", this::getTable, Requires.onTable(Privilege.READ, "table"));
              config.routes.patch(
                  "/v1/tables/{table}",
                  this::patchTable,
                  Requires.onTable(Privilege.MANAGE, "table"));
              config.routes.post(
                  "/v1/tables/{table}/maintenance",
                  this::maintain,
                  Requires.onTable(Privilege.MANAGE, "table"));
              config.routes.post("/v1/query", this::query, Requires.authenticated());
              config.routes.post(IcebergOAuth.PATH, oauth::tokens, Requires.open());
              new IcebergRestRoutes(
                      lake,
                      new IcebergRestRoutes.Guard() {
                        @Override
                        public void require(Context ctx, Privilege privilege, Resource resource) {
                          gate.require(ctx, privilege, resource);
                        }

                        @Override
                        public boolean allows(Context ctx, Privilege privilege, Resource resource) {
                          return AccessGate.allows(ctx, privilege, resource);
                        }
                      })
                  .register(config, Requires.authenticated());
              moreRoutes.accept(config.routes);
              config.routes.exception(Exception.class, this::error);
              config.routes.error(404, "*", this::notFound);
              config.routes.error(405, "*", this::notFound);
            });
    try {
      app.start(settings.host(), settings.port());
    } catch (RuntimeException e) {
      app.stop();
      throw new PlatformException(
          ErrorCode.PORT_UNAVAILABLE,
          "Cannot listen on "
              + settings.host()
              + ":"
              + settings.port()
              + " (http.port): "
              + e.getMessage(),
          e);
    }
  }

  int port() {
    return app.port();
  }

  /** The routes registered without a {@link Requires}: must be none. */
  List<String> routesWithoutRequirement() {
    return app.unsafe.internalRouter.allHttpHandlers().stream()
        .filter(parsed -> parsed.endpoint.method.isHttpMethod())
        .filter(
            parsed -> {
              io.javalin.security.Roles roles =
                  parsed.endpoint.metadata(io.javalin.security.Roles.class);
              return roles == null || AccessGate.requires(roles.getRoles()) == null;
            })
        .map(parsed -> parsed.endpoint.method.name() + " " + parsed.endpoint.path)
        .toList();
  }

  /** Every registered route as {@code METHOD path}, e.g. {@code POST /v1/query}. */
  List<String> routes() {
    return app.unsafe.internalRouter.allHttpHandlers().stream()
        .filter(parsed -> parsed.endpoint.method.isHttpMethod())
        .map(parsed -> parsed.endpoint.method.name() + " " + parsed.endpoint.path)
        .toList();
  }

  private void health(Context ctx) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("status", "ok");
    body.put("streams", streams.list().size());
    body.put("tables", lake.listTables().size());
    json(ctx, 200, body);
  }

  private void metrics(Context ctx) {
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(meters.scrape());
  }

  /** The streams the caller may ingest into. */
  private List<Map<String, Object>> streamList(Context ctx) {
    return streams.list().stream()
        .filter(
            spec ->
                AccessGate.allows(
                    ctx,
                    Privilege.INGEST,
                    new io.tributary.access.Resource(ResourceKind.STREAM, spec.name())))
        .map(this::streamView)
        .toList();
  }

  private Map<String, Object> streamView(StreamSpec spec) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("spec", StreamSpecs.toJson(spec));
    view.put("delivery", delivery.status(spec.name()).orElse(null));
    return view;
  }

  private void getStream(Context ctx) {
    String name = ctx.pathParam("name");
    StreamSpec spec = streams.get(name).orElseThrow(() -> new NotFoundException("stream", name));
    json(ctx, 200, streamView(spec));
  }

  private void putStream(Context ctx) throws IOException {
    String name = ctx.pathParam("name");
    JsonNode body = ctx.bodyAsBytes().length == 0 ? null : readJson(ctx);
    boolean existed = streams.get(name).isPresent();
    StreamSpec spec = streams.put(StreamSpecs.fromJson(name, body));
    json(ctx, existed ? 200 : 201, streamView(spec));
  }

  private void deleteStream(Context ctx) {
    String name = ctx.pathParam("name");
    if (!streams.delete(name)) {
      throw new NotFoundException("stream", name);
    }
    ctx.status(204);
  }

  private void ingest(Context ctx) {
    String name = ctx.pathParam("name");
    json(
        ctx,
        200,
        gateway.ingest(
            name, ctx.contentType(), ctx.bodyInputStream(), ctx.req().getContentLengthLong()));
  }

  private List<Map<String, Object>> tableList(Context ctx) {
    java.util.function.Predicate<TableId> readable = gate.readableTables(ctx);
    return lake.listTables().stream()
        .filter(readable)
        .map(
            id -> {
              var info = lake.describe(id);
              Map<String, Object> row = new LinkedHashMap<>();
              row.put("table", id.toString());
              row.put("rows", info.totalRows());
              row.put("files", info.dataFiles());
              row.put("bytes", info.totalSizeBytes());
              row.put("snapshot_id", info.currentSnapshotId());
              row.put("updated_at", info.snapshotTimestamp());
              return row;
            })
        .toList();
  }

  private void getTable(Context ctx) {
    json(ctx, 200, lake.describe(TableId.parse(ctx.pathParam("table"))));
  }

  private void patchTable(Context ctx) throws IOException {
    TableId id = TableId.parse(ctx.pathParam("table"));
    TablePatch patch = TablePatch.parse(readJson(ctx));
    json(ctx, 200, lake.updateProperties(id, patch.set(), patch.remove()));
  }

  private void maintain(Context ctx) throws IOException {
    TableId id = TableId.parse(ctx.pathParam("table"));
    JsonNode body = ctx.bodyAsBytes().length == 0 ? null : readJson(ctx);
    MaintenanceOptions defaults = MaintenanceOptions.DEFAULTS;
    MaintenanceOptions options = defaults;
    if (body != null) {
      options =
          new MaintenanceOptions(
              defaults.targetFileSizeBytes(),
              body.hasNonNull("expire-older-than")
                  ? parseDuration("expire-older-than", body.get("expire-older-than").asText())
                  : defaults.expireOlderThan(),
              body.path("retain-last").asInt(defaults.retainLast()));
    }
    json(ctx, 200, lake.maintain(id, options));
  }

  private static Duration parseDuration(String key, String text) {
    try {
      return Units.parseDuration(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          ErrorCode.INVALID_REQUEST,
          "Invalid " + key + ": '" + text + "' (" + e.getMessage() + ")");
    }
  }

  private void query(Context ctx) throws IOException {
    JsonNode body = readJson(ctx);
    JsonNode sql = body.get("sql");
    if (sql == null || !sql.isTextual() || sql.asText().isBlank()) {
      throw new InvalidInputException(
          ErrorCode.INVALID_REQUEST,
          "The body must be {\"sql\": \"...\"} with a non-empty sql string");
    }
    Optional<RowStreaming.Format> streamed = RowStreaming.Format.accepted(ctx.header("Accept"));
    if (streamed.isPresent()) {
      rowStreaming.answer(ctx, query, sql.asText(), gate.readableTables(ctx), streamed.get());
      return;
    }
    QueryResult result = query.execute(sql.asText(), gate.readableTables(ctx));
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("columns", result.columns());
    answer.put("rows", result.rows());
    answer.put("truncated", result.truncated());
    answer.put("elapsedMillis", result.elapsedMillis());
    if (result.truncated()) {
      ctx.header(TRUNCATED_HEADER, "true; limit=" + query.maxRows());
      answer.put("rowLimit", query.maxRows());
      answer.put(
          "message",
          "Result truncated to the first "
              + query.maxRows()
              + " rows (query.max-rows); read the rest in pages with ORDER BY ... LIMIT n"
              + " OFFSET m, or narrow the query");
    }
    json(ctx, 200, answer);
  }

  /** The request body as a JSON object; a clear {@code invalid_json} error otherwise. */
  static JsonNode readJson(Context ctx) {
    try {
      JsonNode node = JSON.readTree(ctx.bodyAsBytes());
      if (node == null || !node.isObject()) {
        throw new InvalidInputException(
            ErrorCode.INVALID_JSON, "The request body must be a JSON object");
      }
      return node;
    } catch (JacksonException e) {
      throw new InvalidInputException(
          ErrorCode.INVALID_JSON, "Malformed JSON in request body: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidInputException(ErrorCode.INVALID_JSON, "Cannot read the request body: " + e);
    }
  }

  private void notFound(Context ctx) {
    if (ctx.result() == null || ctx.result().isEmpty()) {
      errorBody(
          ctx,
          ctx.statusCode(),
          ErrorCode.NOT_FOUND.code(),
          "No such endpoint: " + ctx.method() + " " + ctx.path());
    }
  }

  private void error(Exception e, Context ctx) {
    if (e instanceof TributaryException te) {
      int status = statusOf(te);
      if (te instanceof RetryLaterException later) {
        ctx.header("Retry-After", Long.toString(Math.max(1, later.retryAfter().toSeconds())));
      }
      if (status >= 500) {
        // a retry-later is expected while a dependency is down (Kafka cannot take writes): no stack
        LOG.warn(
            "{} {} failed: {}",
            ctx.method(),
            ctx.path(),
            te.toString(),
            te instanceof RetryLaterException ? null : te);
      }
      errorBody(ctx, status, te.code(), te.getMessage());
    } else if (endedEarly(e)) {
      errorBody(
          ctx,
          400,
          "incomplete_body",
          "The request body ended before its Content-Length ("
              + ctx.req().getContentLengthLong()
              + " bytes): send the whole body");
    } else {
      LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
      errorBody(
          ctx,
          ErrorCode.INTERNAL_ERROR.httpStatus(),
          ErrorCode.INTERNAL_ERROR.code(),
          "Internal error: " + e.getClass().getSimpleName());
    }
  }

  /** Whether {@code error} comes from a body shorter than announced (the client's fault). */
  static boolean endedEarly(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof EOFException) {
        return true;
      }
    }
    return false;
  }

  /** The one mapping from errors to HTTP status codes: the status of the error's code. */
  static int statusOf(TributaryException e) {
    return e.errorCode().httpStatus();
  }

  private static void errorBody(Context ctx, int status, String code, String message) {
    if (ctx.routeRoles().contains(ConsolePage.PAGE)) {
      ConsoleRoutes.errorPage(ctx, status, code, message); // a browser's page: HTML
      return;
    }
    if (status == 401) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"tributary\", Basic realm=\"tributary\"");
    }
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ObjectNode error = body.putObject("error");
    if (ctx.path().startsWith(IcebergRestRoutes.PATH + "/")) {
      // the REST catalog specification's shape, which Iceberg clients parse: a numeric code
      error.put("message", message);
      error.put("type", code);
      error.put("code", status);
    } else {
      error.put("code", code);
      error.put("message", message);
    }
    json(ctx, status, body);
  }

  /** Answers {@code body} as JSON with {@code status}. */
  static void json(Context ctx, int status, Object body) {
    try {
      ctx.status(status).contentType("application/json").result(JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new IllegalStateException("Cannot serialize response", e);
    }
  }

  @Override
  public void close() {
    app.stop();
  }
}
