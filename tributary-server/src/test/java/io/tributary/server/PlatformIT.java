package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.core.TableId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The whole platform over HTTP: ingest, delivery, errors, evolution, query, API edges. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlatformIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir static Path dir;
  private Platform platform;
  private Http http;

  @BeforeAll
  void start() {
    platform =
        Platform.start(
            TestConfigs.config(
                dir,
                """
                  - name: events
                    partitions: 2
                    buffer: { interval: 1s }
                  - name: evolve
                    partitions: 1
                    buffer: { interval: 0s }
                    partition-by: [ "day(_ingested_at)", "event_type" ]
                  - name: big
                    partitions: 1
                    buffer: { interval: 900s, size: 4KiB }
                  - name: flaky
                    partitions: 2
                    buffer: { interval: 1s }
                  - name: travel
                    partitions: 1
                    buffer: { interval: 0s }
                """),
            Clock.systemUTC());
    http = Http.admin(platform);
  }

  @AfterAll
  void stop() {
    platform.close();
  }

  @Test
  void psqlConnectsAsAdminWithTheGeneratedPassword() throws Exception {
    Path credentials = platform.config().dataDir().resolve("admin-credentials.json");
    assertThat(java.nio.file.Files.getPosixFilePermissions(credentials))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    var secrets = new com.fasterxml.jackson.databind.ObjectMapper().readTree(credentials.toFile());
    assertThat(secrets.path("user").asText()).isEqualTo("admin");
    assertThat(secrets.path("token").asText()).isNotBlank();
    ProcessBuilder psql =
        new ProcessBuilder(
                "psql",
                "-X",
                "-A",
                "-t",
                "-h",
                "127.0.0.1",
                "-p",
                String.valueOf(platform.pgwirePort()),
                "-U",
                "admin",
                "-d",
                "tributary",
                "-c",
                "SELECT 41 + 1")
            .redirectErrorStream(true);
    psql.environment().put("PGPASSWORD", secrets.path("password").asText());
    Process process = psql.start();
    process.getOutputStream().close();
    String out =
        new String(
            process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(out).isZero();
    assertThat(out.strip()).isEqualTo("42");
  }

  @Test
  void ndjsonAndArrayBatchesAreDeliveredFlattenedAndQueryable() {
    var ndjson =
        http.ndjson(
            "events",
            """
            {"event_id":"a1","event_type":"listen_start","show_id":"s1","device":{"os":"ios","app":{"version":"5.1"}}}
            {"event_id":"a2","event_type":"listen_start","show_id":"s1"}
            {"event_id":"a3","event_type":"like","show_id":"s2"}
            """);
    assertThat(ndjson.status()).isEqualTo(200);
    assertThat(ndjson.body().path("accepted").asInt()).isEqualTo(3);
    var array =
        http.post(
            "/v1/streams/events/records",
            "application/json",
            "[{\"event_id\":\"a4\",\"event_type\":\"listen_start\",\"show_id\":\"s2\"}]");
    assertThat(array.body().path("accepted").asInt()).isEqualTo(1);

    await()
        .atMost(WAIT)
        .until(
            () ->
                tableExists("raw.events")
                    && http.count("SELECT count(*) FROM raw.events WHERE event_id LIKE 'a_'") == 4);
    var top =
        http.sql(
            "SELECT show_id, count(*) AS listens FROM raw.events WHERE event_type = 'listen_start'"
                + " AND event_id LIKE 'a_'"
                + " GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10");
    assertThat(top.body().path("rows").toString()).isEqualTo("[[\"s1\",2],[\"s2\",1]]");
    assertThat(http.count("SELECT count(*) FROM raw.events WHERE device_app_version = '5.1'"))
        .isEqualTo(1);
    assertThat(http.count("SELECT count(*) FROM raw.events WHERE _ingested_at IS NULL")).isZero();
  }

  @Test
  void queriesTimeTravelAndReadMetadataTables() {
    http.ndjson("travel", "{\"event_id\":\"t1\"}");
    await().atMost(WAIT).until(() -> tableExists("raw.travel"));
    await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.travel") == 1);
    long first =
        http.sql("SELECT max_by(snapshot_id, made_current_at) FROM raw.\"travel$history\"")
            .body()
            .path("rows")
            .path(0)
            .path(0)
            .asLong();
    http.ndjson("travel", "{\"event_id\":\"t2\"}");
    await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.travel") == 2);

    assertThat(http.count("SELECT count(*) FROM raw.travel FOR VERSION AS OF " + first))
        .isEqualTo(1);
    assertThat(http.count("SELECT count(*) FROM raw.\"travel$snapshots\"")).isGreaterThan(1);
    assertThat(http.count("SELECT sum(record_count) FROM raw.\"travel$files\"")).isEqualTo(2);
    var unknown = http.sql("SELECT * FROM raw.travel FOR VERSION AS OF 123456789");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body().toString()).contains("raw.travel").contains("123456789");
  }

  @Test
  void kafkaClientsProduceToTheStreamDirectly() throws Exception {
    try (var producer = KafkaClients.admin(platform)) {
      producer
          .send(
              new ProducerRecord<>(
                  "events",
                  "{\"event_id\":\"k1\",\"event_type\":\"follow\"}"
                      .getBytes(StandardCharsets.UTF_8)))
          .get();
      producer
          .send(new ProducerRecord<>("events", "not json".getBytes(StandardCharsets.UTF_8)))
          .get();
    }
    await()
        .atMost(WAIT)
        .until(
            () ->
                tableExists("raw.events")
                    && http.count("SELECT count(*) FROM raw.events WHERE event_id = 'k1'") == 1);
    await()
        .atMost(WAIT)
        .until(
            () ->
                tableExists("raw.events_errors")
                    && http.count(
                            "SELECT count(*) FROM raw.events_errors WHERE payload = 'not json'"
                                + " AND code = 'invalid_json'")
                        == 1);
  }

  @Test
  void aFailedWriteIsReadAgainFromKafkaAndDeliveredOnce() throws Exception {
    http.ndjson("flaky", "{\"event_id\":\"f0\"}");
    await()
        .atMost(WAIT)
        .until(() -> tableExists("raw.flaky") && http.count("SELECT count(*) FROM raw.flaky") == 1);
    Path data =
        Path.of(
                java.net.URI.create(
                    platform
                        .lake()
                        .loadTable(new TableId("raw", "flaky"))
                        .orElseThrow()
                        .location()))
            .resolve("data");
    Path aside = data.resolveSibling("data-aside");
    Files.move(data, aside);
    Files.writeString(data, "not a directory: writing data files fails");
    StringBuilder batch = new StringBuilder();
    for (int i = 1; i <= 20; i++) {
      batch.append("{\"event_id\":\"f").append(i).append("\"}\n");
    }
    assertThat(http.ndjson("flaky", batch.toString()).body().path("accepted").asInt())
        .isEqualTo(20);
    await()
        .atMost(WAIT)
        .until(() -> platform.delivery().status("flaky").orElseThrow().lastError() != null);
    Files.delete(data);
    Files.move(aside, data);
    await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.flaky") == 21);
    assertThat(http.count("SELECT count(DISTINCT event_id) FROM raw.flaky")).isEqualTo(21);
    assertThat(platform.delivery().status("flaky").orElseThrow().lastError()).isNull();
  }

  @Test
  void schemaEvolvesAndTypeConflictsGoToTheErrorTable() {
    http.ndjson("evolve", "{\"event_type\":\"a\",\"duration_ms\":10}");
    await().atMost(WAIT).until(() -> tableExists("raw.evolve"));
    await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.evolve") == 1);
    var second =
        http.ndjson(
            "evolve",
            """
            {"event_type":"b","duration_ms":20,"new_field":"x","score":1.5}
            {"event_type":"b","duration_ms":"abc"}
            """);
    assertThat(second.body().path("accepted").asInt()).isEqualTo(2);
    await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.evolve") == 2);
    await().atMost(WAIT).until(() -> tableExists("raw.evolve_errors"));
    var errors =
        http.sql(
            "SELECT stream, \"partition\", \"offset\", code, reason, payload FROM raw.evolve_errors");
    JsonNode row = errors.body().path("rows").path(0);
    assertThat(row.path(0).asText()).isEqualTo("evolve");
    assertThat(row.path(1).asLong()).isZero();
    assertThat(row.path(2).asLong()).isEqualTo(2);
    assertThat(row.path(3).asText()).isEqualTo("type_mismatch");
    assertThat(row.path(4).asText()).contains("duration_ms").contains("abc");
    assertThat(row.path(5).asText()).contains("\"duration_ms\":\"abc\"");
    assertThat(http.count("SELECT count(*) FROM raw.evolve WHERE new_field IS NULL")).isEqualTo(1);
    JsonNode table = http.get("/v1/tables/raw.evolve").body();
    assertThat(table.toString()).contains("new_field").contains("score").contains("event_type");
  }

  @Test
  void bufferSizeTriggersAFlushLongBeforeTheInterval() {
    String filler = "x".repeat(1500);
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      body.append("{\"i\":").append(i).append(",\"filler\":\"").append(filler).append("\"}\n");
    }
    assertThat(http.ndjson("big", body.toString()).body().path("accepted").asInt()).isEqualTo(4);
    await()
        .atMost(WAIT)
        .until(() -> tableExists("raw.big") && http.count("SELECT count(*) FROM raw.big") == 4);
  }

  @Test
  void gatewayRejectsBadInputWithClearErrors() {
    var mixed =
        http.ndjson(
            "events",
            "{\"ok\":1}\n{bad json\n[1,2]\n\"text\"\n{\"big\":\""
                + "y".repeat(1_100_000)
                + "\"}\n{\"ok\":2}\n");
    assertThat(mixed.status()).isEqualTo(200);
    assertThat(mixed.body().path("accepted").asInt()).isEqualTo(2);
    assertThat(mixed.body().path("failed").asInt()).isEqualTo(4);
    assertThat(mixed.body().path("errors").toString())
        .contains("\"index\":1", "invalid_json", "\"index\":2", "not_an_object")
        .contains("\"index\":4", "record_too_large");

    assertThat(http.ndjson("nope", "{\"a\":1}").status()).isEqualTo(404);
    assertThat(http.ndjson("nope", "{\"a\":1}").body().toString()).contains("nope");
    assertThat(http.post("/v1/streams/events/records", "text/plain", "{\"a\":1}").status())
        .isEqualTo(415);
    assertThat(http.ndjson("events", "").status()).isEqualTo(400);
    assertThat(http.ndjson("events", "{\"a\":1}\n".repeat(501)).status()).isEqualTo(400);
    assertThat(http.ndjson("events", "{\"a\":1}\n".repeat(501)).body().toString())
        .contains("too_many_records");
    assertThat(
            http.post("/v1/streams/events/records", "application/json", "[{\"a\":1}, {oops")
                .status())
        .isEqualTo(400);
  }

  @Test
  void queriesCannotReadOutsideTheLakeAndBadQueriesGetCleanErrors() {
    var passwd = http.sql("SELECT * FROM read_csv('/etc/passwd')");
    assertThat(passwd.status()).isEqualTo(400);
    assertThat(passwd.body().path("error").path("message").asText())
        .isNotBlank()
        .doesNotContain("at org.");
    var syntax = http.sql("SELEC 1");
    assertThat(syntax.status()).isEqualTo(400);
    assertThat(syntax.body().path("error").path("message").asText()).contains("syntax error");
    assertThat(http.sql("DROP TABLE raw.events").status()).isEqualTo(400);
    assertThat(http.post("/v1/query", "application/json", "{not json").status()).isEqualTo(400);
  }

  @Test
  void streamsAreManagedOverHttp() {
    var created =
        http.put("/v1/streams/clicks", "{\"partitions\": 2, \"buffer\": {\"interval\": \"5s\"}}");
    assertThat(created.status()).isEqualTo(201);
    assertThat(http.get("/v1/streams/clicks").body().path("spec").path("table").asText())
        .isEqualTo("raw.clicks");
    assertThat(http.get("/v1/streams").body().toString()).contains("clicks");
    var bad = http.put("/v1/streams/clicks2", "{\"buffer\": {\"interval\": \"1200s\"}}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().path("error").path("message").asText())
        .contains("interval")
        .contains("1200s");
    assertThat(http.delete("/v1/streams/clicks").status()).isEqualTo(204);
    assertThat(http.get("/v1/streams/clicks").status()).isEqualTo(404);
  }

  @Test
  void healthMetricsTablesAndMaintenance() {
    http.ndjson("events", "{\"event_id\":\"m1\"}");
    await().atMost(WAIT).until(() -> tableExists("raw.events"));
    assertThat(http.get("/health").body().path("status").asText()).isEqualTo("ok");
    String metrics = http.get("/metrics").raw().body();
    assertThat(metrics)
        .contains("tributary_records_in_total")
        .contains("tributary_records_delivered_total")
        .contains("tributary_delivery_lag")
        .contains("tributary_delivery_commit_latency");
    JsonNode table = http.get("/v1/tables/raw.events").body();
    assertThat(table.toString()).contains("_ingested_at").contains("day(_ingested_at)");
    var maintained =
        http.post(
            "/v1/tables/raw.events/maintenance",
            "application/json",
            "{\"expire-older-than\": \"1h\", \"retain-last\": 2}");
    assertThat(maintained.status()).isEqualTo(200);
    assertThat(http.get("/v1/tables/raw.nope").status()).isEqualTo(404);
  }

  private boolean tableExists(String table) {
    return http.get("/v1/tables/" + table).status() == 200;
  }
}
