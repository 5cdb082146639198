package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.server.console.Browser;
import io.tributary.spi.Assignments;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Experiments on the real platform: units assigned over HTTP (exposures logged through the ingest
 * path into {@code raw.experiment_exposures}), follows and listens ingested with a known truth,
 * results over HTTP matching it with the snapshot ids read, the {@code experiment} flow task
 * writing {@code transformed.experiment_results}, and bad definitions refused clearly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExperimentsPlatformIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int UNITS = 120;

  @TempDir static Path dir;
  private Platform platform;
  private Http http;

  private static final String SHOWS =
      """
      variants:
        - name: control
          weight: 0.5
        - name: recommended
          weight: 0.5
      metrics:
        - name: follow_rate
          kind: conversion
          sql: SELECT user_id AS unit, ts FROM raw.follows
          window: 7d
        - name: listen_minutes
          kind: mean
          sql: SELECT user_id AS unit, minutes AS value FROM raw.listens
      guardrails:
        - name: likes_per_listen
          kind: ratio
          sql: SELECT user_id AS unit, likes AS numerator, 1 AS denominator FROM raw.listens
      """;

  @BeforeAll
  void start() throws java.io.IOException {
    // experiments as code: the data dir's experiments/ files are loaded at start
    java.nio.file.Files.createDirectories(dir.resolve("experiments"));
    java.nio.file.Files.writeString(
        dir.resolve("experiments").resolve("from_file.yaml"),
        """
        variants: [{ name: a, weight: 0.25 }, { name: b, weight: 0.75 }]
        metrics: [{ name: constant, kind: mean, sql: "SELECT 'u1' AS unit, 1.0 AS value" }]
        """);
    platform =
        Platform.start(
            TestConfigs.config(
                dir,
                """
                  - name: follows
                    partitions: 1
                    buffer: { interval: 0s }
                  - name: listens
                    partitions: 1
                    buffer: { interval: 0s }
                """),
            Clock.systemUTC());
    http = Http.admin(platform);
  }

  @AfterAll
  void stop() {
    if (platform != null) {
      platform.close();
    }
  }

  private static String variantOf(String unit) {
    return Assignments.bucket("shows", unit) < 0.5 ? "control" : "recommended";
  }

  @Test
  @Order(1)
  void badDefinitionsAreRefusedClearly() {
    // tables the metrics read exist once their first rows arrive
    assertThat(
            http.ndjson("follows", "{\"user_id\":\"seed\",\"ts\":\"2020-01-01T00:00:00Z\"}")
                .status())
        .isEqualTo(200);
    assertThat(
            http.ndjson("listens", "{\"user_id\":\"seed\",\"minutes\":1.0,\"likes\":0}").status())
        .isEqualTo(200);
    await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.follows") == 1);
    await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.listens") == 1);

    Http.Response weights =
        http.put(
            "/v1/experiments/shows",
            SHOWS.replace(
                "weight: 0.5\n  - name: recommended", "weight: 0.6\n  - name: recommended"));
    assertThat(weights.status()).isEqualTo(400);
    assertThat(weights.body().path("error").path("code").asText()).isEqualTo("invalid_experiment");
    assertThat(weights.body().path("error").path("message").asText())
        .contains("line 1, key variants")
        .contains("sum to 1.1")
        .contains("control 0.6 + recommended 0.5");

    Http.Response unknownTable =
        http.put("/v1/experiments/shows", SHOWS.replace("FROM raw.follows", "FROM raw.folows"));
    assertThat(unknownTable.status()).isEqualTo(400);
    assertThat(unknownTable.body().path("error").path("message").asText())
        .contains("key metrics[0].sql")
        .contains("folows");

    Http.Response unknownColumn =
        http.put("/v1/experiments/shows", SHOWS.replace("minutes AS value", "minuets AS value"));
    assertThat(unknownColumn.status()).isEqualTo(400);
    assertThat(unknownColumn.body().path("error").path("message").asText())
        .contains("key metrics[1].sql")
        .contains("minuets");
  }

  @Test
  @Order(2)
  void resultsOverTheLakeMatchAKnownTruth() {
    JsonNode fromFile = http.get("/v1/experiments/from_file").body();
    assertThat(fromFile.path("source").asText()).endsWith("from_file.yaml");
    assertThat(fromFile.path("variants").path(1).path("weight").asDouble()).isEqualTo(0.75);
    Http.Response created = http.put("/v1/experiments/shows", SHOWS);
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.body().path("status").asText()).isEqualTo("running");
    JsonNode list = http.get("/v1/experiments").body().path("experiments");
    assertThat(List.of(list.path(0).path("name").asText(), list.path(1).path("name").asText()))
        .containsExactly("from_file", "shows");

    JsonNode quiet = http.get("/v1/experiments/shows/assignment?unit=u0&log=false").body();
    assertThat(quiet.path("variant").asText()).isEqualTo(variantOf("u0"));
    assertThat(quiet.path("logged").asBoolean()).isFalse();

    int control = 0;
    int controlFollowers = 0;
    StringBuilder follows = new StringBuilder();
    StringBuilder listens = new StringBuilder();
    String later = Instant.now().plus(Duration.ofHours(1)).toString();
    for (int i = 0; i < UNITS; i++) {
      String unit = "u" + i;
      JsonNode assignment = http.get("/v1/experiments/shows/assignment?unit=" + unit).body();
      assertThat(assignment.path("variant").asText()).isEqualTo(variantOf(unit));
      assertThat(assignment.path("logged").asBoolean()).isTrue();
      boolean treated = variantOf(unit).equals("recommended");
      control += treated ? 0 : 1;
      // every treated user follows; one control user in four does
      boolean follows4 = treated || i % 4 == 0;
      if (!treated && follows4) {
        controlFollowers++;
      }
      if (follows4) {
        follows
            .append("{\"user_id\":\"")
            .append(unit)
            .append("\",\"ts\":\"")
            .append(later)
            .append("\"}\n");
      }
      listens
          .append("{\"user_id\":\"")
          .append(unit)
          .append("\",\"minutes\":")
          .append(treated ? 12.0 : 10.0)
          .append(",\"likes\":")
          .append(i % 2)
          .append("}\n");
    }
    // a follow long before the exposure is outside the 7-day window
    follows.append("{\"user_id\":\"u1\",\"ts\":\"2020-01-01T00:00:00Z\"}\n");
    assertThat(http.ndjson("follows", follows.toString()).status()).isEqualTo(200);
    assertThat(http.ndjson("listens", listens.toString()).status()).isEqualTo(200);
    long followRows = follows.toString().lines().count() + 1;
    await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.follows") == followRows);
    await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.listens") == UNITS + 1);
    await()
        .atMost(WAIT)
        .until(() -> http.count("SELECT count(*) FROM raw.experiment_exposures") == UNITS);

    Http.Response response = http.get("/v1/experiments/shows/results");
    assertThat(response.status()).isEqualTo(200);
    JsonNode results = response.body();
    assertThat(results.path("exposures").path(0).path("units").asLong()).isEqualTo(control);
    assertThat(results.path("exposures").path(1).path("units").asLong()).isEqualTo(UNITS - control);
    assertThat(results.path("sampleRatio").path("mismatch").asBoolean()).isFalse();
    JsonNode followRate = results.path("metrics").path(0);
    assertThat(followRate.path("values").path(0).path("value").asDouble())
        .isCloseTo(
            controlFollowers / (double) control, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(followRate.path("values").path(1).path("value").asDouble()).isEqualTo(1.0);
    assertThat(followRate.path("differences").path(0).path("verdict").asText())
        .isEqualTo("significant win");
    JsonNode minutes = results.path("metrics").path(1);
    assertThat(minutes.path("differences").path(0).path("absolute").path("estimate").asDouble())
        .isCloseTo(2.0, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(results.path("metrics").path(2).path("guardrail").asBoolean()).isTrue();
    assertThat(results.path("verdict").asText()).isEqualTo("significant win");
    assertThat(results.path("snapshots").fieldNames())
        .toIterable()
        .contains("raw.follows", "raw.listens", "raw.experiment_exposures");
    assertThat(results.path("snapshots").path("raw.follows").asLong()).isPositive();

    CliRun cli =
        CliRun.platform(
            dir, "experiment", "results", "shows", "--server", platform.httpUri().toString());
    assertThat(cli.exit()).as(cli.err()).isZero();
    assertThat(cli.out())
        .contains("follow_rate (conversion)")
        .contains("likes_per_listen (ratio, guardrail)")
        .contains("Verdict: significant win")
        .contains("raw.follows@");
  }

  @Test
  @Order(3)
  void theConsolePagesShowTheExperimentAndItsVerdict() {
    try (Browser browser = Browser.open(platform.httpUri())) {
      browser.login("admin", platform.adminCredentials().password());
      browser.get("/experiments");
      assertThat(browser.find("table.experiments").getText())
          .contains("shows")
          .contains("running")
          .contains("control 0.5, recommended 0.5")
          .contains("from_file");
      assertThat(browser.findAll("a[href='/experiments/shows']")).hasSize(1);
      assertThat(browser.findAll("nav a[href='/experiments']")).hasSize(1);
      browser.get("/experiments/shows");
      assertThat(browser.find(".verdict strong").getText()).isEqualTo("significant win");
      assertThat(browser.find(".verdict strong").getAttribute("class")).isEqualTo("ok");
      assertThat(browser.find("table.exposures").getText()).contains("control", "recommended");
      assertThat(browser.find("table.metrics").getText())
          .contains("follow_rate (conversion)", "likes_per_listen (ratio, guardrail)");
      assertThat(browser.find(".snapshots").getText()).contains("raw.follows@");
      assertThat(browser.find(".srm").getText()).contains("no mismatch");
      browser.screenshot("experiment");
      browser.assertNoConsoleErrors();

      // the lookup form: a unit's variant, with no exposure logged
      browser.get("/experiments/shows?unit=u7");
      assertThat(browser.find(".lookup").getText()).contains("u7", variantOf("u7"));
      browser.get("/experiments/shows?unit=%3Cb%3Ex%3C%2Fb%3E");
      assertThat(browser.findAll(".lookup b")).isEmpty(); // escaped
      assertThat(browser.find(".lookup code").getText()).isEqualTo("<b>x</b>");
      browser.assertNoConsoleErrors();
    }
    assertThat(http.count("SELECT count(*) FROM raw.experiment_exposures")).isEqualTo(UNITS);
  }

  @Test
  @Order(4)
  void theExperimentFlowTaskWritesTheResultsThroughTheLake() {
    Http.Response flow =
        http.put(
            "/v1/flows/shows_results",
            """
            tasks:
              - id: results
                type: experiment
                experiment: shows
            """);
    assertThat(flow.status()).isEqualTo(201);
    String runId =
        http.post("/v1/flows/shows_results/runs", "application/json", "{}")
            .body()
            .path("run-id")
            .asText();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              String state =
                  http.get("/v1/flows/shows_results/runs/" + runId).body().path("state").asText();
              return state.equals("success") || state.equals("failed");
            });
    assertThat(http.get("/v1/flows/shows_results/runs/" + runId).body().path("state").asText())
        .isEqualTo("success");
    assertThat(
            http.count(
                "SELECT count(*) FROM transformed.experiment_results WHERE experiment = 'shows'"
                    + " AND verdict = 'significant win' AND snapshots LIKE '%raw.follows@%'"))
        .isEqualTo(6); // three metrics, two variants
  }

  @Test
  @Order(5)
  void theVariantsOfARunningExperimentCannotChangeUntilItIsStopped() {
    String changed =
        SHOWS.replace(
            "weight: 0.5\n  - name: recommended\n    weight: 0.5",
            "weight: 0.2\n  - name: recommended\n    weight: 0.8");
    assertThat(changed).isNotEqualTo(SHOWS);
    Http.Response refused = http.put("/v1/experiments/shows", changed);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.body().path("error").path("code").asText()).isEqualTo("experiment_running");
    assertThat(refused.body().path("error").path("message").asText())
        .contains("control 0.5, recommended 0.5")
        .contains("POST /v1/experiments/shows/stop");
    // other changes are fine while it runs
    assertThat(
            http.put("/v1/experiments/shows", SHOWS + "minimum-detectable-effect: 0.05\n").status())
        .isEqualTo(200);

    Http.Response stopped = http.post("/v1/experiments/shows/stop", "application/json", "{}");
    assertThat(stopped.status()).isEqualTo(200);
    assertThat(stopped.body().path("status").asText()).isEqualTo("stopped");
    JsonNode after = http.get("/v1/experiments/shows/assignment?unit=u1").body();
    assertThat(after.path("variant").asText()).isEqualTo("control");
    assertThat(after.path("logged").asBoolean()).isFalse();
    assertThat(http.put("/v1/experiments/shows", changed).status()).isEqualTo(200);
    assertThat(http.delete("/v1/experiments/shows").status()).isEqualTo(204);
    assertThat(http.get("/v1/experiments/shows").status()).isEqualTo(404);
  }
}
