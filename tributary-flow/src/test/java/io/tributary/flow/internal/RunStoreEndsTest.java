package io.tributary.flow.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.flow.FlowRun;
import io.tributary.flow.TaskRun;
import io.tributary.flow.TaskState;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Try ends on SQLite written together (group commit): each one durable and counted, alone. */
class RunStoreEndsTest {
  private static final Instant NOW = Instant.parse("2026-12-05T06:00:00Z");
  private static final int TASKS = 40;

  @TempDir Path dir;

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

  @Test
  void concurrentEndsAreAllWrittenAndTheLastSeesTheRunFinished() throws Exception {
    RunStore store = new RunStore(db(), "local");
    Map<String, String> pools = new LinkedHashMap<>();
    for (int i = 0; i < TASKS; i++) {
      pools.put("t" + i, "default");
    }
    assertThat(
            store.create(new RunStore.NewRun("f", "r1", NOW, NOW, NOW, "manual", "{}", pools), NOW))
        .isTrue();
    for (String task : pools.keySet()) {
      assertThat(store.claim("f", "r1", task, 0, "default", TASKS, NOW))
          .isEqualTo(RunStore.Claim.CLAIMED);
    }
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Optional<RunStore.Ended>>> ends = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      for (String task : pools.keySet()) {
        ends.add(
            threads.submit(
                () -> {
                  start.await();
                  return store.endTry(
                      "f",
                      "r1",
                      task,
                      1,
                      TaskState.SUCCESS,
                      null,
                      null,
                      "log of " + task,
                      NOW,
                      Optional.empty());
                }));
      }
      // a try that is not running: nothing written for it, the others unharmed
      ends.add(
          threads.submit(
              () -> {
                start.await();
                return store.endTry(
                    "f",
                    "r1",
                    "t0",
                    7,
                    TaskState.FAILED,
                    null,
                    "no",
                    "stale",
                    NOW,
                    Optional.empty());
              }));
      start.countDown();
      List<Optional<RunStore.Ended>> results = new ArrayList<>();
      for (Future<Optional<RunStore.Ended>> end : ends) {
        results.add(end.get());
      }
      assertThat(results.subList(0, TASKS)).allMatch(Optional::isPresent);
      assertThat(results.get(TASKS)).isEmpty();
      assertThat(results.subList(0, TASKS))
          .extracting(ended -> ended.get().unfinished())
          .contains(0);
    } finally {
      threads.shutdownNow();
    }
    FlowRun run = store.run("f", "r1").orElseThrow();
    assertThat(run.tasks()).extracting(TaskRun::state).containsOnly(TaskState.SUCCESS);
    assertThat(store.log("f", "r1", "t0", 1)).contains("log of t0");
    assertThat(store.log("f", "r1", "t0", 7)).isEmpty();
  }
}
