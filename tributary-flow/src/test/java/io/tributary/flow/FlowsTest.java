package io.tributary.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The flow engine on a real SQLite metadata database, with a fake task runner. */
class FlowsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private final FakeRunner runner = new FakeRunner();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private Flows flows;

  private Supplier<Connection> db() {
    return () -> {
      Properties properties = new Properties();
      properties.put("busy_timeout", "10000");
      properties.put("journal_mode", "WAL");
      try {
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("meta.db"), properties);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    };
  }

  private Flows open(FakeRunner fake) {
    return new Flows(
        db(),
        new FlowParser(sql -> {}),
        Map.of("http", fake),
        TableCommits.none(),
        new Flows.Settings(dir.resolve("flows"), Duration.ofMillis(50), 4),
        meters,
        Clock.systemUTC(),
        new Random(7));
  }

  @AfterEach
  void close() {
    runner.release();
    if (flows != null) {
      flows.close();
    }
  }

  private static String task(String id, String path, String extra) {
    return "  - { id: " + id + ", type: http, url: \"http://fake" + path + "\"" + extra + " }\n";
  }

  private FlowRun awaitEnd(String flow, String runId) {
    await().atMost(WAIT).until(() -> flows.run(flow, runId).orElseThrow().state().isFinished());
    return flows.run(flow, runId).orElseThrow();
  }

  private static Map<String, TaskRun> byId(FlowRun run) {
    java.util.Map<String, TaskRun> tasks = new java.util.HashMap<>();
    run.tasks().forEach(t -> tasks.put(t.taskId(), t));
    return tasks;
  }

  @Test
  void flowFilesAreLoadedAndReloadedAndABrokenOneKeepsThePreviousVersion() throws Exception {
    java.nio.file.Files.createDirectories(dir.resolve("flows"));
    java.nio.file.Files.writeString(
        dir.resolve("flows/hourly.yaml"),
        "name: hourly\nschedule: \"@hourly\"\ntasks:\n" + task("a", "/ok", ""));
    flows = open(runner);
    assertThat(flows.get("hourly").orElseThrow().schedule().orElseThrow().text())
        .isEqualTo("@hourly");
    flows.close();

    java.nio.file.Files.writeString(
        dir.resolve("flows/hourly.yaml"),
        "name: hourly\nschedule: \"@hourly\"\ntasks:\n" + task("a", "/ok", ", depends-on: [b]"));
    flows = open(runner);

    FlowSpec kept = flows.get("hourly").orElseThrow();
    assertThat(kept.tasks().get(0).dependsOn()).isEmpty();
    assertThat(flows.list()).extracting(FlowSpec::name).containsExactly("hourly");

    // the folder is watched: a fixed file replaces the flow while the platform runs
    java.nio.file.Files.writeString(
        dir.resolve("flows/hourly.yaml"),
        "name: hourly\nschedule: \"@daily\"\ntasks:\n" + task("a", "/ok", ""));
    await()
        .atMost(WAIT)
        .until(
            () ->
                flows.get("hourly").orElseThrow().schedule().orElseThrow().text().equals("@daily"));
  }

  @Test
  void dependentTasksRunInOrderAndStartAsSoonAsTheirUpstreamEnds() {
    flows = open(runner);
    flows.put(
        "chain",
        "tasks:\n"
            + task("a", "/ok", "")
            + task("b", "/ok", ", depends-on: [a]")
            + task("c", "/ok", ", depends-on: [b]"));

    FlowRun run = flows.runNow("chain", Optional.of("2024-01-01")).run();
    FlowRun ended = awaitEnd("chain", run.runId());

    assertThat(ended.state()).isEqualTo(RunState.SUCCESS);
    assertThat(runner.started).containsExactly("a", "b", "c");
    long gap =
        runner.startedAtNanos.get(run.runId() + "/b") - runner.endedAtNanos.get(run.runId() + "/a");
    assertThat(Duration.ofNanos(gap)).isLessThan(Duration.ofSeconds(1));
    assertThat(run.logicalDate()).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
    assertThat(run.runId()).isEqualTo("20240101T000000Z");
    assertThat(meters.get("tributary.flow.task.latency").timer().count()).isEqualTo(2);
    assertThat(
            meters
                .get("tributary.flow.task.latency")
                .timer()
                .max(java.util.concurrent.TimeUnit.SECONDS))
        .isLessThan(1);
    assertThat(meters.get("tributary.flow.task.duration").tag("outcome", "success").timer().count())
        .isEqualTo(3);
    assertThat(meters.get("tributary.flow.task.scheduling.delay").timer().count()).isEqualTo(3);
    assertThat(
            meters
                .get("tributary.flow.task.scheduling.delay")
                .timer()
                .max(java.util.concurrent.TimeUnit.SECONDS))
        .isLessThan(1);
    assertThat(meters.get("tributary.flow.runs").tag("state", "success").counter().count())
        .isEqualTo(1);
    // each try was claimed by the scheduler's pick of its execution, no commit of its own
    assertThat(claimedAtPick("chain")).isEqualTo(3);
  }

  private long claimedAtPick(String flow) {
    try (Connection connection = db().get();
        var count =
            connection.prepareStatement(
                "SELECT COUNT(*) FROM flow_task_runs WHERE flow = ?"
                    + " AND claim_version IS NOT NULL")) {
      count.setString(1, flow);
      try (var rows = count.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void triggerRulesDecideWhatRunsAfterAFailure() {
    flows = open(runner);
    flows.put(
        "rules",
        "tasks:\n"
            + task("ok", "/ok", "")
            + task("broken", "/fail", "")
            + task("after_broken", "/ok", ", depends-on: [broken]")
            + task("cleanup", "/ok", ", depends-on: [broken], trigger-rule: all_failed")
            + task("report", "/ok", ", depends-on: [ok, broken], trigger-rule: all_done")
            + task("any", "/ok", ", depends-on: [ok, broken], trigger-rule: one_success")
            + task("alert", "/ok", ", depends-on: [ok, broken], trigger-rule: one_failed")
            + task("fine", "/ok", ", depends-on: [ok], trigger-rule: none_failed")
            + task("unneeded", "/ok", ", depends-on: [ok], trigger-rule: one_failed")
            + task("after_skip", "/ok", ", depends-on: [unneeded]")
            + task("tidy", "/ok", ", depends-on: [after_broken], trigger-rule: always"));

    FlowRun ended = awaitEnd("rules", flows.runNow("rules", Optional.empty()).run().runId());

    Map<String, TaskRun> tasks = byId(ended);
    assertThat(ended.state()).isEqualTo(RunState.FAILED);
    assertThat(tasks.get("ok").state()).isEqualTo(TaskState.SUCCESS);
    assertThat(tasks.get("broken").state()).isEqualTo(TaskState.FAILED);
    assertThat(tasks.get("after_broken").state()).isEqualTo(TaskState.UPSTREAM_FAILED);
    assertThat(tasks.get("cleanup").state()).isEqualTo(TaskState.SUCCESS);
    assertThat(tasks.get("report").state()).isEqualTo(TaskState.SUCCESS);
    assertThat(tasks.get("any").state()).isEqualTo(TaskState.SUCCESS);
    assertThat(tasks.get("alert").state()).isEqualTo(TaskState.SUCCESS);
    assertThat(tasks.get("fine").state()).isEqualTo(TaskState.SUCCESS);
    assertThat(tasks.get("unneeded").state()).isEqualTo(TaskState.SKIPPED);
    assertThat(tasks.get("after_skip").state()).isEqualTo(TaskState.SKIPPED);
    assertThat(tasks.get("tidy").state()).isEqualTo(TaskState.SUCCESS);
    assertThat(tasks.get("after_broken").tries()).isZero();
  }

  @Test
  void retriesWithBackOffUntilATrySucceeds() {
    flows = open(runner);
    flows.put(
        "flaky",
        "tasks:\n"
            + task("a", "/flaky/2", ", retries: { attempts: 3, delay: 100ms, max-delay: 1s }")
            + task("b", "/bad", ", retries: 5"));

    FlowRun ended = awaitEnd("flaky", flows.runNow("flaky", Optional.empty()).run().runId());

    Map<String, TaskRun> tasks = byId(ended);
    assertThat(tasks.get("a").state()).isEqualTo(TaskState.SUCCESS);
    assertThat(tasks.get("a").tries()).isEqualTo(3);
    assertThat(flows.log("flaky", ended.runId(), "a", Optional.of(1)).orElseThrow())
        .contains("try 1 of 3")
        .containsPattern("Failed: flaky try 1; retrying in \\d+ ms");
    assertThat(flows.log("flaky", ended.runId(), "a", Optional.empty()).orElseThrow())
        .contains("try 3 of 3")
        .contains("Succeeded");
    assertThat(tasks.get("b").state()).isEqualTo(TaskState.FAILED);
    assertThat(tasks.get("b").tries()).isEqualTo(1); // not retriable
    assertThat(tasks.get("b").error()).contains("bad request");
  }

  @Test
  void aTryPastItsTimeoutFails() {
    flows = open(runner);
    flows.put("slow", "tasks:\n" + task("a", "/block", ", timeout: 200ms"));

    FlowRun ended = awaitEnd("slow", flows.runNow("slow", Optional.empty()).run().runId());

    assertThat(ended.state()).isEqualTo(RunState.FAILED);
    assertThat(ended.tasks().get(0).error()).contains("Timed out after 200 ms");
  }

  @Test
  void aManualRunOnTheDateOfAScheduledOneIsThatRun() {
    flows = open(runner);
    flows.put("daily", "schedule: \"@daily\"\ntasks:\n" + task("a", "/ok", ""));
    Instant due = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1));
    await().atMost(WAIT).until(() -> !flows.runs("daily", 10).isEmpty());

    var manual = flows.runNow("daily", Optional.of(due.toString()));

    assertThat(manual.created()).isFalse();
    List<FlowRun> runs = flows.runs("daily", 10);
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).logicalDate()).isEqualTo(due);
    assertThat(runs.get(0).runType()).isEqualTo("scheduled");
    assertThat(runs.get(0).intervalEnd()).isEqualTo(due.plus(Duration.ofDays(1)));
    assertThat(meters.get("tributary.flow.scheduling.delay").timer().count()).isEqualTo(1);
  }

  @Test
  void aBackfillCreatesTheMissingRunsOfItsRangeAndRunsThemUnderMaxActiveRuns() {
    flows = open(runner);
    flows.put(
        "days", "schedule: \"@daily\"\nmax-active-runs: 2\ntasks:\n" + task("a", "/block", ""));
    flows.setPaused("days", true);
    flows.runNow("days", Optional.of("2026-11-03"));

    Flows.Backfill backfill = flows.backfill("days", "2026-11-01", "2026-11-05");

    assertThat(backfill.created())
        .containsExactly(
            "20261101T000000Z", "20261102T000000Z", "20261104T000000Z", "20261105T000000Z");
    assertThat(backfill.existing()).containsExactly("20261103T000000Z");
    List<FlowRun> runs = flows.runs("days", 100);
    assertThat(runs).hasSize(5);
    assertThat(runs.stream().filter(r -> r.state() == RunState.RUNNING)).hasSize(2);
    assertThat(runs.stream().filter(r -> r.state() == RunState.QUEUED)).hasSize(3);
    assertThat(runs.get(0).runType()).isEqualTo("backfill");

    runner.release();
    for (FlowRun run : runs) {
      assertThat(awaitEnd("days", run.runId()).state()).isEqualTo(RunState.SUCCESS);
    }
    assertThat(flows.backfill("days", "2026-11-01", "2026-11-05").created()).isEmpty();

    FlowRun rerun = flows.rerun("days", "20261102T000000Z");
    assertThat(rerun.runId()).isEqualTo("20261102T000000Z"); // queued, and maybe already done
    FlowRun ended = awaitEnd("days", "20261102T000000Z");
    assertThat(ended.state()).isEqualTo(RunState.SUCCESS);
    assertThat(ended.tasks().get(0).tries()).isEqualTo(2);
  }

  @Test
  void aBackfillNeedsAScheduleAndAnOrderedRange() {
    flows = open(runner);
    flows.put("manual", "tasks:\n" + task("a", "/ok", ""));
    flows.put("days", "schedule: \"@daily\"\ntasks:\n" + task("a", "/ok", ""));

    assertThatThrownBy(() -> flows.backfill("manual", "2026-11-01", "2026-11-02"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Flow manual has no schedule");
    assertThatThrownBy(() -> flows.backfill("days", "2026-11-02", "2026-11-01"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("to '2026-11-01' is before from '2026-11-02'");
    assertThatThrownBy(() -> flows.backfill("days", "2026-13-01", "2026-11-01"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'2026-13-01'");
    assertThatThrownBy(() -> flows.backfill("days", "2000-01-01", "2099-01-01"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("more than 10000 runs");
    assertThatThrownBy(() -> flows.backfill("nope", "2026-11-01", "2026-11-02"))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void catchupCreatesOneRunPerMissedIntervalAndOtherwiseOnlyTheLatest() {
    flows = open(runner);
    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(330));
    String tasks = "tasks:\n" + task("a", "/ok", "");
    flows.put(
        "caught_up",
        "schedule: every 1h\nstart-date: "
            + start
            + "\ncatchup: true\nmax-active-runs: 5\n"
            + tasks);
    flows.put("latest_only", "schedule: every 1h\nstart-date: " + start + "\n" + tasks);

    await().atMost(WAIT).until(() -> flows.runs("caught_up", 100).size() == 5);
    await().atMost(WAIT).until(() -> flows.runs("latest_only", 100).size() == 1);

    assertThat(flows.runs("caught_up", 100))
        .extracting(FlowRun::logicalDate)
        .containsExactly(
            start.plus(Duration.ofHours(4)),
            start.plus(Duration.ofHours(3)),
            start.plus(Duration.ofHours(2)),
            start.plus(Duration.ofHours(1)),
            start);
    assertThat(flows.runs("latest_only", 100).get(0).logicalDate())
        .isEqualTo(start.plus(Duration.ofHours(4)));
    await()
        .atMost(WAIT)
        .until(
            () ->
                flows.runs("caught_up", 100).stream()
                    .allMatch(run -> run.state() == RunState.SUCCESS));
  }

  @Test
  void aPausedFlowGetsNoScheduledRunsUntilUnpausedAndStaysPausedAfterARestart() {
    flows = open(runner);
    flows.put("quiet", "schedule: \"@hourly\"\ntasks:\n" + task("a", "/ok", ""));
    flows.setPaused("quiet", true);
    flows.close();
    flows = open(runner);
    flows.put("marker", "schedule: \"@hourly\"\ntasks:\n" + task("a", "/ok", ""));
    await().atMost(WAIT).until(() -> !flows.runs("marker", 10).isEmpty());

    assertThat(flows.isPaused("quiet")).isTrue();
    assertThat(flows.runs("quiet", 10)).isEmpty(); // the marker flow was scheduled in the same tick

    flows.setPaused("quiet", false);
    await().atMost(WAIT).until(() -> flows.runs("quiet", 10).size() == 1);
  }

  @Test
  void aRestartRetriesTheTryThatWasRunningAndStartsQueuedRuns() throws SQLException {
    flows = open(runner);
    flows.put("one_at_a_time", "tasks:\n" + task("a", "/block", ", retries: 2"));
    String first = flows.runNow("one_at_a_time", Optional.of("2024-01-01")).run().runId();
    String second = flows.runNow("one_at_a_time", Optional.of("2024-01-02")).run().runId();
    await().atMost(WAIT).until(() -> runner.started.size() == 1);
    assertThat(flows.run("one_at_a_time", second).orElseThrow().state()).isEqualTo(RunState.QUEUED);
    assertThat(flows.runningTries()).containsExactly("one_at_a_time/" + first + "/a");
    flows.close();
    // what a killed process leaves behind: the try still marked running
    try (Connection connection = db().get();
        Statement statement = connection.createStatement()) {
      statement.executeUpdate(
          "UPDATE flow_task_runs SET state = 'running', tries = 1, next_try_ms = NULL"
              + " WHERE run_id = '"
              + first
              + "'");
    }

    FakeRunner restarted = new FakeRunner();
    restarted.release();
    flows = open(restarted);

    FlowRun recovered = awaitEnd("one_at_a_time", first);
    assertThat(recovered.state()).isEqualTo(RunState.SUCCESS);
    assertThat(recovered.tasks().get(0).tries()).isEqualTo(2);
    assertThat(flows.log("one_at_a_time", first, "a", Optional.of(1)).orElseThrow())
        .contains("The platform stopped during try 1");
    assertThat(awaitEnd("one_at_a_time", second).state()).isEqualTo(RunState.SUCCESS);
    assertThat(restarted.mostAtOnce.get()).isEqualTo(1);
  }

  @Test
  void aBackfillIsRecordedAndResumedAfterARestartUnderMaxActiveRuns() throws SQLException {
    flows = open(runner);
    flows.put(
        "days",
        "schedule: \"@daily\"\nmax-active-runs: 2\ntasks:\n" + task("a", "/block", ", retries: 2"));
    flows.setPaused("days", true);
    Flows.Backfill backfill = flows.backfill("days", "2026-11-01", "2026-11-06");
    await().atMost(WAIT).until(() -> runner.started.size() == 2);

    FlowBackfill listed = flows.backfills("days", 10).get(0);
    assertThat(listed.id()).isEqualTo(backfill.id());
    assertThat(listed.state()).isEqualTo(BackfillState.RUNNING);
    assertThat(listed.from()).isEqualTo("2026-11-01");
    assertThat(listed.to()).isEqualTo("2026-11-06");
    assertThat(listed.runs()).isEqualTo(6);
    assertThat(listed.running()).isEqualTo(2);
    assertThat(listed.queued()).isEqualTo(4);
    assertThat(listed.ended()).isZero();
    flows.close();
    // what a process killed while it created the backfill's runs leaves behind: two runs missing
    try (Connection connection = db().get();
        Statement statement = connection.createStatement()) {
      statement.executeUpdate("UPDATE flow_backfills SET state = 'creating'");
      String missing = " WHERE run_id IN ('20261105T000000Z', '20261106T000000Z')";
      statement.executeUpdate("DELETE FROM flow_task_runs" + missing);
      statement.executeUpdate("DELETE FROM flow_runs" + missing);
    }

    FakeRunner restarted = new FakeRunner();
    restarted.release();
    flows = open(restarted);

    await()
        .atMost(WAIT)
        .until(() -> flows.backfills("days", 10).get(0).state() == BackfillState.SUCCESS);
    FlowBackfill done = flows.backfills("days", 10).get(0);
    assertThat(done.success()).isEqualTo(6);
    assertThat(done.ended()).isEqualTo(6);
    assertThat(flows.runs("days", 100))
        .hasSize(6)
        .allSatisfy(run -> assertThat(run.state()).isEqualTo(RunState.SUCCESS));
    assertThat(restarted.mostOfAllAtOnce.get()).as("max-active-runs").isLessThanOrEqualTo(2);
    assertThat(flows.backfill("days", "2026-11-02", "2026-11-03").existing()).hasSize(2);
    assertThat(flows.backfills("days", 10)).hasSize(2);
  }

  @Test
  void aPoolRunsNoMoreTriesAtOnceThanItsSlotsAndTheOthersWaitQueued() {
    flows = open(runner);
    StringBuilder tasks = new StringBuilder("pools: { narrow: 2 }\ntasks:\n");
    for (int i = 0; i < 6; i++) {
      tasks.append(task("t" + i, "/block", ", pool: narrow"));
    }
    flows.put("pooled", tasks.toString());

    String runId = flows.runNow("pooled", Optional.empty()).run().runId();
    await().atMost(WAIT).until(() -> runner.started.size() == 2);

    Map<String, TaskRun> waiting = byId(flows.run("pooled", runId).orElseThrow());
    assertThat(waiting.values().stream().filter(t -> t.state() == TaskState.RUNNING)).hasSize(2);
    assertThat(waiting.values().stream().filter(t -> t.state() == TaskState.QUEUED)).hasSize(4);
    runner.release();
    FlowRun ended = awaitEnd("pooled", runId);
    assertThat(ended.state()).isEqualTo(RunState.SUCCESS);
    assertThat(runner.started).hasSize(6);
    assertThat(runner.mostOfAllAtOnce.get()).isEqualTo(2);
    assertThat(claimedAtPick("pooled")).isPositive(); // the first two, at least
  }

  @Test
  void aTaskInAnUndeclaredPoolIsRefused() {
    flows = open(runner);

    assertThatThrownBy(() -> flows.put("nowhere", "tasks:\n" + task("a", "/ok", ", pool: missing")))
        .isInstanceOf(FlowDefinitionException.class)
        .hasMessageContaining("task 'a' uses unknown pool 'missing'");
    assertThat(flows.get("nowhere")).isEmpty();
  }
}
