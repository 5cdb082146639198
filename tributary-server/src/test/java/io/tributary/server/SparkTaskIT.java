package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.core.TableId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code spark} task on the real platform with the real Apache Spark 4.1.1 and Iceberg's Spark
 * runtime 1.12.0 (copied to {@code tributary-spark/target/spark-lib} by the {@code tributary-spark}
 * module, and handed to the platform as {@code <data-dir>/spark/jars}): Spark, in local mode in a
 * child JVM, reads {@code raw.events} through the platform's Iceberg REST catalog and writes {@code
 * transformed.spark_listens} through Iceberg, partition by partition; the embedded engine then
 * reads what Spark wrote, with the run's lineage (input and output snapshots) listed by the lineage
 * endpoint; a pinned re-run of the task reads the input snapshot its commit recorded. Last, a
 * second flow's spark task reads the platform's other kinds of table, {@code raw.events_errors} and
 * {@code transformed.totals} (written by a sql task, {@link EngineTables}), and inserts rows into
 * the latter ({@code INSERT INTO}), which the embedded engine reads. (The same on S3: {@link
 * SparkOnS3IT}.)
 */
class SparkTaskIT {
  private static final Duration WAIT = Duration.ofMinutes(4);

  @TempDir Path dir;

  private static final String FLOW =
      """
      tasks:
        - id: listens
          type: spark
          sql: >-
            SELECT DATE '{{ ds }}' AS day, show_id, count(*) AS listens, sum(listened_ms) AS ms
            FROM raw.events GROUP BY show_id
          target: transformed.spark_listens
          mode: overwrite-partitions
          partition-by: [day]
          timeout: 5m
      """;

  /** Spark appends ({@code INSERT INTO}) to a table a sql task wrote, reading the errors table. */
  private static final String INSERTS =
      """
      tasks:
        - id: inserts
          type: spark
          sql: >-
            SELECT concat('spark_', t.show_id) AS show_id, t.ms + x.errors AS ms
            FROM transformed.totals t
            CROSS JOIN (SELECT count(*) AS errors FROM raw.events_errors) x
          target: transformed.totals
          mode: append
          timeout: 5m
      """;

  @Test
  void aSparkTaskWritesATableTheEmbeddedEngineReads() throws Exception {
    Path sparkLib = Path.of(System.getProperty("spark.lib", "../tributary-spark/target/spark-lib"));
    assertThat(sparkLib).as("Spark's jars, copied by the tributary-spark module").isDirectory();
    Files.createDirectories(dir.resolve("spark"));
    Files.createSymbolicLink(dir.resolve("spark/jars"), sparkLib.toAbsolutePath());
    try (Platform platform =
        Platform.start(
            TestConfigs.config(
                dir,
                """
                  - name: events
                    partitions: 1
                    buffer: { interval: 0s }
                """),
            Clock.systemUTC())) {
      Http http = Http.admin(platform);
      EngineTables.write(http);
      assertThat(http.put("/v1/flows/sparky", FLOW).status()).isEqualTo(201);

      JsonNode first = run(http, "2024-05-01");
      assertThat(first.path("state").asText())
          .as(
              http.get(
                      "/v1/flows/sparky/runs/"
                          + first.path("run-id").asText()
                          + "/tasks/listens/log")
                  .raw()
                  .body())
          .isEqualTo("success");
      JsonNode second = run(http, "2024-05-02");
      assertThat(second.path("state").asText()).isEqualTo("success");

      assertThat(http.count("SELECT count(*) FROM transformed.spark_listens")).isEqualTo(4);
      assertThat(http.count("SELECT count(DISTINCT day) FROM transformed.spark_listens"))
          .isEqualTo(2);
      assertThat(
              http.count(
                  "SELECT ms FROM transformed.spark_listens WHERE show_id = 'a'"
                      + " AND day = DATE '2024-05-02'"))
          .isEqualTo(30);
      JsonNode writes =
          http.get("/v1/tables/transformed.spark_listens/lineage").body().path("writes");
      assertThat(writes).hasSize(2);
      assertThat(writes.get(0).path("run-id").asText()).isEqualTo(second.path("run-id").asText());
      assertThat(writes.get(0).path("task").asText()).isEqualTo("listens");
      long events =
          platform
              .lake()
              .loadTable(TableId.parse("raw.events"))
              .orElseThrow()
              .currentSnapshot()
              .snapshotId();
      long written =
          platform
              .lake()
              .loadTable(TableId.parse("transformed.spark_listens"))
              .orElseThrow()
              .currentSnapshot()
              .snapshotId();
      assertThat(writes.get(0).path("snapshot-id").asLong()).as("the output").isEqualTo(written);
      assertThat(writes.get(0).path("try").asInt()).isEqualTo(1);
      assertThat(writes.get(0).path("inputs")).hasSize(1);
      assertThat(writes.get(0).path("inputs").get(0).path("table").asText())
          .isEqualTo("raw.events");
      assertThat(writes.get(0).path("inputs").get(0).path("snapshot-id").asLong())
          .as("the input")
          .isEqualTo(events);

      // new data, then the second run's task again on the input snapshot it recorded
      http.ndjson("events", "{\"show_id\":\"a\",\"listened_ms\":1000}\n");
      await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.events") == 4);
      Http.Response pinned =
          http.post(
              "/v1/flows/sparky/runs/" + second.path("run-id").asText() + "/tasks/listens/rerun",
              "application/json",
              "{\"pin-inputs\": true}");
      assertThat(pinned.status()).as(pinned.raw().body()).isEqualTo(200);
      assertThat(pinned.body().path("pinned-inputs").path("raw.events").asLong()).isEqualTo(events);
      assertThat(
              http.count(
                  "SELECT ms FROM transformed.spark_listens WHERE show_id = 'a'"
                      + " AND day = DATE '2024-05-02'"))
          .as("computed from the pinned snapshot, without the new event")
          .isEqualTo(30);
      JsonNode newest =
          http.get("/v1/tables/transformed.spark_listens/lineage").body().path("writes").get(0);
      assertThat(newest.path("try").asInt()).as("a re-run outside the run's tries").isZero();
      assertThat(newest.path("inputs").get(0).path("snapshot-id").asLong()).isEqualTo(events);

      // Spark reads the errors table and a table a sql task wrote, and inserts into the latter
      assertThat(http.put("/v1/flows/sparkins", INSERTS).status()).isEqualTo(201);
      JsonNode inserted = run(http, "sparkins", "{}");
      assertThat(inserted.path("state").asText())
          .as(
              http.get(
                      "/v1/flows/sparkins/runs/"
                          + inserted.path("run-id").asText()
                          + "/tasks/inserts/log")
                  .raw()
                  .body())
          .isEqualTo("success");
      assertThat(http.count("SELECT count(*) FROM transformed.totals")).isEqualTo(4);
      assertThat(http.count("SELECT ms FROM transformed.totals WHERE show_id = 'spark_a'"))
          .as("a's total (30) plus the one record of raw.events_errors")
          .isEqualTo(31);
    }
  }

  private static JsonNode run(Http http, String date) {
    return run(http, "sparky", "{\"logical-date\":\"" + date + "\"}");
  }

  private static JsonNode run(Http http, String flow, String body) {
    String runId =
        http.post("/v1/flows/" + flow + "/runs", "application/json", body)
            .body()
            .path("run-id")
            .asText();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              String state =
                  http.get("/v1/flows/" + flow + "/runs/" + runId).body().path("state").asText();
              return state.equals("success") || state.equals("failed");
            });
    return http.get("/v1/flows/" + flow + "/runs/" + runId).body();
  }
}
