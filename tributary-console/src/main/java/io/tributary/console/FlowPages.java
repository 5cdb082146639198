package io.tributary.console;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import io.tributary.flow.FlowRun;
import io.tributary.flow.FlowSpec;
import io.tributary.flow.Flows;
import io.tributary.flow.TaskReplay;
import io.tributary.flow.TaskRun;
import io.tributary.flow.TaskSpec;
import io.tributary.flow.TaskState;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A flow's page ({@code /flows/{name}}): a grid of its runs (columns, oldest left) by its tasks
 * (rows) like Airflow's grid view, one colour per state; a cell opens the task's tries and logs
 * ({@code /flows/{name}/runs/{id}/tasks/{task}}, an htmx fragment in the page, or a page of its own
 * without script). Its actions are the flow module's operations, the same as the JSON API's:
 * trigger a run for a date, backfill a date range, re-run an ended run (its tasks queued again,
 * their tries counting on), replay one sql or spark task of an ended run on its own.
 */
public final class FlowPages {
  /** How many runs the grid shows. */
  static final int RUNS = 25;

  /** The messages an action's redirect may ask the page to show (never text from the request). */
  static final Map<String, String> NOTICES =
      Map.of(
          "triggered", "Run created (or it already existed for that date).",
          "backfill", "Backfill started: its runs appear as they are created.",
          "rerun", "The run is queued again: its tasks run once more.",
          "marked-failed", "The task is marked failed.",
          "cleared", "The task is cleared: it runs again with a new try.");

  /** One cell of the grid. */
  public record Cell(String task, String runId, String state, int tries, String href) {
    /** What a screen reader says of the cell. */
    public String label() {
      return "Task " + task + ", run " + runId + ": " + state + (tries > 0 ? ", try " + tries : "");
    }
  }

  /** One row of the grid: a task and its cell in each run. */
  public record Row(String task, String type, List<Cell> cells) {}

  /** The grid. */
  public record Grid(String flow, List<FlowRun> runs, List<Row> rows, boolean paused) {}

  /** One try of a task and its log. */
  public record Try(int number, String log) {}

  /** A task of a run, with its tries. */
  public record TaskView(
      String flow,
      FlowRun run,
      TaskRun task,
      String type,
      boolean replayable,
      List<Try> tries,
      String replayLog) {
    public String runPath() {
      return "/flows/" + flow + "/runs/" + encode(run.runId());
    }
  }

  private final Flows flows;
  private final TaskReplay replay;
  private final Templates templates;

  public FlowPages(Flows flows, TaskReplay replay, Templates templates) {
    this.flows = Objects.requireNonNull(flows, "flows is null");
    this.replay = Objects.requireNonNull(replay, "replay is null");
    this.templates = Objects.requireNonNull(templates, "templates is null");
  }

  /** {@code GET /flows/{name}}. */
  public void grid(Context ctx, Viewer viewer) {
    FlowSpec spec = spec(ctx);
    List<FlowRun> runs = new ArrayList<>(flows.runs(spec.name(), RUNS));
    Collections.reverse(runs); // oldest left, like Airflow
    List<Row> rows = new ArrayList<>();
    for (TaskSpec task : spec.tasks()) {
      List<Cell> cells = new ArrayList<>();
      for (FlowRun run : runs) {
        Optional<TaskRun> taskRun =
            run.tasks().stream().filter(t -> t.taskId().equals(task.id())).findFirst();
        cells.add(
            new Cell(
                task.id(),
                run.runId(),
                taskRun.map(t -> t.state().label()).orElse("none"),
                taskRun.map(TaskRun::tries).orElse(0),
                "/flows/"
                    + spec.name()
                    + "/runs/"
                    + encode(run.runId())
                    + "/tasks/"
                    + encode(task.id())));
      }
      rows.add(new Row(task.id(), task.action().type(), cells));
    }
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("page", Page.of(ctx, "Flow " + spec.name(), "pipelines"));
    params.put("grid", new Grid(spec.name(), runs, rows, flows.isPaused(spec.name())));
    params.put("backfills", flows.backfills(spec.name(), 5));
    params.put("notice", NOTICES.getOrDefault(String.valueOf(ctx.queryParam("done")), ""));
    params.put("states", List.of(TaskState.values()));
    templates.answer(ctx, 200, "flows/grid.jte", params);
  }

  /** {@code GET /flows/{name}/runs/{id}/tasks/{task}}: a fragment for htmx, else a page. */
  public void task(Context ctx, Viewer viewer) {
    showTask(ctx, "");
  }

  private void showTask(Context ctx, String replayLog) {
    FlowSpec spec = spec(ctx);
    FlowRun run = run(ctx, spec);
    String taskId = ctx.pathParam("task");
    TaskSpec taskSpec =
        spec.task(taskId)
            .orElseThrow(() -> new NotFoundException("task", spec.name() + "/" + taskId));
    TaskRun task =
        run.tasks().stream()
            .filter(t -> t.taskId().equals(taskId))
            .findFirst()
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "task run", spec.name() + "/" + run.runId() + "/" + taskId));
    List<Try> tries = new ArrayList<>();
    for (int number = task.tries(); number >= 1; number--) {
      tries.add(
          new Try(
              number,
              flows.log(spec.name(), run.runId(), taskId, Optional.of(number)).orElse("(no log)")));
    }
    String type = taskSpec.action().type();
    TaskView view =
        new TaskView(
            spec.name(),
            run,
            task,
            type,
            type.equals("sql") || type.equals("spark"),
            tries,
            replayLog);
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("view", view);
    params.put("csrf", Viewer.of(ctx).csrfToken());
    if ("true".equals(ctx.header("HX-Request"))) {
      templates.answer(ctx, 200, "flows/task.jte", params);
    } else {
      params.put("page", Page.of(ctx, "Task " + taskId + " of flow " + spec.name(), "pipelines"));
      templates.answer(ctx, 200, "flows/task-page.jte", params);
    }
  }

  /** {@code POST /flows/{name}/trigger} with {@code logical-date} (empty: now). */
  public void trigger(Context ctx, Viewer viewer) {
    FlowSpec spec = spec(ctx);
    String date = Optional.ofNullable(ctx.formParam("logical-date")).orElse("").trim();
    flows.runNow(spec.name(), date.isEmpty() ? Optional.empty() : Optional.of(date));
    done(ctx, spec, "triggered");
  }

  /** {@code POST /flows/{name}/backfill} with {@code from} and {@code to}. */
  public void backfill(Context ctx, Viewer viewer) {
    FlowSpec spec = spec(ctx);
    flows.backfill(spec.name(), required(ctx, "from"), required(ctx, "to"));
    done(ctx, spec, "backfill");
  }

  /** {@code POST /flows/{name}/runs/{id}/rerun}: the ended run again. */
  public void rerun(Context ctx, Viewer viewer) {
    FlowSpec spec = spec(ctx);
    flows.rerun(spec.name(), run(ctx, spec).runId());
    done(ctx, spec, "rerun");
  }

  /**
   * {@code POST /flows/{name}/runs/{id}/tasks/{task}/mark-failed}: the task failed, a running try
   * interrupted.
   */
  public void markFailed(Context ctx, Viewer viewer) {
    FlowSpec spec = spec(ctx);
    flows.markTaskFailed(spec.name(), run(ctx, spec).runId(), ctx.pathParam("task"));
    done(ctx, spec, "marked-failed");
  }

  /**
   * {@code POST /flows/{name}/runs/{id}/tasks/{task}/clear}, {@code downstream=on} to clear its
   * downstream tasks too: the task of an ended run runs again, with a new try.
   */
  public void clear(Context ctx, Viewer viewer) {
    FlowSpec spec = spec(ctx);
    String runId = run(ctx, spec).runId();
    String task = ctx.pathParam("task");
    if ("on".equals(ctx.formParam("downstream"))) {
      flows.clearTaskAndDownstream(spec.name(), runId, task);
    } else {
      flows.clearTask(spec.name(), runId, task);
    }
    done(ctx, spec, "cleared");
  }

  /** {@code POST /flows/{name}/runs/{id}/tasks/{task}/replay}: one sql/spark task again. */
  public void replay(Context ctx, Viewer viewer) {
    FlowSpec spec = spec(ctx);
    FlowRun run = run(ctx, spec);
    TaskReplay.Replayed replayed =
        replay.rerun(
            spec.name(),
            run.runId(),
            ctx.pathParam("task"),
            "on".equals(ctx.formParam("pin-inputs")));
    showTask(ctx, String.join("\n", replayed.log()));
  }

  private void done(Context ctx, FlowSpec spec, String notice) {
    String location = "/flows/" + spec.name() + "?done=" + notice;
    if ("true".equals(ctx.header("HX-Request"))) {
      ctx.header("HX-Redirect", location);
      ctx.status(204);
      return;
    }
    ctx.redirect(location, HttpStatus.SEE_OTHER);
  }

  private static String required(Context ctx, String field) {
    String value = ctx.formParam(field);
    if (value == null || value.isBlank()) {
      throw new InvalidInputException(
          io.tributary.core.ErrorCode.INVALID_REQUEST,
          field + " is required: a date (2026-11-01) or an ISO-8601 instant");
    }
    return value.trim();
  }

  private FlowSpec spec(Context ctx) {
    String name = ctx.pathParam("name");
    return flows.get(name).orElseThrow(() -> new NotFoundException("flow", name));
  }

  private FlowRun run(Context ctx, FlowSpec spec) {
    String id = ctx.pathParam("id");
    return flows
        .run(spec.name(), id)
        .orElseThrow(() -> new NotFoundException("flow run", spec.name() + "/" + id));
  }

  static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
