package io.tributary.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tributary flow run|runs|backfill|mark-failed|clear NAME}: starts a run of a flow, lists
 * its runs, backfills a range of logical dates, marks a run or task failed, or clears a task of an
 * ended run (it runs again in that run).
 */
@Command(
    name = "flow",
    description = "Run a flow or list its runs.",
    subcommands = {
      FlowCommand.Run.class,
      FlowCommand.Runs.class,
      FlowCommand.Backfill.class,
      FlowCommand.MarkFailed.class,
      FlowCommand.Clear.class
    })
final class FlowCommand {
  private static final Duration POLL = Duration.ofMillis(500);

  @Command(name = "run", description = "Run a flow now (the run of its logical date).")
  static final class Run implements Callable<Integer> {
    @Mixin ClientOptions client;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--date", description = "Logical date: 2024-01-01 or an ISO-8601 instant")
    String date;

    @Option(names = "--wait", description = "Wait until the run ends; exit 1 if it failed")
    boolean wait;

    @Override
    public Integer call() {
      ApiClient api = client.client();
      Map<String, Object> body = new LinkedHashMap<>();
      if (date != null) {
        body.put("logical-date", date);
      }
      JsonNode run = api.post("/v1/flows/" + name + "/runs", body);
      String id = run.path("run-id").asText();
      System.out.println(
          "Run "
              + id
              + " of flow "
              + name
              + " (logical date "
              + run.path("logical-date").asText()
              + "): "
              + run.path("state").asText());
      if (!wait) {
        return 0;
      }
      String state = run.path("state").asText();
      while (!state.equals("success") && !state.equals("failed")) {
        LockSupport.parkNanos(POLL.toNanos());
        run = api.get("/v1/flows/" + name + "/runs/" + id);
        state = run.path("state").asText();
      }
      printTasks(run);
      System.out.println("Run " + id + ": " + state);
      return state.equals("success") ? 0 : 1;
    }
  }

  @Command(
      name = "backfill",
      description = "Create the missing runs of a flow's schedule between two logical dates.")
  static final class Backfill implements Callable<Integer> {
    @Mixin ClientOptions client;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--from", required = true, description = "First logical date (inclusive)")
    String from;

    @Option(names = "--to", required = true, description = "Last logical date (inclusive)")
    String to;

    @Option(names = "--wait", description = "Wait until every run ends; exit 1 if one failed")
    boolean wait;

    @Override
    public Integer call() {
      ApiClient api = client.client();
      JsonNode answer =
          api.post("/v1/flows/" + name + "/backfills", Map.of("from", from, "to", to));
      List<String> ids = new ArrayList<>();
      answer.path("created").forEach(id -> ids.add(id.asText()));
      System.out.println(
          "Backfill of flow "
              + name
              + " from "
              + from
              + " to "
              + to
              + ": "
              + ids.size()
              + " runs created, "
              + answer.path("existing").size()
              + " existed already");
      if (!wait || ids.isEmpty()) {
        return 0;
      }
      Map<String, String> states = new LinkedHashMap<>();
      while (true) {
        for (String id : ids) {
          String state = states.get(id);
          if (!"success".equals(state) && !"failed".equals(state)) {
            states.put(id, api.get("/v1/flows/" + name + "/runs/" + id).path("state").asText());
          }
        }
        long success = states.values().stream().filter("success"::equals).count();
        long failed = states.values().stream().filter("failed"::equals).count();
        progress(success + failed, ids.size(), failed);
        if (success + failed == ids.size()) {
          System.err.println();
          states.forEach(
              (id, state) -> {
                if (state.equals("failed")) {
                  System.out.println("Run " + id + ": failed");
                }
              });
          System.out.println(
              "Backfill of flow " + name + ": " + success + " succeeded, " + failed + " failed");
          return failed == 0 ? 0 : 1;
        }
        LockSupport.parkNanos(POLL.toNanos());
      }
    }

    private static void progress(long done, int total, long failed) {
      int width = 30;
      int filled = (int) (done * width / total);
      System.err.printf(
          "\r[%s%s] %3d%%  %d/%d runs  %d failed ",
          "#".repeat(filled), " ".repeat(width - filled), done * 100 / total, done, total, failed);
    }
  }

  @Command(name = "runs", description = "List a flow's runs, newest first.")
  static final class Runs implements Callable<Integer> {
    @Mixin ClientOptions client;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      List<List<String>> rows = new ArrayList<>();
      for (JsonNode run : client.client().get("/v1/flows/" + name + "/runs").path("runs")) {
        List<String> tasks = new ArrayList<>();
        run.path("tasks")
            .forEach(
                t ->
                    tasks.add(
                        t.path("id").asText()
                            + "="
                            + t.path("state").asText()
                            + (t.path("tries").asInt() > 1
                                ? "(" + t.path("tries").asInt() + ")"
                                : "")));
        rows.add(
            List.of(
                run.path("run-id").asText(),
                run.path("logical-date").asText(),
                run.path("run-type").asText(),
                run.path("state").asText(),
                String.join(" ", tasks)));
      }
      ResultPrinter.table(
          List.of("run", "logical date", "type", "state", "tasks"), rows, System.out);
      return 0;
    }
  }

  @Command(
      name = "mark-failed",
      description = "Mark a run failed, or one task of it (--task): running tries are interrupted.")
  static final class MarkFailed implements Callable<Integer> {
    @Mixin ClientOptions client;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "RUN")
    String runId;

    @Option(names = "--task", description = "Only this task of the run")
    String task;

    @Override
    public Integer call() {
      String path =
          "/v1/flows/"
              + name
              + "/runs/"
              + runId
              + (task == null ? "" : "/tasks/" + task)
              + "/mark-failed";
      JsonNode run = client.client().post(path, Map.of());
      printTasks(run);
      System.out.println("Run " + runId + ": " + run.path("state").asText());
      return 0;
    }
  }

  @Command(
      name = "clear",
      description = "Run one task of an ended run again, in that run (with a new try).")
  static final class Clear implements Callable<Integer> {
    @Mixin ClientOptions client;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "RUN")
    String runId;

    @Parameters(index = "2", paramLabel = "TASK")
    String task;

    @Option(names = "--downstream", description = "Its downstream tasks too")
    boolean downstream;

    @Override
    public Integer call() {
      JsonNode run =
          client
              .client()
              .post(
                  "/v1/flows/"
                      + name
                      + "/runs/"
                      + runId
                      + "/tasks/"
                      + task
                      + "/clear?downstream="
                      + downstream,
                  Map.of());
      System.out.println(
          "Task " + task + " of run " + runId + " cleared: run " + run.path("state").asText());
      return 0;
    }
  }

  private static void printTasks(JsonNode run) {
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode task : run.path("tasks")) {
      rows.add(
          List.of(
              task.path("id").asText(),
              task.path("state").asText(),
              task.path("tries").asText(),
              task.path("duration-ms").isNull() ? "-" : task.path("duration-ms").asText() + " ms",
              task.path("error").isNull() ? "" : task.path("error").asText()));
    }
    ResultPrinter.table(List.of("task", "state", "tries", "duration", "error"), rows, System.out);
  }
}
