package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Point-in-time datasets and recommendations on the real platform: a dataset over two stream tables
 * built over HTTP, read back over HTTP, the PostgreSQL protocol (psql) and the Iceberg REST
 * catalog, rebuilt identically after its inputs moved on, exported as Parquet; a {@code recommend}
 * flow task and the recommendations endpoint.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatasetsPlatformIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

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
                  - name: listens
                    partitions: 1
                    buffer: { interval: 0s }
                  - name: plans
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

  @Test
  void datasetIsBuiltReadRebuiltExportedAndRecommendationsServed() throws Exception {
    // 12 users over 3 weeks; users of even number like shows a..e, odd ones f..j
    StringBuilder listens = new StringBuilder();
    int count = 0;
    for (int day = 0; day < 21; day++) {
      for (int user = 0; user < 12; user++) {
        String show = String.valueOf((char) ('a' + (user % 2) * 5 + (day + user) % 5));
        listens.append(
            String.format(
                "{\"user_id\":\"u%d\",\"show_id\":\"%s\",\"ts\":\"%s\"}%n",
                user, show, T0.plus(Duration.ofDays(day)).plusSeconds(3600L * user)));
        count++;
      }
    }
    // one odd user also heard an even show: the bridge that lets u0 be recommended f..j
    listens.append(
        String.format(
            "{\"user_id\":\"u11\",\"show_id\":\"a\",\"ts\":\"%s\"}%n", T0.plusSeconds(60)));
    count++;
    assertThat(http.ndjson("listens", listens.toString()).status()).isEqualTo(200);
    String plans =
        "{\"user_id\":\"u0\",\"ts\":\"2026-10-01T00:00:00Z\",\"plan\":\"free\"}\n"
            + "{\"user_id\":\"u0\",\"ts\":\"2026-11-10T00:00:00Z\",\"plan\":\"pro\"}\n"
            + "{\"user_id\":\"u1\",\"ts\":\"2026-11-05T00:00:00Z\",\"plan\":\"pro\"}\n";
    assertThat(http.ndjson("plans", plans).status()).isEqualTo(200);
    int listened = count;
    await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.listens") == listened);
    await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.plans") == 3);

    String definition =
        """
        {"name": "listens_pit",
         "labels": "SELECT user_id, show_id, ts FROM raw.listens",
         "features": [{"table": "raw.plans", "key": "user_id", "timestamp": "ts", "columns": ["plan"]}]}
        """;
    Http.Response built = http.post("/v1/datasets", "application/json", definition);
    assertThat(built.status()).as(built.raw().body()).isEqualTo(201);
    assertThat(built.body().path("rows").asLong()).isEqualTo(count);
    assertThat(built.body().path("inputs").has("raw.listens")).isTrue();
    assertThat(built.body().path("inputs").has("raw.plans")).isTrue();
    String checksum = built.body().path("checksum").asText();

    // point in time: u0 was free before Nov 10 and pro from then; u1 had no plan before Nov 5
    assertThat(
            http.count(
                "SELECT count(*) FROM transformed.listens_pit WHERE user_id = 'u0' AND"
                    + " ((ts < TIMESTAMPTZ '2026-11-10 00:00:00+00' AND plan <> 'free') OR"
                    + " (ts >= TIMESTAMPTZ '2026-11-10 00:00:00+00' AND plan <> 'pro'))"))
        .isZero();
    assertThat(
            http.count(
                "SELECT count(*) FROM transformed.listens_pit WHERE user_id = 'u1' AND"
                    + " ts < TIMESTAMPTZ '2026-11-05 00:00:00+00' AND plan IS NOT NULL"))
        .isZero();

    assertThat(http.get("/v1/datasets/listens_pit").body().path("checksum").asText())
        .isEqualTo(checksum);
    assertThat(http.get("/v1/datasets").body().path("datasets")).hasSize(1);
    assertThat(http.get("/v1/datasets/nope").status()).isEqualTo(404);

    // the inputs move on; the rebuild reads the recorded snapshots
    assertThat(
            http.ndjson(
                    "plans",
                    "{\"user_id\":\"u1\",\"ts\":\"2026-10-01T00:00:00Z\",\"plan\":\"trial\"}\n")
                .status())
        .isEqualTo(200);
    await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.plans") == 4);
    Http.Response rebuilt = http.post("/v1/datasets/listens_pit/rebuild", "application/json", "");
    assertThat(rebuilt.status()).as(rebuilt.raw().body()).isEqualTo(200);
    assertThat(rebuilt.body().path("identical").asBoolean()).isTrue();
    assertThat(rebuilt.body().path("manifest").path("checksum").asText()).isEqualTo(checksum);

    // export: one Parquet file
    HttpResponse<byte[]> parquet =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(platform.httpUri() + "/v1/datasets/listens_pit/export"))
                    .header("Authorization", http.authorization())
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(parquet.statusCode()).isEqualTo(200);
    assertThat(new String(parquet.body(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("PAR1");

    // the PostgreSQL protocol reads it as any lake table
    assertThat(psql("SELECT count(*) FROM transformed.listens_pit"))
        .isEqualTo(String.valueOf(count));

    // Python reads it over the PostgreSQL protocol (psycopg2), with typed values
    JsonNode python = Http.JSON.readTree(python(PSYCOPG2_READ));
    assertThat(python.path("rows").asInt()).isEqualTo(count);
    assertThat(python.path("columns").toString()).contains("user_id", "show_id", "ts", "plan");
    assertThat(python.path("ts_is_datetime").asBoolean()).isTrue();
    assertThat(python.path("u0_plans").toString()).isEqualTo("[\"free\",\"pro\"]");
    assertThat(python.path("u1_plan_before_nov5").toString()).isEqualTo("[null]");

    // the Iceberg REST catalog serves it too
    Http.Response table = http.get("/iceberg/v1/namespaces/transformed/tables/listens_pit");
    assertThat(table.status()).as(table.raw().body()).isEqualTo(200);

    // bad input: what and where
    Http.Response bad =
        http.post(
            "/v1/datasets",
            "application/json",
            "{\"name\":\"bad\",\"labels\":\"SELECT user_id, ts FROM raw.listens\",\"features\":"
                + "[{\"table\":\"raw.plans\",\"key\":\"user_id\",\"timestamp\":\"ts\",\"columns\":[\"tier\"]}]}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().path("error").path("message").asText())
        .contains("features[0].columns[0]", "'tier'", "raw.plans");

    // a recommend task on the dataset, then the endpoint
    String flow =
        """
        name: recommend_shows
        tasks:
          - id: train
            type: recommend
            dataset: transformed.listens_pit
            holdout: 7d
        """;
    assertThat(http.put("/v1/flows/recommend_shows", flow).status()).isEqualTo(201);
    Http.Response run =
        http.post(
            "/v1/flows/recommend_shows/runs",
            "application/json",
            "{\"logical-date\":\"2026-11-22\"}");
    assertThat(run.status()).as(run.raw().body()).isEqualTo(201);
    String runId = run.body().path("run-id").asText();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              String state =
                  http.get("/v1/flows/recommend_shows/runs/" + runId).body().path("state").asText();
              return state.equals("success") || state.equals("failed");
            });
    JsonNode ended = http.get("/v1/flows/recommend_shows/runs/" + runId).body();
    assertThat(ended.path("state").asText()).as(ended.toString()).isEqualTo("success");
    assertThat(http.count("SELECT count(*) FROM transformed.show_recommendations_eval"))
        .isEqualTo(2);

    Http.Response served = http.get("/v1/recommendations/u0");
    assertThat(served.status()).as(served.raw().body()).isEqualTo(200);
    JsonNode recommendations = served.body().path("recommendations");
    assertThat(recommendations).isNotEmpty();
    assertThat(recommendations.get(0).path("rank").asInt()).isEqualTo(1);
    // u0 heard all of a..e: it is recommended only shows it never heard
    for (JsonNode recommendation : recommendations) {
      assertThat(List.of("a", "b", "c", "d", "e"))
          .doesNotContain(recommendation.path("show_id").asText());
    }
  }

  private static final String PSYCOPG2_READ =
      """
      import datetime, json, os, psycopg2
      conn = psycopg2.connect(host="127.0.0.1", port=int(os.environ["PGPORT"]), user="admin",
                              password=os.environ["PGPASSWORD"], dbname="tributary")
      cur = conn.cursor()
      cur.execute("SELECT user_id, show_id, ts, plan FROM transformed.listens_pit")
      columns = [d[0] for d in cur.description]
      rows = cur.fetchall()
      conn.close()
      nov5 = datetime.datetime(2026, 11, 5, tzinfo=datetime.timezone.utc)
      print(json.dumps({
          "rows": len(rows),
          "columns": columns,
          "ts_is_datetime": all(isinstance(r[2], datetime.datetime) for r in rows),
          "u0_plans": sorted({r[3] for r in rows if r[0] == "u0"}),
          "u1_plan_before_nov5": list({r[3] for r in rows if r[0] == "u1" and r[2] < nov5}),
      }))
      """;

  /** Runs {@code script} with the system's Python 3 and psycopg2; answers its standard output. */
  private String python(String script) throws Exception {
    var secrets =
        Http.JSON.readTree(platform.config().dataDir().resolve("admin-credentials.json").toFile());
    ProcessBuilder python = new ProcessBuilder("/usr/bin/python3", "-c", script);
    python.environment().put("PGPASSWORD", secrets.path("password").asText());
    python.environment().put("PGPORT", String.valueOf(platform.pgwirePort()));
    Process process = python.start();
    process.getOutputStream().close();
    var err =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(err.join()).isZero();
    return out.strip();
  }

  private static String drain(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  private String psql(String sql) throws Exception {
    var secrets =
        Http.JSON.readTree(platform.config().dataDir().resolve("admin-credentials.json").toFile());
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
                sql)
            .redirectErrorStream(true);
    psql.environment().put("PGPASSWORD", secrets.path("password").asText());
    Process process = psql.start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(out).isZero();
    return out.strip();
  }
}
