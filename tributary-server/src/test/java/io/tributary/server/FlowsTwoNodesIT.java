package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.flow.FlowParser;
import io.tributary.flow.FlowRun;
import io.tributary.flow.Flows;
import io.tributary.flow.RunState;
import io.tributary.flow.TaskRunner;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two flow engines (two nodes) on one real PostgreSQL database: the schedule's catchup runs and
 * manual runs requested on both nodes at once for the same logical dates give one run per logical
 * date, and every task of every run is executed once, by one node or the other; a flow put,
 * changed, paused and deleted through one node reaches the other.
 */
class FlowsTwoNodesIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final int HOURS = 12;

  @TempDir Path dir;

  @Test
  void oneRunPerLogicalDateAndOneExecutionPerTaskAcrossTwoNodes() throws Exception {
    Optional<Path> bin = PostgresServer.binaries();
    assumeTrue(
        bin.isPresent(),
        "PostgreSQL server binaries not found under /usr/lib/postgresql: skipping");
    try (PostgresServer postgres = PostgresServer.start(bin.get())) {
      Supplier<Connection> db = connections(postgres);
      Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
      Map<String, AtomicInteger> byNode = new ConcurrentHashMap<>();
      Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(HOURS));
      String flow =
          "schedule: every 1h\nstart-date: "
              + start
              + "\ncatchup: true\nmax-active-runs: 4\ntasks:\n"
              + "  - { id: a, type: http, url: \"http://fake/a\" }\n"
              + "  - { id: b, type: http, url: \"http://fake/b\", depends-on: [a] }\n"
              + "  - { id: c, type: http, url: \"http://fake/c\", depends-on: [a] }\n";
      try (Flows first = open(db, "first", executions, byNode)) {
        first.put("multi", flow);
        try (Flows second = open(db, "second", executions, byNode)) {
          // manual runs on both nodes at once, on dates the schedule does not have
          List<CompletableFuture<Boolean>> requests =
              List.of(first, second, first, second).stream()
                  .flatMap(
                      node ->
                          List.of("2020-01-01T00:30:00Z", "2020-01-02T00:30:00Z").stream()
                              .map(
                                  date ->
                                      CompletableFuture.supplyAsync(
                                          () -> node.runNow("multi", Optional.of(date)).created())))
                  .toList();
          long created = requests.stream().map(CompletableFuture::join).filter(c -> c).count();
          assertThat(created).as("manual runs created, of 8 requests for 2 dates").isEqualTo(2);

          int expected = HOURS + 2; // ticks whose interval ended (the last is still open) + 2
          await()
              .atMost(WAIT)
              .until(
                  () -> {
                    List<FlowRun> runs = first.runs("multi", 100);
                    return runs.size() >= expected
                        && runs.stream().allMatch(r -> r.state() == RunState.SUCCESS);
                  });
          List<FlowRun> runs = second.runs("multi", 100);
          assertThat(runs).hasSize(expected);
          assertThat(runs.stream().map(FlowRun::logicalDate).distinct()).hasSize(expected);
          assertThat(executions).hasSize(expected * 3);
          assertThat(executions.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
          System.out.printf(
              "FlowsTwoNodesIT: %d runs, %d task executions, by node %s%n",
              runs.size(), executions.size(), byNode);
        }
      }
    }
  }

  @Test
  void aFlowPutPausedAndDeletedOnOneNodeReachesTheOther() throws Exception {
    Optional<Path> bin = PostgresServer.binaries();
    assumeTrue(
        bin.isPresent(),
        "PostgreSQL server binaries not found under /usr/lib/postgresql: skipping");
    try (PostgresServer postgres = PostgresServer.start(bin.get())) {
      Supplier<Connection> db = connections(postgres);
      Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
      Map<String, AtomicInteger> byNode = new ConcurrentHashMap<>();
      try (Flows first = open(db, "first", executions, byNode);
          Flows second = open(db, "second", executions, byNode)) {
        first.put("shared", "tasks:\n  - { id: a, type: http, url: \"http://fake/a\" }\n");
        await().atMost(WAIT).until(() -> second.get("shared").isPresent());

        String runId = second.runNow("shared", Optional.of("2024-01-01")).run().runId();
        await()
            .atMost(WAIT)
            .until(() -> second.run("shared", runId).orElseThrow().state() == RunState.SUCCESS);

        first.put(
            "shared",
            "tasks:\n  - { id: a, type: http, url: \"http://fake/a\" }\n"
                + "  - { id: b, type: http, url: \"http://fake/b\", depends-on: [a] }\n");
        await().atMost(WAIT).until(() -> second.get("shared").orElseThrow().tasks().size() == 2);
        first.setPaused("shared", true);
        await().atMost(WAIT).until(() -> second.isPaused("shared"));
        first.setPaused("shared", false);
        await().atMost(WAIT).until(() -> !second.isPaused("shared"));
        assertThat(first.delete("shared")).isTrue();
        await().atMost(WAIT).until(() -> second.get("shared").isEmpty());
      }
    }
  }

  private static Supplier<Connection> connections(PostgresServer postgres) {
    return () -> {
      try {
        return DriverManager.getConnection(postgres.jdbcUri(), PostgresServer.USER, "");
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    };
  }

  private Flows open(
      Supplier<Connection> db,
      String node,
      Map<String, AtomicInteger> executions,
      Map<String, AtomicInteger> byNode) {
    TaskRunner runner =
        (action, context) -> {
          executions
              .computeIfAbsent(context.runId() + "/" + context.taskId(), k -> new AtomicInteger())
              .incrementAndGet();
          byNode.computeIfAbsent(node, k -> new AtomicInteger()).incrementAndGet();
          Thread.sleep(20); // a little work, so both nodes get some
        };
    return new Flows(
        db,
        new FlowParser(sql -> {}),
        Map.of("http", runner),
        id -> List.of(),
        new Flows.Settings(
            dir.resolve(node), Duration.ofMillis(200), 4, Map.of(), Duration.ofSeconds(5), node),
        new SimpleMeterRegistry(),
        Clock.systemUTC(),
        new Random(1));
  }
}
