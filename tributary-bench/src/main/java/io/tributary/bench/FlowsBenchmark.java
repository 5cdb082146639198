package io.tributary.bench;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.flow.FlowParser;
import io.tributary.flow.FlowRun;
import io.tributary.flow.Flows;
import io.tributary.flow.HttpTaskRunner;
import io.tributary.flow.RunState;
import io.tributary.flow.SchedulerTables;
import io.tributary.flow.TaskRun;
import io.tributary.lake.Lake;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench flows}: the flow engine on the platform's SQLite metadata database (catalog.db),
 * with trivial HTTP tasks (a GET answered 204 by a local server): a chain of dependent tasks
 * (task-to-task latency: an upstream task's end to its successor's start) and a fan-out (tasks/s).
 * The peer, in the same run and on the same database with the same connection settings ({@link
 * SchedulerTables#pool}), is db-scheduler alone executing the same HTTP call: a chain where each
 * execution schedules the next, and as many independent executions. Overhead per task = the flow
 * engine's time per task / the library's. Several rounds, each the flow engine then the library,
 * give every figure as its median and spread over the rounds.
 */
@Command(
    name = "flows",
    description =
        "Flow task-to-task latency and tasks/s vs db-scheduler alone on the same database.")
final class FlowsBenchmark implements Callable<Integer> {
  @Option(names = "--chain", defaultValue = "50", description = "Tasks in the chain")
  int chain;

  @Option(names = "--fan-out", defaultValue = "200", description = "Tasks after the fan-out")
  int fanOut;

  @Option(names = "--workers", defaultValue = "8", description = "Task tries at once")
  int workers;

  @Option(
      names = "--rounds",
      defaultValue = "3",
      description = "Rounds, each the flow engine then the library alone")
  int rounds;

  @Option(names = "--json", description = "Print one JSON object")
  boolean json;

  private static final Duration POLLING = Duration.ofSeconds(1);
  private static final Duration HEARTBEAT = Duration.ofSeconds(5);

  @Override
  public Integer call() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    ExecutorService serverThreads = Executors.newFixedThreadPool(workers);
    server.setExecutor(serverThreads);
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/task";
    try (ScratchDir dir = new ScratchDir("tributary-flows-bench");
        Lake lake = Lake.open(LocalPlatform.catalog(dir.path()))) {
      Supplier<Connection> db = () -> connect(lake);
      List<Map<String, Double>> measured = new ArrayList<>();
      for (int round = 0; round < Math.max(1, rounds); round++) {
        log("round %d of %d", round + 1, Math.max(1, rounds));
        Map<String, Double> figures = new LinkedHashMap<>();
        flows(dir.path(), db, url, round, figures);
        library(db, url, figures);
        figures.put(
            "overhead_ratio_chain",
            figures.get("flows_chain_ms_per_step") / figures.get("library_chain_ms_per_step"));
        figures.put(
            "overhead_ratio_fan_out",
            figures.get("flows_fan_out_ms_per_task") / figures.get("library_fan_out_ms_per_task"));
        measured.add(figures);
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("database", "SQLite (catalog.db, WAL, synchronous=NORMAL on both sides)");
      result.put("workers", workers);
      result.put("rounds", measured.size());
      for (String figure : measured.get(0).keySet()) {
        double[] values = measured.stream().mapToDouble(m -> m.get(figure)).toArray();
        result.put(figure, Spread.twoDecimals(values));
      }
      Results.print(result, json);
    } finally {
      server.stop(0);
      serverThreads.shutdownNow();
    }
    return 0;
  }

  private static Connection connect(Lake lake) {
    try {
      return lake.openMetadataConnection();
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot open the metadata database: " + e.getMessage(), e);
    }
  }

  private void flows(
      Path dir, Supplier<Connection> db, String url, int round, Map<String, Double> result)
      throws InterruptedException {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (Flows flows =
        new Flows(
            db,
            new FlowParser(sql -> {}),
            Map.of("http", new HttpTaskRunner()),
            id -> List.of(),
            new Flows.Settings(
                dir.resolve("flows"), POLLING, workers, Map.of("default", workers), HEARTBEAT),
            meters,
            Clock.systemUTC(),
            new Random(1))) {
      StringBuilder chained = new StringBuilder("tasks:\n");
      for (int i = 0; i < chain; i++) {
        chained.append(task("t" + i, url, i == 0 ? List.of() : List.of("t" + (i - 1))));
      }
      flows.put("bench_chain", chained.toString());
      StringBuilder fanned = new StringBuilder("tasks:\n").append(task("root", url, List.of()));
      for (int i = 0; i < fanOut; i++) {
        fanned.append(task("f" + i, url, List.of("root")));
      }
      flows.put("bench_fan_out", fanned.toString());

      log("flows: chain of %d tasks...", chain);
      String date = LocalDate.of(2024, 1, 1).plusDays(round).toString();
      FlowRun chainRun = runToEnd(flows, "bench_chain", date);
      List<Long> gaps = new ArrayList<>();
      for (int i = 1; i < chain; i++) {
        gaps.add(gap(chainRun, "t" + (i - 1), "t" + i));
      }
      Collections.sort(gaps);
      requireSuccess(chainRun);
      result.put("flows_task_to_task_p50_ms", (double) percentile(gaps, 50));
      result.put("flows_task_to_task_p95_ms", (double) percentile(gaps, 95));
      double chainMs = millis(chainRun.startedAt().orElseThrow(), chainRun.endedAt().orElseThrow());
      result.put("flows_chain_ms_per_step", chainMs / chain);

      log("flows: fan-out of %d tasks...", fanOut);
      FlowRun fanRun = runToEnd(flows, "bench_fan_out", date);
      double fanMs = millis(fanRun.startedAt().orElseThrow(), fanRun.endedAt().orElseThrow());
      requireSuccess(fanRun);
      result.put("flows_fan_out_tasks_per_s", (fanOut + 1) / (fanMs / 1000));
      result.put("flows_fan_out_ms_per_task", fanMs / (fanOut + 1));
      var delay = meters.get("tributary.flow.task.scheduling.delay").timers();
      result.put(
          "flows_scheduling_delay_mean_ms",
          delay.stream().mapToDouble(t -> t.totalTime(TimeUnit.MILLISECONDS)).sum()
              / delay.stream().mapToLong(t -> t.count()).sum());
      result.put(
          "flows_scheduling_delay_max_ms",
          delay.stream().mapToDouble(t -> t.max(TimeUnit.MILLISECONDS)).max().orElse(0));
    }
  }

  private static String task(String id, String url, List<String> dependsOn) {
    return "  - { id: "
        + id
        + ", type: http, url: \""
        + url
        + "\", depends-on: "
        + dependsOn
        + " }\n";
  }

  private static void requireSuccess(FlowRun run) {
    if (run.state() != RunState.SUCCESS) {
      throw new IllegalStateException(
          "Bench run " + run.runId() + " of flow " + run.flow() + " ended " + run.state().label());
    }
  }

  private static FlowRun runToEnd(Flows flows, String name, String date)
      throws InterruptedException {
    String runId = flows.runNow(name, Optional.of(date)).run().runId();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (System.nanoTime() < deadline) {
      FlowRun run = flows.run(name, runId).orElseThrow();
      if (run.state().isFinished()) {
        return run;
      }
      Thread.sleep(50); // a benchmark's progress check, not a test
    }
    throw new IllegalStateException("Run " + runId + " of flow " + name + " did not end in 10 min");
  }

  private static long gap(FlowRun run, String upstream, String task) {
    Map<String, TaskRun> byId = new ConcurrentHashMap<>();
    run.tasks().forEach(t -> byId.put(t.taskId(), t));
    return Duration.between(
            byId.get(upstream).endedAt().orElseThrow(), byId.get(task).startedAt().orElseThrow())
        .toMillis();
  }

  private static long percentile(List<Long> sorted, int percent) {
    int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private static double millis(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e6;
  }

  /** db-scheduler alone on the same database, with the same threads and the same HTTP call. */
  private void library(Supplier<Connection> raw, String url, Map<String, Double> result)
      throws Exception {
    // the connections the flows use: the same pool over the same settings
    try (HikariDataSource pool = SchedulerTables.pool(raw, workers + 8, "bench-library")) {
      library(SchedulerTables.connections(pool), result, url);
    }
  }

  private void library(Supplier<Connection> db, Map<String, Double> result, String url)
      throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).GET().build();
    int[] remaining = {chain};
    CountDownLatch chainDone = new CountDownLatch(1);
    CountDownLatch fanDone = new CountDownLatch(fanOut + 1);
    Scheduler[] holder = new Scheduler[1];
    OneTimeTask<Integer> step =
        Tasks.oneTime("bench-chain-step", Integer.class)
            .execute(
                (instance, context) -> {
                  call(http, request);
                  int next = instance.getData() + 1;
                  if (next < remaining[0]) {
                    holder[0].schedule(
                        new TaskInstance<>("bench-chain-step", "s" + next, next), Instant.now());
                  } else {
                    chainDone.countDown();
                  }
                });
    OneTimeTask<Void> fan =
        Tasks.oneTime("bench-fan-out")
            .execute(
                (instance, context) -> {
                  call(http, request);
                  fanDone.countDown();
                });
    Scheduler scheduler =
        Scheduler.create(SchedulerTables.dataSource(db), List.of(step, fan))
            .jdbcCustomization(SchedulerTables.create(db))
            .threads(workers)
            .pollingInterval(POLLING)
            .heartbeatInterval(HEARTBEAT)
            .enableImmediateExecution()
            .shutdownMaxWait(Duration.ofSeconds(5))
            .build();
    holder[0] = scheduler;
    scheduler.start();
    try {
      log("db-scheduler alone: chain of %d executions...", chain);
      long start = System.nanoTime();
      scheduler.schedule(step.instance("s0", 0), Instant.now());
      if (!chainDone.await(10, TimeUnit.MINUTES)) {
        throw new IllegalStateException("db-scheduler's chain did not end in 10 min");
      }
      double chainMs = (System.nanoTime() - start) / 1e6;
      result.put("library_chain_ms_per_step", chainMs / chain);

      log("db-scheduler alone: %d executions...", fanOut + 1);
      start = System.nanoTime();
      List<TaskInstance<?>> batch = new ArrayList<>();
      for (int i = 0; i <= fanOut; i++) {
        batch.add(fan.instance("f" + i));
      }
      scheduler.scheduleBatch(batch, Instant.now());
      scheduler.triggerCheckForDueExecutions();
      if (!fanDone.await(10, TimeUnit.MINUTES)) {
        throw new IllegalStateException("db-scheduler's fan-out did not end in 10 min");
      }
      double fanMs = (System.nanoTime() - start) / 1e6;
      result.put("library_fan_out_tasks_per_s", (fanOut + 1) / (fanMs / 1000));
      result.put("library_fan_out_ms_per_task", fanMs / (fanOut + 1));
    } finally {
      scheduler.stop();
    }
  }

  private static void call(HttpClient http, HttpRequest request) {
    try {
      http.send(request, HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      throw new IllegalStateException("Bench HTTP call failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  private static void log(String format, Object... args) {
    System.err.printf(format + "%n", args);
  }
}
