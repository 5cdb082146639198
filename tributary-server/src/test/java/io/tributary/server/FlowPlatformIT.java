package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.tributary.core.TableId;
import io.tributary.core.config.TributaryConfig;
import io.tributary.flow.SqlTaskRunner;
import io.tributary.spi.FlowTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.Snapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flows on the real platform: a two-task SQL flow writing {@code transformed.daily_x} through the
 * lake's table writer with overwrite-partitions, one run per logical date whatever the requests,
 * lineage in the snapshot summary, an HTTP task retried with back-off, definitions refused with
 * their line, the CLI, and a restart that recovers a running and a queued run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlowPlatformIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir static Path dir;
  private Platform platform;
  private Http http;
  private HttpServer peer;
  private final AtomicInteger flakyCalls = new AtomicInteger();
  private volatile CountDownLatch gate = new CountDownLatch(1);

  private static final String DAILY =
      """
      name: daily_x
      tasks:
        - id: stage
          type: sql
          sql: >-
            SELECT DATE '{{ ds }}' AS day, show_id, listened_ms,
            '{{ data_interval_start }}' AS interval_start FROM raw.events
          target: transformed.stage_x
          mode: replace
        - id: daily
          type: sql
          depends-on: [stage]
          sql: >-
            SELECT day, show_id, count(*) AS listens, sum(listened_ms) AS listened_ms,
            '{{ run_id }}' AS run_id FROM transformed.stage_x GROUP BY day, show_id
          target: transformed.daily_x
          mode: overwrite-partitions
          partition-by: [day]
      """;

  @BeforeAll
  void start() throws IOException {
    peer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    peer.createContext(
        "/flaky",
        exchange -> {
          int status = flakyCalls.incrementAndGet() <= 2 ? 500 : 200;
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    peer.createContext(
        "/ok",
        exchange -> {
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    peer.createContext(
        "/block",
        exchange -> {
          try {
            gate.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    peer.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    peer.start();
    platform = Platform.start(config(), Clock.systemUTC());
    http = Http.admin(platform);
  }

  private TributaryConfig config() {
    return TributaryConfig.fromYaml(
        TestConfigs.yaml(
                dir,
                0,
                """
              - name: events
                partitions: 1
                buffer: { interval: 1s }
              - name: signals
                partitions: 1
                buffer: { interval: 1s }
              - name: pins
                partitions: 1
                buffer: { interval: 0s }
              - name: counted
                partitions: 1
                buffer: { interval: 0s }
            """)
            + "egress: { allowed-hosts: [\"127.0.0.1:"
            + peer.getAddress().getPort()
            + "\"] }\n",
        "test");
  }

  @AfterAll
  void stop() {
    gate.countDown();
    if (platform != null) {
      platform.close();
    }
    peer.stop(0);
  }

  private String peerUrl(String path) {
    return "http://127.0.0.1:" + peer.getAddress().getPort() + path;
  }

  private JsonNode awaitRunEnd(String flow, String runId) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              String state =
                  http.get("/v1/flows/" + flow + "/runs/" + runId).body().path("state").asText();
              return state.equals("success") || state.equals("failed");
            });
    return http.get("/v1/flows/" + flow + "/runs/" + runId).body();
  }

  private static String json(Map<String, Object> body) {
    try {
      return Http.JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void sqlFlowWritesOnePartitionPerLogicalDateThroughTheTableWriter() {
    String events =
        "{\"show_id\":\"a\",\"listened_ms\":100,\"listened_at\":\"2024-01-01T10:00:00Z\"}\n"
            + "{\"show_id\":\"a\",\"listened_ms\":200,\"listened_at\":\"2024-01-01T11:00:00Z\"}\n"
            + "{\"show_id\":\"b\",\"listened_ms\":300,\"listened_at\":\"2024-01-01T12:00:00Z\"}\n";
    assertThat(http.ndjson("events", events).status()).isEqualTo(200);
    await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.events") == 3);

    Http.Response created = http.put("/v1/flows/daily_x", DAILY);
    assertThat(created.status()).as(created.raw().body()).isEqualTo(201);

    Http.Response first =
        http.post(
            "/v1/flows/daily_x/runs",
            "application/json",
            json(Map.of("logical-date", "2024-01-01")));
    Http.Response again =
        http.post(
            "/v1/flows/daily_x/runs",
            "application/json",
            json(Map.of("logical-date", "2024-01-01T00:00:00Z")));
    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(200);
    String runId = first.body().path("run-id").asText();
    assertThat(again.body().path("run-id").asText()).isEqualTo(runId).isEqualTo("20240101T000000Z");

    JsonNode run = awaitRunEnd("daily_x", runId);
    assertThat(run.path("state").asText()).as(run.toString()).isEqualTo("success");
    assertThat(run.path("tasks").get(0).path("id").asText()).isEqualTo("stage");
    assertThat(run.path("tasks").get(1).path("state").asText()).isEqualTo("success");
    assertThat(run.path("tasks").get(1).path("tries").asInt()).isEqualTo(1);
    assertThat(run.path("tasks").get(1).path("duration-ms").isNumber()).isTrue();
    assertThat(http.get("/v1/flows/daily_x/runs").body().path("runs")).hasSize(1);
    assertThat(http.count("SELECT count(*) FROM transformed.daily_x")).isEqualTo(2);
    assertThat(
            http.count(
                "SELECT listened_ms FROM transformed.daily_x WHERE show_id = 'a'"
                    + " AND day = DATE '2024-01-01'"))
        .isEqualTo(300);
    Http.Response log = http.get("/v1/flows/daily_x/runs/" + runId + "/tasks/daily/log");
    assertThat(log.status()).isEqualTo(200);
    assertThat(log.raw().body()).contains("Wrote 2 rows to transformed.daily_x");

    // a second date: a second partition, the first one kept as it was
    JsonNode second =
        http.post(
                "/v1/flows/daily_x/runs",
                "application/json",
                json(Map.of("logical-date", "2024-01-02")))
            .body();
    assertThat(awaitRunEnd("daily_x", second.path("run-id").asText()).path("state").asText())
        .isEqualTo("success");
    assertThat(http.count("SELECT count(DISTINCT day) FROM transformed.daily_x")).isEqualTo(2);
    assertThat(http.count("SELECT count(*) FROM transformed.daily_x")).isEqualTo(4);
    assertThat(
            http.count(
                "SELECT count(*) FROM transformed.daily_x WHERE run_id = '20240101T000000Z'"))
        .isEqualTo(2);
    var table = platform.lake().loadTable(TableId.parse("transformed.daily_x")).orElseThrow();
    assertThat(table.spec().fields()).hasSize(1);
    Snapshot current = table.currentSnapshot();
    long stageSnapshot =
        platform
            .lake()
            .loadTable(TableId.parse("transformed.stage_x"))
            .orElseThrow()
            .currentSnapshot()
            .snapshotId();
    assertThat(current.operation()).isEqualTo("overwrite");
    assertThat(current.summary())
        .containsEntry(SqlTaskRunner.FLOW, "daily_x")
        .containsEntry(SqlTaskRunner.RUN_ID, "20240102T000000Z")
        .containsEntry(SqlTaskRunner.TASK, "daily")
        .containsEntry(SqlTaskRunner.TRY, "1")
        .containsEntry(SqlTaskRunner.INPUTS, "transformed.stage_x@" + stageSnapshot);

    JsonNode lineage = http.get("/v1/tables/transformed.daily_x/lineage").body();
    assertThat(lineage.path("table").asText()).isEqualTo("transformed.daily_x");
    assertThat(lineage.path("writes")).hasSize(2);
    JsonNode newest = lineage.path("writes").get(0);
    assertThat(newest.path("snapshot-id").asLong()).isEqualTo(current.snapshotId());
    assertThat(newest.path("flow").asText()).isEqualTo("daily_x");
    assertThat(newest.path("run-id").asText()).isEqualTo("20240102T000000Z");
    assertThat(newest.path("task").asText()).isEqualTo("daily");
    assertThat(newest.path("try").asInt()).isEqualTo(1);
    assertThat(newest.path("inputs").get(0).path("table").asText())
        .isEqualTo("transformed.stage_x");
    assertThat(newest.path("inputs").get(0).path("snapshot-id").asLong()).isEqualTo(stageSnapshot);
    assertThat(lineage.path("writes").get(1).path("run-id").asText()).isEqualTo("20240101T000000Z");
    assertThat(http.get("/v1/tables/transformed.nothing_here/lineage").status()).isEqualTo(404);

    CliRun runs = cli("flow", "runs", "daily_x", "--server", platform.httpUri().toString());
    assertThat(runs.exit()).isZero();
    assertThat(runs.out()).contains("20240102T000000Z").contains("stage=success");
    CliRun list = cli("flows", "--server", platform.httpUri().toString());
    assertThat(list.out()).contains("daily_x").contains("success");
    assertThat(http.get("/metrics").raw().body())
        .contains("tributary_flow_task_duration_seconds_bucket{flow=\"daily_x\"")
        .contains("tributary_flow_task_latency_seconds_bucket{flow=\"daily_x\"")
        .contains("tributary_flow_task_scheduling_delay_seconds_bucket{flow=\"daily_x\"")
        .contains("tributary_flow_runs_total{flow=\"daily_x\",state=\"success\"} 2.0");
  }

  @Test
  void aBackfillOfThirtyDaysWritesThirtyPartitionsOnceAndARerunReplacesItsDay() {
    String flow =
        """
        schedule: "@daily"
        max-active-runs: 3
        tasks:
          - id: days
            type: sql
            sql: SELECT DATE '{{ ds }}' AS day, range AS n, '{{ run_id }}' AS run FROM range(2)
            target: transformed.backfilled
            mode: overwrite-partitions
            partition-by: [day]
        """;
    assertThat(http.put("/v1/flows/backfilled", flow).status()).isEqualTo(201);
    http.post("/v1/flows/backfilled/pause", "application/json", "");
    http.post(
        "/v1/flows/backfilled/runs",
        "application/json",
        json(Map.of("logical-date", "2026-11-05")));

    CliRun cli =
        cli(
            "flow",
            "backfill",
            "backfilled",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--wait",
            "--server",
            platform.httpUri().toString());

    assertThat(cli.exit()).as(cli.out() + cli.err()).isZero();
    assertThat(cli.out())
        .contains("29 runs created, 1 existed already")
        .contains("29 succeeded, 0 failed");
    assertThat(cli.err()).contains("29/29 runs");
    List<String> november = new ArrayList<>();
    http.get("/v1/flows/backfilled/runs?limit=100")
        .body()
        .path("runs")
        .forEach(
            run -> {
              String date = run.path("logical-date").asText();
              if (date.startsWith("2026-11-")) {
                november.add(date);
              }
            });
    assertThat(november)
        .hasSize(30)
        .startsWith("2026-11-30T00:00:00Z")
        .endsWith("2026-11-01T00:00:00Z");
    assertThat(http.count("SELECT count(DISTINCT day) FROM transformed.backfilled")).isEqualTo(30);
    assertThat(http.count("SELECT count(*) FROM transformed.backfilled")).isEqualTo(60);
    assertThat(
            http.count(
                "SELECT count(*) FROM (SELECT day FROM transformed.backfilled"
                    + " GROUP BY day HAVING count(*) <> 2 OR count(DISTINCT run) <> 1)"))
        .isZero();
    var table = platform.lake().loadTable(TableId.parse("transformed.backfilled")).orElseThrow();
    assertThat(table.spec().fields()).hasSize(1);
    JsonNode recorded = http.get("/v1/flows/backfilled/backfills").body().path("backfills");
    assertThat(recorded).hasSize(1);
    assertThat(recorded.get(0).path("from").asText()).isEqualTo("2026-11-01");
    assertThat(recorded.get(0).path("to").asText()).isEqualTo("2026-11-30");
    assertThat(recorded.get(0).path("state").asText()).isEqualTo("success");
    assertThat(recorded.get(0).path("runs").asInt()).isEqualTo(30);
    assertThat(recorded.get(0).path("success").asInt()).isEqualTo(30);

    Http.Response again =
        http.post(
            "/v1/flows/backfilled/backfills",
            "application/json",
            json(Map.of("from", "2026-11-01", "to", "2026-11-30")));
    assertThat(again.status()).isEqualTo(202);
    assertThat(again.body().path("id").asText()).isNotEqualTo(recorded.get(0).path("id").asText());
    assertThat(again.body().path("created")).isEmpty();
    assertThat(again.body().path("existing")).hasSize(30);

    long before = table.currentSnapshot().snapshotId();
    Http.Response rerun =
        http.post("/v1/flows/backfilled/runs/20261110T000000Z/rerun", "application/json", "");
    assertThat(rerun.status()).as(rerun.raw().body()).isEqualTo(202);
    JsonNode rerunEnd = awaitRunEnd("backfilled", "20261110T000000Z");
    assertThat(rerunEnd.path("state").asText()).isEqualTo("success");
    assertThat(rerunEnd.path("tasks").get(0).path("tries").asInt()).isEqualTo(2);
    table.refresh();
    assertThat(table.currentSnapshot().snapshotId()).isNotEqualTo(before);
    assertThat(table.currentSnapshot().summary()).containsEntry(SqlTaskRunner.TRY, "2");
    assertThat(http.count("SELECT count(*) FROM transformed.backfilled")).isEqualTo(60);
    assertThat(
            http.count("SELECT count(*) FROM transformed.backfilled WHERE day = DATE '2026-11-10'"))
        .isEqualTo(2);

    Http.Response bad =
        http.post(
            "/v1/flows/backfilled/backfills",
            "application/json",
            json(Map.of("from", "2026-11-30", "to", "2026-11-01")));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.raw().body()).contains("is before from");
  }

  @Test
  void aMaintainTaskCompactsWhatAnSqlTaskAppended() {
    String flow =
        """
        tasks:
          - id: add
            type: sql
            sql: SELECT range AS n, '{{ ds }}' AS ds FROM range(3)
            target: transformed.maintained
            mode: append
          - { id: tidy, type: maintain, table: transformed.maintained, depends-on: [add] }
        """;
    assertThat(http.put("/v1/flows/tidy", flow).status()).isEqualTo(201);
    String runId =
        http.post("/v1/flows/tidy/runs", "application/json", json(Map.of()))
            .body()
            .path("run-id")
            .asText();

    JsonNode run = awaitRunEnd("tidy", runId);

    assertThat(run.path("state").asText()).as(run.toString()).isEqualTo("success");
    assertThat(http.count("SELECT count(*) FROM transformed.maintained")).isEqualTo(3);
    assertThat(http.get("/v1/flows/tidy/runs/" + runId + "/tasks/tidy/log").raw().body())
        .contains("Maintaining transformed.maintained")
        .contains("Done: ");
  }

  @Test
  void aManualRunOnTheDateOfAScheduledRunIsThatRun() {
    String flow =
        "schedule: \"@daily\"\ntasks:\n  - { id: a, type: http, url: \""
            + peerUrl("/ok")
            + "\" }\n";
    assertThat(http.put("/v1/flows/nightly", flow).status()).isEqualTo(201);
    String yesterday = java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1).toString();
    await()
        .atMost(WAIT)
        .until(() -> http.get("/v1/flows/nightly/runs").body().path("runs").size() == 1);

    Http.Response manual =
        http.post(
            "/v1/flows/nightly/runs", "application/json", json(Map.of("logical-date", yesterday)));

    assertThat(manual.status()).isEqualTo(200);
    JsonNode runs = http.get("/v1/flows/nightly/runs").body().path("runs");
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).path("run-id").asText())
        .isEqualTo(manual.body().path("run-id").asText());
    assertThat(runs.get(0).path("run-type").asText()).isEqualTo("scheduled");
    assertThat(runs.get(0).path("logical-date").asText()).isEqualTo(yesterday + "T00:00:00Z");
    Http.Response paused = http.post("/v1/flows/nightly/pause", "application/json", "");
    assertThat(paused.status()).isEqualTo(200);
    assertThat(http.get("/v1/flows/nightly").body().path("paused").asBoolean()).isTrue();
    assertThat(
            http.post("/v1/flows/nightly/unpause", "application/json", "")
                .body()
                .path("paused")
                .asBoolean())
        .isFalse();
    assertThat(http.delete("/v1/flows/nightly").status()).isEqualTo(204);
  }

  @Test
  void newDataInATableTriggersARun() {
    String flow =
        "triggers:\n  - table: raw.signals\ntasks:\n  - { id: a, type: http, url: \""
            + peerUrl("/ok")
            + "\" }\n";
    assertThat(http.put("/v1/flows/on_events", flow).status()).isEqualTo(201);

    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              http.ndjson("signals", "{\"n\":1}\n");
              return http.get("/v1/flows/on_events/runs").body().path("runs").size() > 0;
            });

    JsonNode run = http.get("/v1/flows/on_events/runs").body().path("runs").get(0);
    assertThat(run.path("run-type").asText()).isEqualTo("triggered");
    assertThat(http.delete("/v1/flows/on_events").status()).isEqualTo(204);
  }

  @Test
  void aTriggerWithMinRowsWaitsForThatManyNewRows() {
    String flow =
        "triggers:\n  - { table: raw.counted, min-rows: 5 }\ntasks:\n"
            + "  - { id: a, type: http, url: \""
            + peerUrl("/ok")
            + "\" }\n";
    assertThat(http.put("/v1/flows/on_five", flow).status()).isEqualTo(201);

    // one row per commit: a trigger without minimum would fire after the first
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              http.ndjson("counted", "{\"n\":1}\n");
              return http.get("/v1/flows/on_five/runs").body().path("runs").size() > 0;
            });

    assertThat(http.count("SELECT count(*) FROM raw.counted")).isGreaterThanOrEqualTo(5);
    assertThat(http.get("/v1/flows/on_five").body().path("triggers").get(0).asText())
        .isEqualTo("raw.counted (min-rows 5)");
    assertThat(http.delete("/v1/flows/on_five").status()).isEqualTo(204);
  }

  @Test
  void brokenDefinitionsAreRefusedWithTheirLineAndThePreviousVersionStays() {
    assertThat(
            http.put(
                    "/v1/flows/keep",
                    "tasks:\n  - { id: a, type: http, url: \"" + peerUrl("/flaky") + "\" }\n")
                .status())
        .isEqualTo(201);

    Http.Response badSql =
        http.put(
            "/v1/flows/keep",
            "tasks:\n  - id: a\n    type: sql\n    target: transformed.x\n    sql: SELEC 1\n");
    Http.Response cycle =
        http.put(
            "/v1/flows/keep",
            "tasks:\n  - { id: a, type: http, url: \"http://h/\", depends-on: [a] }\n");

    assertThat(badSql.status()).isEqualTo(400);
    assertThat(badSql.body().path("error").path("code").asText()).isEqualTo("invalid_flow");
    assertThat(badSql.body().path("error").path("message").asText())
        .startsWith("Invalid flow PUT /v1/flows/keep, line 5, tasks[0].sql: task 'a': ")
        .contains("syntax error");
    assertThat(cycle.status()).isEqualTo(400);
    assertThat(cycle.body().path("error").path("message").asText()).contains("cycle: a -> a");
    assertThat(http.get("/v1/flows/keep").body().path("tasks").get(0).path("type").asText())
        .isEqualTo("http");
    assertThat(http.delete("/v1/flows/keep").status()).isEqualTo(204);
    assertThat(http.get("/v1/flows/keep").status()).isEqualTo(404);
  }

  @Test
  void triggerRulesRunCleanupAfterAFailure() {
    String ok = peerUrl("/ok");
    String flow =
        "tasks:\n"
            + "  - { id: extract, type: http, url: \""
            + ok
            + "\" }\n"
            + "  - { id: load, type: http, url: \""
            + peerUrl("/missing")
            + "\", depends-on: [extract], retries: 3 }\n"
            + "  - { id: publish, type: http, url: \""
            + ok
            + "\", depends-on: [load] }\n"
            + "  - { id: cleanup, type: http, url: \""
            + ok
            + "\", depends-on: [load], trigger-rule: all_failed }\n"
            + "  - { id: report, type: http, url: \""
            + ok
            + "\", depends-on: [publish, cleanup], trigger-rule: all_done }\n"
            + "  - { id: celebrate, type: http, url: \""
            + ok
            + "\", depends-on: [publish], trigger-rule: none_failed }\n";
    assertThat(http.put("/v1/flows/rules", flow).status()).isEqualTo(201);
    String runId =
        http.post("/v1/flows/rules/runs", "application/json", "").body().path("run-id").asText();

    JsonNode run = awaitRunEnd("rules", runId);

    assertThat(run.path("state").asText()).isEqualTo("failed");
    Map<String, String> states = new java.util.LinkedHashMap<>();
    run.path("tasks").forEach(t -> states.put(t.path("id").asText(), t.path("state").asText()));
    assertThat(states)
        .containsExactly(
            Map.entry("extract", "success"),
            Map.entry("load", "failed"),
            Map.entry("publish", "upstream_failed"),
            Map.entry("cleanup", "success"),
            Map.entry("report", "success"),
            Map.entry("celebrate", "upstream_failed"));
    assertThat(run.path("tasks").get(1).path("tries").asInt()).isEqualTo(1); // 404: no retry
    assertThat(run.path("tasks").get(1).path("error").asText()).contains("answered HTTP 404");
  }

  @Test
  void anHttpTaskIsRetriedWithBackOffOnServerErrors() {
    String flow =
        "tasks:\n  - id: ping\n    type: http\n    url: "
            + peerUrl("/flaky")
            + "?ds={{ ds }}\n    retries: { attempts: 3, delay: 200ms, max-delay: 1s }\n";
    assertThat(http.put("/v1/flows/ping", flow).status()).isEqualTo(201);

    CliRun run =
        cli(
            "flow",
            "run",
            "ping",
            "--date",
            "2024-03-01",
            "--wait",
            "--server",
            platform.httpUri().toString());

    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    JsonNode ended = http.get("/v1/flows/ping/runs/20240301T000000Z").body();
    JsonNode task = ended.path("tasks").get(0);
    assertThat(task.path("state").asText()).isEqualTo("success");
    assertThat(task.path("tries").asInt()).isEqualTo(3);
    String firstTry =
        http.get("/v1/flows/ping/runs/20240301T000000Z/tasks/ping/log?try=1").raw().body();
    assertThat(firstTry)
        .contains("GET " + peerUrl("/flaky") + "?ds=2024-03-01")
        .contains("HTTP 500")
        .containsPattern("retrying in \\d+ ms");
  }

  @Test
  void aRestartRecoversTheRunningRunAndStartsTheQueuedOne() {
    String flow =
        "max-active-runs: 1\ntasks:\n  - id: wait\n    type: http\n    url: "
            + peerUrl("/block")
            + "\n    retries: { attempts: 2, delay: 100ms }\n";
    assertThat(http.put("/v1/flows/restart", flow).status()).isEqualTo(201);
    String body = json(Map.of("logical-date", "2024-05-01"));
    http.post("/v1/flows/restart/runs", "application/json", body);
    http.post(
        "/v1/flows/restart/runs", "application/json", json(Map.of("logical-date", "2024-05-02")));
    await()
        .atMost(WAIT)
        .until(
            () ->
                http.get("/v1/flows/restart/runs/20240501T000000Z")
                    .body()
                    .path("tasks")
                    .get(0)
                    .path("state")
                    .asText()
                    .equals("running"));
    assertThat(http.get("/v1/flows/restart/runs/20240502T000000Z").body().path("state").asText())
        .isEqualTo("queued");

    platform.close();
    gate.countDown();
    platform = Platform.start(config(), Clock.systemUTC());
    http = Http.admin(platform);

    JsonNode first = awaitRunEnd("restart", "20240501T000000Z");
    JsonNode second = awaitRunEnd("restart", "20240502T000000Z");
    assertThat(first.path("state").asText()).isEqualTo("success");
    assertThat(first.path("tasks").get(0).path("tries").asInt()).isEqualTo(2);
    assertThat(second.path("state").asText()).isEqualTo("success");
    assertThat(second.path("tasks").get(0).path("tries").asInt()).isEqualTo(1);
  }

  private CliRun cli(String... args) {
    return CliRun.platform(platform.config().dataDir(), args);
  }

  /** A java task: greets whom its options name, as an output of the try. */
  public static final class Greeter implements FlowTask {
    @Override
    public void run(Context context) {
      context.output("greeting", "hello " + context.params().get("who"));
    }
  }

  @Test
  void aJavaTaskRunsItsClassAndASparkTaskWithoutSparkFailsNamingWhatIsMissing() {
    String flow =
        "tasks:\n"
            + "  - { id: greet, type: java, class: "
            + Greeter.class.getName()
            + ", options: { who: \"day {{ ds }}\" } }\n"
            + "  - { id: big, type: spark, depends-on: greet, sql: SELECT 1 AS x,"
            + " target: transformed.big }\n";
    assertThat(http.put("/v1/flows/plugged", flow).status()).isEqualTo(201);

    String runId =
        http.post("/v1/flows/plugged/runs", "application/json", "{\"logical-date\":\"2024-03-01\"}")
            .body()
            .path("run-id")
            .asText();
    JsonNode run = awaitRunEnd("plugged", runId);

    assertThat(run.path("tasks").get(0).path("state").asText()).isEqualTo("success");
    assertThat(http.get("/v1/flows/plugged/runs/" + runId + "/tasks/greet/log").raw().body())
        .contains("Output greeting = hello day 2024-03-01");
    assertThat(run.path("tasks").get(1).path("state").asText()).isEqualTo("failed");
    assertThat(run.path("tasks").get(1).path("error").asText())
        .startsWith("Spark is not installed: missing Apache Spark 4.1");
    assertThat(run.path("tasks").get(1).path("tries").asInt()).isEqualTo(1);
    assertThat(http.delete("/v1/flows/plugged").status()).isEqualTo(204);
  }

  @Test
  void unknownTablesAreRefusedWhenAFlowIsLoaded() {
    Http.Response trigger =
        http.put(
            "/v1/flows/unknown",
            "triggers:\n  - table: raw.nope\ntasks:\n  - { id: a, type: http, url: \"http://h/\" }\n");
    Http.Response sql =
        http.put(
            "/v1/flows/unknown",
            "tasks:\n  - id: a\n    type: sql\n    target: transformed.x\n"
                + "    sql: SELECT * FROM raw.nope\n");
    Http.Response column =
        http.put(
            "/v1/flows/unknown",
            "tasks:\n  - id: a\n    type: sql\n    target: transformed.x\n"
                + "    sql: SELECT no_such_column FROM raw.signals\n");

    assertThat(trigger.status()).isEqualTo(400);
    assertThat(trigger.body().path("error").path("message").asText())
        .isEqualTo(
            "Invalid flow PUT /v1/flows/unknown, line 2, triggers[0].table: unknown table raw.nope");
    assertThat(sql.status()).isEqualTo(400);
    assertThat(sql.body().path("error").path("message").asText())
        .startsWith("Invalid flow PUT /v1/flows/unknown, line 5, tasks[0].sql: task 'a': ")
        .contains("nope")
        .contains("does not exist");
    assertThat(column.status()).isEqualTo(400);
    assertThat(column.body().path("error").path("message").asText()).contains("no_such_column");
    assertThat(http.get("/v1/flows/unknown").status()).isEqualTo(404);
  }

  @Test
  void aTaskReRunsAgainstItsRecordedInputSnapshots() {
    http.ndjson("pins", "{\"show_id\":\"p\",\"listened_ms\":1}\n");
    await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.pins") == 1);
    String flow =
        "tasks:\n  - id: total\n    type: sql\n    target: transformed.pinned\n    mode: replace\n"
            + "    sql: SELECT count(*) AS n, '{{ ds }}' AS ds FROM raw.pins\n";
    assertThat(http.put("/v1/flows/pinned", flow).status()).isEqualTo(201);
    String runId =
        http.post("/v1/flows/pinned/runs", "application/json", "{\"logical-date\":\"2024-04-01\"}")
            .body()
            .path("run-id")
            .asText();
    assertThat(awaitRunEnd("pinned", runId).path("state").asText()).isEqualTo("success");
    assertThat(http.count("SELECT n FROM transformed.pinned")).isEqualTo(1);

    http.ndjson("pins", "{\"show_id\":\"p\",\"listened_ms\":2}\n{\"show_id\":\"p\"}\n");
    await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.pins") == 3);
    String rerun = "/v1/flows/pinned/runs/" + runId + "/tasks/total/rerun";
    Http.Response pinned = http.post(rerun, "application/json", "{\"pin-inputs\": true}");

    assertThat(pinned.status()).as(pinned.raw().body()).isEqualTo(200);
    assertThat(pinned.body().path("pinned-inputs").has("raw.pins")).isTrue();
    assertThat(http.count("SELECT n FROM transformed.pinned")).isEqualTo(1);
    assertThat(http.count("SELECT count(*) FROM transformed.pinned WHERE ds = '2024-04-01'"))
        .isEqualTo(1);
    JsonNode newest =
        http.get("/v1/tables/transformed.pinned/lineage").body().path("writes").get(0);
    assertThat(newest.path("try").asInt()).as("a re-run outside the run's tries").isZero();
    assertThat(newest.path("inputs").get(0).path("snapshot-id").asLong())
        .isEqualTo(pinned.body().path("pinned-inputs").path("raw.pins").asLong());

    Http.Response current = http.post(rerun, "application/json", "{\"pin-inputs\": false}");
    assertThat(current.status()).isEqualTo(200);
    assertThat(http.count("SELECT n FROM transformed.pinned")).isEqualTo(3);
    assertThat(http.post(rerun, "application/json", "{\"pin-inputs\": 1}").status()).isEqualTo(400);
    assertThat(
            http.post(
                    "/v1/flows/pinned/runs/" + runId + "/tasks/nope/rerun",
                    "application/json",
                    "{}")
                .status())
        .isEqualTo(404);
    assertThat(http.delete("/v1/flows/pinned").status()).isEqualTo(204);
  }
}
