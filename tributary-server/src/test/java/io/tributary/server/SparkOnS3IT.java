package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.core.config.TributaryConfig;
import io.tributary.lake.S3Server;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark on the same tables as the platform, with the lake on a real S3-compatible server (S3Proxy):
 * the Iceberg REST catalog tells engines where the files are (endpoint, region, path style) and
 * hands the lake's S3 credentials only to a caller authorized for the table; a {@code spark} task
 * (real Apache Spark 4.1.1 in a child JVM, knowing nothing of S3 but the catalog's answers) reads
 * the three kinds of table the platform wrote to S3 ({@link EngineTables}: {@code raw.events},
 * delivered; {@code raw.events_errors}; {@code transformed.totals}, written by a sql task) and
 * creates {@code transformed.spark_on_s3} ({@code CREATE TABLE ... AS}) under the S3 warehouse; a
 * second spark task inserts rows into {@code transformed.totals} ({@code INSERT INTO}); the
 * platform's engine then reads both.
 */
class SparkOnS3IT {
  /**
   * Two Spark sessions, one after the other: ~20 s each on an idle machine, 2–3 minutes each on a
   * loaded one (6 minutes in all at load average 50).
   */
  private static final Duration SPARK_WAIT = Duration.ofMinutes(12);

  private static final String BUCKET = "lake";

  @TempDir Path dir;

  private static final String FLOW =
      """
      tasks:
        - id: listens
          type: spark
          sql: >-
            SELECT e.show_id, count(*) AS listens, sum(e.listened_ms) AS ms,
              max(t.ms) AS total, max(x.errors) AS errors
            FROM raw.events e
            JOIN transformed.totals t ON t.show_id = e.show_id
            CROSS JOIN (SELECT count(*) AS errors FROM raw.events_errors) x
            GROUP BY e.show_id
          target: transformed.spark_on_s3
          mode: replace
          timeout: 5m
        - id: inserts
          type: spark
          depends-on: [listens]
          sql: >-
            SELECT concat('spark_', show_id) AS show_id, ms + errors AS ms
            FROM transformed.spark_on_s3
          target: transformed.totals
          mode: append
          timeout: 5m
      """;

  @Test
  void sparkReadsAndWritesTablesOnS3ThroughTheRestCatalog() throws Exception {
    Path sparkLib = Path.of(System.getProperty("spark.lib", "../tributary-spark/target/spark-lib"));
    assertThat(sparkLib).as("Spark's jars, copied by the tributary-spark module").isDirectory();
    Files.createDirectories(dir.resolve("node/spark"));
    Files.createSymbolicLink(dir.resolve("node/spark/jars"), sparkLib.toAbsolutePath());
    try (S3Server s3 = S3Server.start(dir.resolve("s3"))) {
      s3.createBucket(BUCKET);
      String yaml =
          TestConfigs.yaml(
                  dir.resolve("node"),
                  0,
                  """
                    - name: events
                      partitions: 1
                      buffer: { interval: 0s }
                  """)
              + "lake:\n  warehouse: s3://"
              + BUCKET
              + "/tributary\n  s3:\n    endpoint: "
              + s3.endpoint()
              + "\n    path-style-access: true\n    access-key-id: "
              + S3Server.ACCESS_KEY_ID
              + "\n    secret-access-key: "
              + S3Server.SECRET_ACCESS_KEY
              + "\n";
      try (Platform platform =
          Platform.start(TributaryConfig.fromYaml(yaml, "test"), Clock.systemUTC())) {
        Http http = Http.admin(platform);
        EngineTables.write(http);

        // what the catalog tells every caller, and what only an authorized one gets
        JsonNode config = http.get("/iceberg/v1/config").body();
        JsonNode defaults = config.path("defaults");
        assertThat(defaults.path("s3.endpoint").asText())
            .as(config.toString())
            .isEqualTo(s3.endpoint().toString());
        assertThat(defaults.path("s3.path-style-access").asText()).isEqualTo("true");
        assertThat(defaults.path("client.region").asText()).isEqualTo("us-east-1");
        assertThat(defaults.toString()).doesNotContain(S3Server.SECRET_ACCESS_KEY);
        JsonNode loaded = http.get("/iceberg/v1/namespaces/raw/tables/events").body();
        assertThat(loaded.path("metadata-location").asText()).startsWith("s3://lake/tributary/");
        assertThat(loaded.path("config").path("s3.access-key-id").asText())
            .isEqualTo(S3Server.ACCESS_KEY_ID);
        assertThat(loaded.path("config").path("s3.secret-access-key").asText())
            .isEqualTo(S3Server.SECRET_ACCESS_KEY);
        http.post("/v1/users", "application/json", "{\"name\":\"cy\",\"password\":\"cy-pass-1\"}");
        Http cy = basic(platform, "cy", "cy-pass-1");
        Http.Response refused = cy.get("/iceberg/v1/namespaces/raw/tables/events");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.raw().body()).doesNotContain(S3Server.SECRET_ACCESS_KEY);

        // Spark reads the delivered table from S3 and writes one the platform reads
        assertThat(http.put("/v1/flows/sparky", FLOW).status()).isEqualTo(201);
        String runId =
            http.post("/v1/flows/sparky/runs", "application/json", "{}")
                .body()
                .path("run-id")
                .asText();
        try {
          await()
              .atMost(SPARK_WAIT)
              .pollInterval(Duration.ofSeconds(1))
              .until(
                  () ->
                      http.get("/v1/flows/sparky/runs/" + runId)
                          .body()
                          .path("state")
                          .asText()
                          .matches("success|failed"));
        } catch (ConditionTimeoutException e) {
          throw new AssertionError(
              "the Spark task's log so far: "
                  + http.get("/v1/flows/sparky/runs/" + runId + "/tasks/listens/log").raw().body(),
              e);
        }
        String log =
            http.get("/v1/flows/sparky/runs/" + runId + "/tasks/listens/log").raw().body()
                + http.get("/v1/flows/sparky/runs/" + runId + "/tasks/inserts/log").raw().body();
        assertThat(http.get("/v1/flows/sparky/runs/" + runId).body().path("state").asText())
            .as(log)
            .isEqualTo("success");
        assertThat(log).as("the secret is never logged").doesNotContain(S3Server.SECRET_ACCESS_KEY);
        assertThat(http.get("/v1/tables/transformed.spark_on_s3").body().path("location").asText())
            .startsWith("s3://lake/tributary/");
        assertThat(http.count("SELECT count(*) FROM transformed.spark_on_s3")).isEqualTo(2);
        assertThat(http.count("SELECT ms FROM transformed.spark_on_s3 WHERE show_id = 'a'"))
            .isEqualTo(30);
        assertThat(http.count("SELECT total FROM transformed.spark_on_s3 WHERE show_id = 'a'"))
            .as("read from transformed.totals, which a sql task wrote")
            .isEqualTo(30);
        assertThat(http.count("SELECT min(errors) FROM transformed.spark_on_s3"))
            .as("read from raw.events_errors")
            .isEqualTo(1);
        assertThat(http.count("SELECT count(*) FROM transformed.totals"))
            .as("Spark's INSERT INTO the sql task's table")
            .isEqualTo(4);
        assertThat(http.count("SELECT ms FROM transformed.totals WHERE show_id = 'spark_a'"))
            .isEqualTo(31);
      }
    }
  }

  private static Http basic(Platform platform, String user, String password) {
    String header =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return new Http(platform.httpUri(), () -> Optional.of(header));
  }
}
