package io.tributary.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.tributary.access.Privilege;
import io.tributary.access.Resource;
import io.tributary.access.ResourceKind;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import io.tributary.core.TableId;
import io.tributary.flow.FlowBackfill;
import io.tributary.flow.FlowRun;
import io.tributary.flow.FlowSpec;
import io.tributary.flow.Flows;
import io.tributary.flow.Lineage;
import io.tributary.flow.Schedule;
import io.tributary.flow.TaskReplay;
import io.tributary.flow.TaskRun;
import io.tributary.flow.TaskSpec;
import io.tributary.lake.Lake;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Table;

/**
 * The flow endpoints: definitions ({@code /v1/flows/{name}}: YAML or JSON bodies; {@code POST
 * .../pause} and {@code .../unpause}), runs ({@code POST/GET /v1/flows/{name}/runs}, {@code GET
 * .../runs/{id}}, {@code POST .../runs/{id}/rerun}, {@code POST .../runs/{id}/mark-failed} and
 * {@code .../tasks/{task}/mark-failed}, {@code POST .../runs/{id}/tasks/{task}/clear
 * ?downstream=true}: the task of an ended run again in the same run, {@code POST
 * .../runs/{id}/tasks/{task}/rerun {"pin-inputs": true}}: one sql or spark task again, on its
 * recorded input snapshots), backfills ({@code POST .../backfills {"from", "to"}}: 202 with the
 * backfill's id and the created and existing run ids; {@code GET .../backfills}: each with its
 * state and progress), task logs ({@code GET .../runs/{id}/tasks/{task}/log}, text) and a table's
 * lineage ({@code GET /v1/tables/{table}/lineage}: the flow runs that wrote it, newest first).
 * Errors go through {@link HttpApi}'s mapping.
 */
final class FlowRoutes {
  private static final int DEFAULT_RUNS = 25;

  private final Flows flows;
  private final Lake lake;
  private final TaskReplay replay;
  private final FlowOwners owners;

  /**
   * @param owners records who saved each flow: its tasks run with that user's privileges
   */
  FlowRoutes(Flows flows, Lake lake, TaskReplay replay, FlowOwners owners) {
    this.flows = flows;
    this.lake = lake;
    this.replay = replay;
    this.owners = owners;
  }

  void register(RoutesConfig routes) {
    routes.get(
        "/v1/flows",
        ctx -> HttpApi.json(ctx, 200, Map.of("flows", flowList(ctx))),
        Requires.authenticated());
    routes.get(
        "/v1/flows/{name}",
        ctx -> HttpApi.json(ctx, 200, flowView(spec(ctx), true)),
        Requires.on(Privilege.RUN, ResourceKind.FLOW, "name"));
    routes.put(
        "/v1/flows/{name}",
        this::putFlow,
        Requires.on(Privilege.MANAGE, ResourceKind.FLOW, "name"));
    routes.delete(
        "/v1/flows/{name}",
        this::deleteFlow,
        Requires.on(Privilege.MANAGE, ResourceKind.FLOW, "name"));
    routes.post(
        "/v1/flows/{name}/pause",
        ctx -> pause(ctx, true),
        Requires.on(Privilege.MANAGE, ResourceKind.FLOW, "name"));
    routes.post(
        "/v1/flows/{name}/unpause",
        ctx -> pause(ctx, false),
        Requires.on(Privilege.MANAGE, ResourceKind.FLOW, "name"));
    routes.post(
        "/v1/flows/{name}/runs",
        this::startRun,
        Requires.on(Privilege.RUN, ResourceKind.FLOW, "name"));
    routes.get(
        "/v1/flows/{name}/runs",
        this::listRuns,
        Requires.on(Privilege.RUN, ResourceKind.FLOW, "name"));
    routes.post(
        "/v1/flows/{name}/backfills",
        this::backfill,
        Requires.on(Privilege.RUN, ResourceKind.FLOW, "name"));
    routes.get(
        "/v1/flows/{name}/backfills",
        this::listBackfills,
        Requires.on(Privilege.RUN, ResourceKind.FLOW, "name"));
    routes.post(
        "/v1/flows/{name}/runs/{id}/rerun",
        ctx ->
            HttpApi.json(
                ctx, 202, runView(flows.rerun(ctx.pathParam("name"), ctx.pathParam("id")), true)),
        Requires.on(Privilege.RUN, ResourceKind.FLOW, "name"));
    routes.get(
        "/v1/flows/{name}/runs/{id}",
        ctx -> HttpApi.json(ctx, 200, runView(run(ctx), true)),
        Requires.on(Privilege.RUN, ResourceKind.FLOW, "name"));
    routes.get(
        "/v1/flows/{name}/runs/{id}/tasks/{task}/log",
        this::taskLog,
        Requires.on(Privilege.RUN, ResourceKind.FLOW, "name"));
    routes.get(
        "/v1/tables/{table}/lineage", this::lineage, Requires.onTable(Privilege.READ, "table"));
    routes.post(
        "/v1/flows/{name}/runs/{id}/tasks/{task}/rerun",
        this::rerunTask,
        Requires.on(Privilege.RUN, ResourceKind.FLOW, "name"));
    routes.post(
        "/v1/flows/{name}/runs/{id}/mark-failed",
        ctx ->
            HttpApi.json(
                ctx,
                200,
                runView(flows.markRunFailed(ctx.pathParam("name"), ctx.pathParam("id")), true)),
        Requires.on(Privilege.RUN, ResourceKind.FLOW, "name"));
    routes.post(
        "/v1/flows/{name}/runs/{id}/tasks/{task}/mark-failed",
        ctx ->
            HttpApi.json(
                ctx,
                200,
                runView(
                    flows.markTaskFailed(
                        ctx.pathParam("name"), ctx.pathParam("id"), ctx.pathParam("task")),
                    true)),
        Requires.on(Privilege.RUN, ResourceKind.FLOW, "name"));
    routes.post(
        "/v1/flows/{name}/runs/{id}/tasks/{task}/clear",
        this::clearTask,
        Requires.on(Privilege.RUN, ResourceKind.FLOW, "name"));
  }

  private FlowSpec spec(Context ctx) {
    String name = ctx.pathParam("name");
    return flows.get(name).orElseThrow(() -> new NotFoundException("flow", name));
  }

  private FlowRun run(Context ctx) {
    String name = ctx.pathParam("name");
    String id = ctx.pathParam("id");
    return flows
        .run(name, id)
        .orElseThrow(() -> new NotFoundException("flow run", name + "/" + id));
  }

  /** The flows the caller may run. */
  private List<Map<String, Object>> flowList(Context ctx) {
    return flows.list().stream()
        .filter(
            spec ->
                AccessGate.allows(ctx, Privilege.RUN, new Resource(ResourceKind.FLOW, spec.name())))
        .map(spec -> flowView(spec, false))
        .toList();
  }

  private Map<String, Object> flowView(FlowSpec spec, boolean withSource) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("name", spec.name());
    view.put("paused", flows.isPaused(spec.name()));
    view.put("schedule", spec.schedule().map(Schedule::text).orElse(null));
    view.put("timezone", spec.timezone().getId());
    view.put("triggers", spec.triggers().stream().map(Object::toString).toList());
    view.put("catchup", spec.catchup());
    view.put("max-active-runs", spec.maxActiveRuns());
    view.put(
        "tasks",
        spec.tasks().stream()
            .map(
                task -> {
                  Map<String, Object> t = new LinkedHashMap<>();
                  t.put("id", task.id());
                  t.put("type", task.action().type());
                  t.put("depends-on", task.dependsOn());
                  t.put("trigger-rule", task.triggerRule().label());
                  return t;
                })
            .toList());
    List<FlowRun> last = flows.runs(spec.name(), 1);
    view.put("last-run", last.isEmpty() ? null : runView(last.get(0), false));
    if (withSource) {
      view.put("source", spec.source());
    }
    return view;
  }

  private void putFlow(Context ctx) {
    String name = ctx.pathParam("name");
    String text = new String(ctx.bodyAsBytes(), StandardCharsets.UTF_8);
    if (text.isBlank()) {
      throw new InvalidInputException(
          ErrorCode.INVALID_FLOW, "The body must be a flow in YAML or JSON");
    }
    boolean existed = flows.get(name).isPresent();
    // owned before it is scheduled, so its first run is checked against its new owner
    String previous = owners.ownerOf(name);
    owners.own(name, AccessGate.userOf(ctx).orElse(io.tributary.access.Access.ADMIN_USER));
    FlowSpec spec;
    try {
      spec = flows.put(name, text);
    } catch (RuntimeException e) {
      owners.own(name, previous);
      throw e;
    }
    HttpApi.json(ctx, existed ? 200 : 201, flowView(spec, true));
  }

  private void pause(Context ctx, boolean pause) {
    FlowSpec spec = spec(ctx);
    flows.setPaused(spec.name(), pause);
    HttpApi.json(ctx, 200, flowView(spec, false));
  }

  private void deleteFlow(Context ctx) {
    String name = ctx.pathParam("name");
    if (!flows.delete(name)) {
      throw new NotFoundException("flow", name);
    }
    ctx.status(204);
  }

  private void startRun(Context ctx) {
    String name = ctx.pathParam("name");
    Optional<String> date = Optional.empty();
    if (ctx.bodyAsBytes().length > 0) {
      JsonNode body = HttpApi.readJson(ctx);
      JsonNode value = body.get("logical-date");
      if (value != null && !value.isNull()) {
        if (!value.isTextual()) {
          throw new InvalidInputException(
              ErrorCode.INVALID_REQUEST,
              "logical-date must be a date or an ISO-8601 instant string");
        }
        date = Optional.of(value.asText());
      }
    }
    var ensured = flows.runNow(name, date);
    HttpApi.json(ctx, ensured.created() ? 201 : 200, runView(ensured.run(), true));
  }

  /**
   * Clears one task of an ended run ({@code ?downstream=true}: with its downstream tasks): 202 with
   * the run, queued again.
   */
  private void clearTask(Context ctx) {
    String downstream = ctx.queryParam("downstream");
    if (downstream != null && !downstream.equals("true") && !downstream.equals("false")) {
      throw new InvalidInputException(
          ErrorCode.INVALID_REQUEST, "downstream must be true or false, not '" + downstream + "'");
    }
    String name = ctx.pathParam("name");
    String runId = ctx.pathParam("id");
    String task = ctx.pathParam("task");
    FlowRun run =
        "true".equals(downstream)
            ? flows.clearTaskAndDownstream(name, runId, task)
            : flows.clearTask(name, runId, task);
    HttpApi.json(ctx, 202, runView(run, true));
  }

  /**
   * Re-runs one sql task of an ended run, with {@code "pin-inputs": true} on its input snapshots.
   */
  private void rerunTask(Context ctx) {
    boolean pin = false;
    if (ctx.bodyAsBytes().length > 0) {
      JsonNode value = HttpApi.readJson(ctx).get("pin-inputs");
      if (value != null && !value.isNull()) {
        if (!value.isBoolean()) {
          throw new InvalidInputException(
              ErrorCode.INVALID_REQUEST, "pin-inputs must be true or false, not " + value);
        }
        pin = value.asBoolean();
      }
    }
    TaskReplay.Replayed replayed =
        replay.rerun(ctx.pathParam("name"), ctx.pathParam("id"), ctx.pathParam("task"), pin);
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("run-id", replayed.runId());
    view.put("task", replayed.taskId());
    view.put("pinned-inputs", replayed.pinnedInputs());
    view.put("log", replayed.log());
    HttpApi.json(ctx, 200, view);
  }

  private void backfill(Context ctx) {
    JsonNode body = HttpApi.readJson(ctx);
    String from = dateField(body, "from");
    String to = dateField(body, "to");
    Flows.Backfill backfill = flows.backfill(ctx.pathParam("name"), from, to);
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", backfill.id());
    view.put("created", backfill.created());
    view.put("existing", backfill.existing());
    HttpApi.json(ctx, 202, view);
  }

  /** The flow's backfills, newest first ({@code ?limit=}, 25 by default), with their progress. */
  private void listBackfills(Context ctx) {
    int limit = limit(ctx);
    List<Map<String, Object>> views = new ArrayList<>();
    for (FlowBackfill backfill : flows.backfills(ctx.pathParam("name"), limit)) {
      Map<String, Object> view = new LinkedHashMap<>();
      view.put("id", backfill.id());
      view.put("from", backfill.from());
      view.put("to", backfill.to());
      view.put("state", backfill.state().label());
      view.put("created-at", backfill.createdAt().toString());
      view.put("runs", backfill.runs());
      view.put("queued", backfill.queued());
      view.put("running", backfill.running());
      view.put("success", backfill.success());
      view.put("failed", backfill.failed());
      views.add(view);
    }
    HttpApi.json(ctx, 200, Map.of("backfills", views));
  }

  private static String dateField(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || !value.isTextual()) {
      throw new InvalidInputException(
          ErrorCode.INVALID_REQUEST,
          field + " is required: a date (2026-11-01) or an ISO-8601 instant string");
    }
    return value.asText();
  }

  private void lineage(Context ctx) {
    TableId id = TableId.parse(ctx.pathParam("table"));
    Table table =
        lake.loadTable(id).orElseThrow(() -> new NotFoundException("table", id.toString()));
    List<Map<String, Object>> writes = new ArrayList<>();
    for (Lineage.Entry entry : Lineage.of(table)) {
      Map<String, Object> view = new LinkedHashMap<>();
      view.put("snapshot-id", entry.snapshotId());
      view.put("committed-at", entry.committedAt().toString());
      view.put("operation", entry.operation());
      view.put("flow", entry.flow());
      view.put("run-id", entry.runId());
      view.put("task", entry.taskId());
      view.put("try", entry.tryNumber());
      List<Map<String, Object>> inputs = new ArrayList<>();
      entry
          .inputs()
          .forEach(
              (input, snapshot) -> {
                Map<String, Object> in = new LinkedHashMap<>();
                in.put("table", input);
                in.put("snapshot-id", snapshot);
                inputs.add(in);
              });
      view.put("inputs", inputs);
      writes.add(view);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("table", id.toString());
    body.put("writes", writes);
    HttpApi.json(ctx, 200, body);
  }

  private void listRuns(Context ctx) {
    int limit = limit(ctx);
    List<Map<String, Object>> runs =
        flows.runs(ctx.pathParam("name"), limit).stream().map(run -> runView(run, false)).toList();
    HttpApi.json(ctx, 200, Map.of("runs", runs));
  }

  /** The {@code limit} query parameter, 1..1000, {@value #DEFAULT_RUNS} by default. */
  private static int limit(Context ctx) {
    String limitText = ctx.queryParam("limit");
    int limit;
    try {
      limit = limitText == null ? DEFAULT_RUNS : Integer.parseInt(limitText);
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > 1000) {
      throw new InvalidInputException(
          ErrorCode.INVALID_REQUEST, "Invalid limit: '" + limitText + "' (must be 1..1000)");
    }
    return limit;
  }

  private void taskLog(Context ctx) {
    String tryText = ctx.queryParam("try");
    Optional<Integer> tryNumber;
    try {
      tryNumber = Optional.ofNullable(tryText).map(Integer::parseInt);
    } catch (NumberFormatException e) {
      throw new InvalidInputException(ErrorCode.INVALID_REQUEST, "Invalid try: '" + tryText + "'");
    }
    String name = ctx.pathParam("name");
    String id = ctx.pathParam("id");
    String task = ctx.pathParam("task");
    String log =
        flows
            .log(name, id, task, tryNumber)
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "task log",
                        name + "/" + id + "/" + task + (tryText == null ? "" : "#" + tryText)));
    ctx.status(200).contentType("text/plain; charset=utf-8").result(log);
  }

  private Map<String, Object> runView(FlowRun run, boolean details) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("run-id", run.runId());
    view.put("logical-date", run.logicalDate().toString());
    view.put("state", run.state().label());
    view.put("run-type", run.runType());
    if (details) {
      view.put("data-interval-start", run.intervalStart().toString());
      view.put("data-interval-end", run.intervalEnd().toString());
      view.put("created", run.createdAt().toString());
      view.put("start", run.startedAt().map(Instant::toString).orElse(null));
      view.put("end", run.endedAt().map(Instant::toString).orElse(null));
    }
    List<String> order =
        flows
            .get(run.flow())
            .map(s -> s.tasks().stream().map(TaskSpec::id).toList())
            .orElse(List.of());
    view.put(
        "tasks",
        run.tasks().stream()
            .sorted(
                (a, b) -> Integer.compare(position(order, a.taskId()), position(order, b.taskId())))
            .map(task -> taskView(task, details))
            .toList());
    return view;
  }

  private static int position(List<String> order, String id) {
    int index = order.indexOf(id);
    return index < 0 ? Integer.MAX_VALUE : index;
  }

  private static Map<String, Object> taskView(TaskRun task, boolean details) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", task.taskId());
    view.put("state", task.state().label());
    view.put("tries", task.tries());
    if (details) {
      view.put("start", task.startedAt().map(Instant::toString).orElse(null));
      view.put("end", task.endedAt().map(Instant::toString).orElse(null));
      view.put(
          "duration-ms",
          task.startedAt().isPresent() && task.endedAt().isPresent()
              ? Duration.between(task.startedAt().get(), task.endedAt().get()).toMillis()
              : null);
      view.put("next-try", task.nextTryAt().map(Instant::toString).orElse(null));
      view.put("error", task.error().orElse(null));
    }
    return view;
  }
}
