package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.core.config.TributaryConfig;
import io.tributary.server.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Topics and functions in the whole platform: notifications published over HTTP, enriched from a
 * catalog service on loopback, delivered to the lake once each; dead letters in their table; the
 * HTTP API, metrics and CLI.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FunctionsPlatformIT {
  private static final Duration WAIT = Duration.ofSeconds(40);

  @TempDir static Path dir;
  private CatalogFake catalog;
  private Platform platform;
  private Http http;

  @BeforeAll
  void start() {
    catalog = new CatalogFake();
    String yaml =
        TestConfigs.yaml(
                dir,
                0,
                """
                  - name: show_catalog
                    partitions: 2
                    buffer: { interval: 1s }
                  - name: enrich_shows_dlq
                    partitions: 1
                    buffer: { interval: 1s }
                """)
            + """
            egress: { allowed-hosts: ["%s"] }
            topics:
              - name: catalog_changes
                key: show_id
            functions:
              - name: enrich_shows
                topic: catalog_changes
                type: http-enrich
                url: %s/shows/{show_id}
                keep: [show_id, title, creator.name, schedule.start]
                emit-to: show_catalog
                retry: { attempts: 5, initial-delay: 20ms, max-delay: 200ms }
            """
                .formatted(catalog.uri().getAuthority(), catalog.uri());
    platform = Platform.start(TributaryConfig.fromYaml(yaml, "test"), Clock.systemUTC());
    http = Http.admin(platform);
  }

  @AfterAll
  void stop() {
    platform.close();
    catalog.close();
  }

  @Test
  void notificationsAreEnrichedAndDeliveredOnceWithDeadLettersInTheirTable() {
    catalog.failTimes("s3", 2);
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 30; i++) {
      String show = i == 7 ? "missing7" : "s" + (i % 6);
      body.append("{\"change_id\":\"ch%d\",\"show_id\":\"%s\"}\n".formatted(i, show));
    }
    Http.Response published =
        http.post("/v1/topics/catalog_changes/messages", "application/x-ndjson", body.toString());
    assertThat(published.status()).isEqualTo(200);
    assertThat(published.body().path("accepted").asInt()).isEqualTo(30);
    await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.show_catalog") == 29);
    Http.Response rows =
        http.sql(
            "SELECT change_id, show_id, title, creator_name, schedule_start FROM raw.show_catalog"
                + " ORDER BY change_id");
    List<String> ids = new ArrayList<>();
    for (JsonNode row : rows.body().path("rows")) {
      ids.add(row.path(0).asText());
      assertThat(row.path(2).asText()).isEqualTo("Show " + row.path(1).asText());
      assertThat(row.path(3).asText()).isEqualTo("Ada");
      assertThat(row.path(4).asText()).startsWith("2026-11-26T10:00");
    }
    assertThat(new HashSet<>(ids)).hasSize(29).doesNotContain("ch7");

    await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.enrich_shows_dlq") == 1);
    Http.Response letter =
        http.sql("SELECT error_code, error, attempts, message, function FROM raw.enrich_shows_dlq");
    JsonNode row = letter.body().path("rows").path(0);
    assertThat(row.path(0).asText()).isEqualTo("http_404");
    assertThat(row.path(1).asText()).contains("404").contains("no show missing7");
    assertThat(row.path(2).asInt()).isEqualTo(1);
    assertThat(row.path(3).asText()).contains("\"change_id\":\"ch7\"");
    assertThat(row.path(4).asText()).isEqualTo("enrich_shows");
    JsonNode status = http.get("/v1/functions/enrich_shows").body().path("status");
    assertThat(status.path("state").asText()).isEqualTo("running");
    assertThat(status.path("processed").asLong()).isEqualTo(30);
    assertThat(status.path("emitted").asLong()).isEqualTo(29);
    assertThat(status.path("retries").asLong()).isEqualTo(2);
    assertThat(status.path("deadLetters").asLong()).isEqualTo(1);
    assertThat(status.path("lag").asLong()).isZero();
    // delivery of a stream written by transactions reaches the end (commit markers included)
    await()
        .atMost(WAIT)
        .until(
            () ->
                http.get("/v1/streams/show_catalog").body().path("delivery").path("lag").asLong()
                    == 0);
    assertThat(http.get("/metrics").raw().body())
        .contains("tributary_function_processed_total{function=\"enrich_shows\"")
        .contains("tributary_function_dead_letters_total");
    String cli = cli("functions", "--server", platform.httpUri().toString());
    assertThat(cli).contains("enrich_shows").contains("catalog_changes").contains("http-enrich");
  }

  @Test
  void topicsAndFunctionsAreManagedOverHttp() {
    assertThat(http.put("/v1/topics/plays", "{\"partitions\": 2}").status()).isEqualTo(201);
    assertThat(http.get("/v1/topics").body().toString()).contains("plays");
    Http.Response bad =
        http.put(
            "/v1/functions/likes_only",
            "{\"topic\": \"plays\", \"type\": \"filter\", \"where\": \"kind = 'like'\","
                + " \"emit-to\": \"likes\"}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().path("error").path("message").asText())
        .contains("function 'likes_only'.where")
        .contains("kind = 'like'");
    Http.Response put =
        http.put(
            "/v1/functions/likes_only",
            "{\"topic\": \"plays\", \"type\": \"filter\", \"where\": \"kind == 'like'\","
                + " \"emit-to\": \"likes\"}");
    assertThat(put.status()).isEqualTo(201);
    assertThat(put.body().path("spec").path("where").asText()).isEqualTo("kind == 'like'");
    assertThat(http.get("/v1/streams/likes").status()).as("emit-to declared").isEqualTo(200);
    assertThat(http.get("/v1/functions").body().toString()).contains("likes_only");
    Http.Response inUse = http.delete("/v1/topics/plays");
    assertThat(inUse.status()).as("in use").isEqualTo(409);
    assertThat(inUse.body().path("error").path("code").asText()).isEqualTo("topic_in_use");
    // streams and topics are both Kafka topics: neither takes the other's name
    Http.Response streamLikeTopic = http.put("/v1/streams/plays", "{}");
    assertThat(streamLikeTopic.status()).as("stream named like a topic").isEqualTo(409);
    assertThat(streamLikeTopic.body().path("error").path("code").asText()).isEqualTo("name_taken");
    assertThat(streamLikeTopic.body().path("error").path("message").asText())
        .contains("Cannot create stream 'plays'")
        .contains("a topic has that name");
    Http.Response topicLikeStream = http.put("/v1/topics/likes", "{}");
    assertThat(topicLikeStream.status()).as("topic named like a stream").isEqualTo(409);
    assertThat(topicLikeStream.body().path("error").path("message").asText())
        .contains("Cannot create topic 'likes'")
        .contains("a stream has that name");

    Http.Response unknown =
        http.post("/v1/topics/nope/messages", "application/x-ndjson", "{\"a\":1}");
    assertThat(unknown.status()).isEqualTo(404);
    Http.Response media = http.post("/v1/topics/plays/messages", "text/csv", "a,b");
    assertThat(media.status()).isEqualTo(415);
    Http.Response mixed =
        http.post(
            "/v1/topics/plays/messages",
            "application/x-ndjson",
            "{\"kind\":\"like\"}\n{broken\n{\"kind\":\"play\"}\n");
    assertThat(mixed.status()).isEqualTo(200);
    assertThat(mixed.body().path("accepted").asInt()).isEqualTo(2);
    assertThat(mixed.body().path("errors").path(0).path("index").asInt()).isEqualTo(1);
    await()
        .atMost(WAIT)
        .until(
            () ->
                http.get("/v1/functions/likes_only")
                        .body()
                        .path("status")
                        .path("processed")
                        .asLong()
                    == 2);

    assertThat(http.delete("/v1/functions/likes_only").status()).isEqualTo(204);
    assertThat(http.get("/v1/functions/likes_only").status()).isEqualTo(404);
    assertThat(http.delete("/v1/topics/plays").status()).isEqualTo(204);
    assertThat(http.get("/v1/topics/plays").status()).isEqualTo(404);
  }

  private synchronized String cli(String... args) {
    PrintStream out = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream captured = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      System.setOut(captured);
      Main.commandLine().execute(CliRun.withDataDir(platform.config().dataDir(), args));
    } finally {
      System.setOut(out);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
