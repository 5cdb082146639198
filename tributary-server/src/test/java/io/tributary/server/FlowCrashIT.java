package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flows across kill -9: the platform runs in a child JVM, its flow's HTTP tasks call a recorder in
 * this JVM that takes half a second per call and records when each call started and ended; the
 * platform is killed (SIGKILL) while tasks are in flight and started again. Every run then ends in
 * success exactly once, the tries the kill cut count as failed tries and are retried (after the
 * scheduler finds their heartbeats stopped), and no task of a run was ever called twice at the same
 * time.
 */
class FlowCrashIT {
  private static final Duration LIMIT = Duration.ofSeconds(120);
  private static final int RUNS = 3;
  private static final long CALL_MILLIS = 500;

  @TempDir Path dir;

  /** One call of the recorder: the task instance (run/task) and when it started and ended. */
  private record Call(String key, long startNanos, long endNanos) {}

  @Test
  void everyRunCompletesOnceAndNoTaskRunsTwiceAtOnceAcrossAKill() throws Exception {
    List<Call> calls = new CopyOnWriteArrayList<>();
    Map<String, Long> inFlight = new ConcurrentHashMap<>();
    HttpServer recorder = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    ExecutorService threads = Executors.newCachedThreadPool();
    recorder.setExecutor(threads);
    recorder.createContext(
        "/task/",
        exchange -> {
          String key = exchange.getRequestURI().getPath().substring("/task/".length());
          long start = System.nanoTime();
          inFlight.put(key + "@" + start, start);
          try {
            Thread.sleep(CALL_MILLIS); // the task's work, while the platform may be killed
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          calls.add(new Call(key, start, System.nanoTime()));
          inFlight.remove(key + "@" + start);
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    recorder.start();
    String base = "http://127.0.0.1:" + recorder.getAddress().getPort() + "/task";
    int httpPort = TestConfigs.freePort();
    Path config = dir.resolve("tributary.yaml");
    Files.writeString(
        config,
        TestConfigs.yaml(dir.resolve("data"), httpPort, "  []\n")
            + "egress: { allowed-hosts: [\"127.0.0.1:"
            + recorder.getAddress().getPort()
            + "\"] }\n");
    Http http =
        Http.admin(java.net.URI.create("http://127.0.0.1:" + httpPort), dir.resolve("data"));
    ChildServer child = new ChildServer(config, dir.resolve("server.log"), http);
    Process server = child.start();
    try {
      child.awaitHealthy(server);
      String flow =
          """
          max-active-runs: %d
          defaults: { retries: 3 }
          tasks:
            - { id: extract, type: http, url: "%s/{{ run_id }}/extract" }
            - { id: left, type: http, url: "%s/{{ run_id }}/left", depends-on: [extract] }
            - { id: right, type: http, url: "%s/{{ run_id }}/right", depends-on: [extract] }
            - { id: join, type: http, url: "%s/{{ run_id }}/join", depends-on: [left, right] }
          """
              .formatted(RUNS, base, base, base, base);
      assertThat(http.put("/v1/flows/crashy", flow).status()).isEqualTo(201);
      for (int day = 1; day <= RUNS; day++) {
        Http.Response run =
            http.post(
                "/v1/flows/crashy/runs",
                "application/json",
                "{\"logical-date\": \"2026-11-0" + day + "\"}");
        assertThat(run.status()).isBetween(200, 201);
      }
      // kill while calls are in flight, after the first tasks ended
      await().atMost(LIMIT).until(() -> calls.size() >= RUNS && !inFlight.isEmpty());
      int cut = inFlight.size(); // before the kill: the recorder may answer them while it happens
      server.destroyForcibly(); // SIGKILL: the tries in flight are left running in the database
      server.waitFor();
      server = child.start();
      child.awaitHealthy(server);

      await()
          .atMost(LIMIT)
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> runs(http).stream().allMatch(r -> r.path("state").asText().equals("success")));

      List<JsonNode> runs = runs(http);
      assertThat(runs).hasSize(RUNS);
      assertThat(runs.stream().map(r -> r.path("logical-date").asText()).distinct()).hasSize(RUNS);
      int retried = 0;
      for (JsonNode run : runs) {
        for (JsonNode task : run.path("tasks")) {
          assertThat(task.path("state").asText()).isEqualTo("success");
          if (task.path("tries").asInt() > 1) {
            retried++;
            String log =
                http.get(
                        "/v1/flows/crashy/runs/"
                            + run.path("run-id").asText()
                            + "/tasks/"
                            + task.path("id").asText()
                            + "/log?try=1")
                    .raw()
                    .body();
            assertThat(log).contains("The platform stopped during try 1");
          }
        }
      }
      assertThat(cut).isPositive();
      assertThat(retried).as("tries cut by the kill, retried").isPositive();
      Map<String, List<Call>> byKey = new ConcurrentHashMap<>();
      calls.forEach(c -> byKey.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(c));
      assertThat(byKey).hasSize(RUNS * 4);
      byKey.forEach(
          (key, list) -> {
            list.sort(Comparator.comparingLong(Call::startNanos));
            for (int i = 1; i < list.size(); i++) {
              assertThat(list.get(i).startNanos())
                  .as("%s: a try started before the previous one ended", key)
                  .isGreaterThanOrEqualTo(list.get(i - 1).endNanos());
            }
          });
      System.out.printf(
          "FlowCrashIT: %d calls in flight at the kill, %d task instances retried, %d calls%n",
          cut, retried, calls.size());
    } catch (AssertionError | org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "\nserver log:\n" + child.log(), e);
    } finally {
      server.destroy();
      server.waitFor();
      recorder.stop(0);
      threads.shutdownNow();
    }
  }

  private static List<JsonNode> runs(Http http) {
    List<JsonNode> runs = new ArrayList<>();
    http.get("/v1/flows/crashy/runs").body().path("runs").forEach(runs::add);
    return runs;
  }
}
