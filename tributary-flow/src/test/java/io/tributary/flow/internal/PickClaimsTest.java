package io.tributary.flow.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.flow.SchedulerTables;
import io.tributary.flow.TaskRun;
import io.tributary.flow.TaskState;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tries claimed by the scheduler's pick of their executions (SQLite's trigger): the pick claims a
 * queued task of a running run under its pool's recorded slots and records its row version; it
 * claims nothing for a task not queued, a retry not due, a run not running, a full pool or a pool
 * with no recorded slots, and a pick of the same execution again (a revived one) claims nothing
 * while its try runs.
 */
class PickClaimsTest {
  private static final Instant NOW = Instant.parse("2026-12-05T06:00:00Z");

  @TempDir Path dir;
  private RunStore store;

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

  @BeforeEach
  void setUp() {
    store = new RunStore(db(), "node-a");
    SchedulerTables.create(db());
    assertThat(store.claimOnPick()).isTrue();
    assertThat(store.claimOnPick()).isTrue(); // replaced, as at every start
    store.poolSlots(Map.of("default", 16, "small", 1));
    Map<String, String> pools = new LinkedHashMap<>();
    pools.put("a", "small");
    pools.put("b", "small");
    pools.put("c", "default");
    store.create(new RunStore.NewRun("f", "r1", NOW, NOW, NOW, "manual", "{}", pools), NOW);
  }

  /** What db-scheduler does: insert the execution, then pick it by its version. */
  private long schedule(String key, Instant at) throws SQLException {
    try (Connection connection = db().get();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO scheduled_tasks (task_name, task_instance, execution_time, picked,"
                    + " version) VALUES (?, ?, ?, 0, 1)")) {
      insert.setString(1, FlowScheduler.TASK);
      insert.setString(2, key);
      insert.setLong(3, at.toEpochMilli());
      insert.executeUpdate();
    }
    return 1;
  }

  private long pick(String key, long version) throws SQLException {
    try (Connection connection = db().get();
        PreparedStatement pick =
            connection.prepareStatement(
                "UPDATE scheduled_tasks SET picked = ?, picked_by = ?, last_heartbeat = ?,"
                    + " version = version + 1 WHERE picked = ? AND task_name = ?"
                    + " AND task_instance = ? AND version = ?")) {
      pick.setBoolean(1, true);
      pick.setString(2, "node-a");
      pick.setLong(3, NOW.toEpochMilli());
      pick.setBoolean(4, false);
      pick.setString(5, FlowScheduler.TASK);
      pick.setString(6, key);
      pick.setLong(7, version);
      assertThat(pick.executeUpdate()).isEqualTo(1);
    }
    return version + 1;
  }

  private void unpick(String key, Instant at) throws SQLException {
    try (Connection connection = db().get();
        PreparedStatement reschedule =
            connection.prepareStatement(
                "UPDATE scheduled_tasks SET picked = ?, picked_by = NULL, execution_time = ?,"
                    + " version = version + 1 WHERE task_name = ? AND task_instance = ?")) {
      reschedule.setBoolean(1, false);
      reschedule.setLong(2, at.toEpochMilli());
      reschedule.setString(3, FlowScheduler.TASK);
      reschedule.setString(4, key);
      reschedule.executeUpdate();
    }
  }

  private long version(String key) throws SQLException {
    try (Connection connection = db().get();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT version FROM scheduled_tasks WHERE task_name = ? AND task_instance = ?")) {
      select.setString(1, FlowScheduler.TASK);
      select.setString(2, key);
      try (var rows = select.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private RunStore.ExecutionRead read(String task) {
    return store.forExecution("f", "r1", task, List.of(task)).orElseThrow();
  }

  private TaskRun task(String task) {
    return read(task).run().tasks().get(0);
  }

  @Test
  void aPickClaimsAQueuedTaskOfARunningRunAndRecordsItsVersion() throws SQLException {
    long version = pick("f/r1/c", schedule("f/r1/c", NOW));
    assertThat(read("c").claimedAt()).isEmpty(); // the run is queued: nothing claimed
    unpick("f/r1/c", NOW);
    assertThat(store.startRun("f", "r1", NOW)).isTrue();
    version = pick("f/r1/c", version(("f/r1/c")));
    assertThat(task("c").state()).isEqualTo(TaskState.RUNNING);
    assertThat(task("c").tries()).isEqualTo(1);
    assertThat(task("c").startedAt()).contains(NOW);
    assertThat(read("c").claimedAt()).contains(version);
    assertThat(store.runningHere()).containsExactly("f/r1/c");

    // the execution revived (its process died): picked again, the running try is not claimed
    unpick("f/r1/c", NOW);
    long revived = pick("f/r1/c", version("f/r1/c"));
    assertThat(task("c").tries()).isEqualTo(1);
    assertThat(read("c").claimedAt()).contains(version);
    assertThat(revived).isNotEqualTo(version);
  }

  @Test
  void aPickClaimsNoMoreThanThePoolsSlotsNorARetryNotDue() throws SQLException {
    store.startRun("f", "r1", NOW);
    pick("f/r1/a", schedule("f/r1/a", NOW));
    pick("f/r1/b", schedule("f/r1/b", NOW));
    assertThat(task("a").state()).isEqualTo(TaskState.RUNNING);
    assertThat(task("b").state()).isEqualTo(TaskState.QUEUED); // "small" has 1 slot
    assertThat(read("b").claimedAt()).isEmpty();

    // a's try fails and is retried in a minute; its execution woken early claims nothing
    Instant retry = NOW.plusSeconds(60);
    assertThat(
            store.endTry(
                "f", "r1", "a", 1, TaskState.QUEUED, retry, "boom", "log", NOW, Optional.empty()))
        .isPresent();
    unpick("f/r1/a", NOW);
    pick("f/r1/a", version("f/r1/a"));
    assertThat(task("a").state()).isEqualTo(TaskState.QUEUED);
    unpick("f/r1/a", retry);
    long due = pick("f/r1/a", version("f/r1/a"));
    assertThat(task("a").state()).isEqualTo(TaskState.RUNNING);
    assertThat(task("a").tries()).isEqualTo(2);
    assertThat(read("a").claimedAt()).contains(due);

    // an explicit claim (the execution's own) records no pick
    store.poolSlots(Map.of("default", 16, "small", 2));
    assertThat(store.claim("f", "r1", "b", 0, "small", 2, NOW)).isEqualTo(RunStore.Claim.CLAIMED);
    assertThat(read("b").claimedAt()).isEmpty();
  }

  @Test
  void aPoolWithNoRecordedSlotsIsClaimedOnlyByItsExecutions() throws SQLException {
    store.poolSlots(Map.of("default", 16));
    store.startRun("f", "r1", NOW);
    pick("f/r1/a", schedule("f/r1/a", NOW));
    assertThat(task("a").state()).isEqualTo(TaskState.QUEUED);
    pick("f/r1/c", schedule("f/r1/c", NOW));
    assertThat(task("c").state()).isEqualTo(TaskState.RUNNING);
  }
}
