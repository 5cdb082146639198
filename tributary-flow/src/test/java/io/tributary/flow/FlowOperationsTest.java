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
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mark failed and clear (a run's or one task's), on a real SQLite metadata database. */
class FlowOperationsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private final FakeRunner runner = new FakeRunner();
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

  private Flows open() {
    return new Flows(
        db(),
        new FlowParser(sql -> {}),
        Map.of("http", runner),
        TableCommits.none(),
        new Flows.Settings(dir.resolve("flows"), Duration.ofMillis(50), 4),
        new SimpleMeterRegistry(),
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

  private TaskRun taskRun(String flow, String runId, String taskId) {
    return byId(flows.run(flow, runId).orElseThrow()).get(taskId);
  }

  private static Map<String, TaskRun> byId(FlowRun run) {
    Map<String, TaskRun> tasks = new HashMap<>();
    run.tasks().forEach(t -> tasks.put(t.taskId(), t));
    return tasks;
  }

  private void awaitRunning(String flow, String runId, String taskId) {
    await().atMost(WAIT).until(() -> taskRun(flow, runId, taskId).state() == TaskState.RUNNING);
  }

  @Test
  void aRunningTaskMarkedFailedIsInterruptedNotRetriedAndItsDownstreamSettles() {
    flows = open();
    flows.put(
        "marked",
        "tasks:\n"
            + task("a", "/block", ", retries: { attempts: 3, delay: 10ms }")
            + task("b", "/ok", ", depends-on: [a]")
            + task("cleanup", "/ok", ", depends-on: [a], trigger-rule: all_failed"));
    String runId = flows.runNow("marked", Optional.empty()).run().runId();
    awaitRunning("marked", runId, "a");

    flows.markTaskFailed("marked", runId, "a");

    FlowRun ended = awaitEnd("marked", runId);
    Map<String, TaskRun> tasks = byId(ended);
    assertThat(ended.state()).isEqualTo(RunState.FAILED);
    assertThat(tasks.get("a").state()).isEqualTo(TaskState.FAILED);
    assertThat(tasks.get("a").tries()).isEqualTo(1);
    assertThat(tasks.get("a").error()).contains("Marked failed by a user");
    assertThat(tasks.get("b").state()).isEqualTo(TaskState.UPSTREAM_FAILED);
    assertThat(tasks.get("cleanup").state()).isEqualTo(TaskState.SUCCESS);
    // the interrupted try ends and is not retried
    await().atMost(WAIT).until(() -> flows.runningTries().isEmpty());
    assertThat(taskRun("marked", runId, "a").tries()).isEqualTo(1);
    assertThat(runner.started).containsExactly("a", "cleanup");
  }

  @Test
  void aRunMarkedFailedInterruptsItsTriesAndSettlesWhatHasNotStarted() {
    flows = open();
    flows.put(
        "whole",
        "tasks:\n"
            + task("a", "/block", ", retries: 3")
            + task("b", "/ok", ", depends-on: [a]")
            + task("tidy", "/ok", ", depends-on: [a], trigger-rule: all_done"));
    String runId = flows.runNow("whole", Optional.empty()).run().runId();
    awaitRunning("whole", runId, "a");

    FlowRun marked = flows.markRunFailed("whole", runId);

    assertThat(marked.state()).isEqualTo(RunState.FAILED);
    Map<String, TaskRun> tasks = byId(marked);
    assertThat(tasks.get("a").state()).isEqualTo(TaskState.FAILED);
    assertThat(tasks.get("b").state()).isEqualTo(TaskState.UPSTREAM_FAILED);
    assertThat(tasks.get("tidy").state()).isEqualTo(TaskState.SKIPPED);
    await().atMost(WAIT).until(() -> flows.runningTries().isEmpty());
    assertThat(taskRun("whole", runId, "a").tries()).isEqualTo(1);
    assertThat(flows.run("whole", runId).orElseThrow().state()).isEqualTo(RunState.FAILED);
    assertThat(runner.started).containsExactly("a");
    assertThatThrownBy(() -> flows.markRunFailed("whole", "nope"))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void anEndedTaskMarkedFailedChangesItsRunButNothingRunsAgain() {
    flows = open();
    flows.put("done", "tasks:\n" + task("a", "/ok", "") + task("b", "/ok", ", depends-on: [a]"));
    String runId = awaitEnd("done", flows.runNow("done", Optional.empty()).run().runId()).runId();

    FlowRun marked = flows.markTaskFailed("done", runId, "a");

    assertThat(marked.state()).isEqualTo(RunState.FAILED);
    assertThat(byId(marked).get("a").state()).isEqualTo(TaskState.FAILED);
    assertThat(byId(marked).get("b").state()).isEqualTo(TaskState.SUCCESS);
    assertThat(runner.started).containsExactly("a", "b");
    assertThatThrownBy(() -> flows.markTaskFailed("done", runId, "zz"))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void aClearedTaskRunsAgainWithANewTryAloneOrWithItsDownstream() {
    flows = open();
    flows.put(
        "chain",
        "tasks:\n"
            + task("a", "/ok", "")
            + task("b", "/ok", ", depends-on: [a]")
            + task("c", "/ok", ", depends-on: [b]"));
    String runId = awaitEnd("chain", flows.runNow("chain", Optional.empty()).run().runId()).runId();
    flows.markTaskFailed("chain", runId, "b");

    FlowRun cleared = flows.clearTask("chain", runId, "b");
    assertThat(cleared.state()).isIn(RunState.QUEUED, RunState.RUNNING, RunState.SUCCESS);
    FlowRun ended = awaitEnd("chain", runId);
    assertThat(ended.state()).isEqualTo(RunState.SUCCESS);
    assertThat(byId(ended).get("a").tries()).isEqualTo(1);
    assertThat(byId(ended).get("b").tries()).isEqualTo(2);
    assertThat(byId(ended).get("c").tries()).isEqualTo(1);

    flows.clearTaskAndDownstream("chain", runId, "b");
    ended = awaitEnd("chain", runId);
    assertThat(ended.state()).isEqualTo(RunState.SUCCESS);
    assertThat(byId(ended).get("a").tries()).isEqualTo(1);
    assertThat(byId(ended).get("b").tries()).isEqualTo(3);
    assertThat(byId(ended).get("c").tries()).isEqualTo(2);
    assertThat(flows.log("chain", runId, "c", Optional.empty()).orElseThrow()).contains("try 2");
  }

  @Test
  void clearingIsRefusedWhileTheRunRunsOrOnceTheFlowIsDeleted() {
    flows = open();
    flows.put("busy", "tasks:\n" + task("a", "/block", ""));
    String runId = flows.runNow("busy", Optional.empty()).run().runId();
    awaitRunning("busy", runId, "a");

    assertThatThrownBy(() -> flows.clearTask("busy", runId, "a"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("the run is running")
        .hasMessageContaining("only a task of an ended run can be cleared");
    assertThatThrownBy(() -> flows.clearTask("busy", runId, "zz"))
        .isInstanceOf(NotFoundException.class);

    runner.release();
    awaitEnd("busy", runId);
    flows.delete("busy");
    assertThatThrownBy(() -> flows.clearTask("busy", runId, "a"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("flow busy is deleted");
  }
}
