package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.core.config.TributaryConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files to tables in the running platform: uploads, the crawler API and CLI, event mode on the
 * Kafka landing topic, and queries over the crawled tables right away.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrawlerPlatformIT {
  @TempDir static Path dir;
  private Platform platform;
  private Http http;
  private String server;

  @BeforeAll
  void start() {
    String yaml =
        TestConfigs.yaml(dir, 0, "  - name: app_events\n")
            + """
            crawlers:
              - name: catalog
              - name: flowed
              - name: profiles
                mode: event
            """;
    platform = Platform.start(TributaryConfig.fromYaml(yaml, "test"), Clock.systemUTC());
    http = Http.admin(platform);
    server = platform.httpUri().toString();
  }

  @AfterAll
  void stop() {
    platform.close();
  }

  private Http.Response upload(String path, byte[] body) {
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(platform.httpUri().resolve(path))
                      .header("Authorization", http.authorization())
                      .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      JsonNode json = response.body().isEmpty() ? null : Http.JSON.readTree(response.body());
      return new Http.Response(response.statusCode(), json, response);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void uploadCrawlQuery() {
    StringBuilder shows = new StringBuilder();
    for (int i = 0; i < 100_000; i++) {
      shows.append(
          String.format(
              "{\"show_id\": \"show_%d\", \"Title\": \"Show %d\", \"episodes\": %d}%n",
              i, i, i % 40));
    }
    byte[] body = shows.toString().getBytes(StandardCharsets.UTF_8);
    assertThat(body.length).isGreaterThan(4 << 20); // beyond the ingest request limit: streamed

    Http.Response landed = upload("/v1/landing/catalog/shows/2026-11-26/shows.json", body);
    assertThat(landed.status()).isEqualTo(201);
    assertThat(landed.body().path("size").asLong()).isEqualTo(body.length);
    assertThat(dir.resolve("landing/catalog/shows/2026-11-26/shows.json")).hasSize(body.length);

    Http.Response run = http.post("/v1/crawlers/catalog/runs?wait=true", null, new byte[0]);
    assertThat(run.status()).isEqualTo(200);
    assertThat(run.body().path("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(run.body().path("counts").path("rowsLoaded").asLong()).isEqualTo(100_000);

    assertThat(http.count("SELECT count(*) FROM raw.catalog_shows")).isEqualTo(100_000);
    assertThat(
            http.count(
                "SELECT count(*) FROM raw.catalog_shows WHERE \"date\" = DATE '2026-11-26'"
                    + " AND title = 'Show 7'"))
        .isEqualTo(1);
    JsonNode runs = http.get("/v1/crawlers/catalog/runs").body();
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).path("counts").path("tablesCreated").asInt()).isEqualTo(1);
    JsonNode table = http.get("/v1/tables/raw.catalog_shows").body();
    assertThat(table.path("properties").path("tributary.crawler").asText()).isEqualTo("catalog");
    assertThat(table.path("properties").path("tributary.row-count").asText()).isEqualTo("100000");
  }

  @Test
  void aFlowTaskRunsACrawlerAndFailsWhenItCannot() {
    byte[] items = "{\"item\": 1}\n{\"item\": 2}\n".getBytes(StandardCharsets.UTF_8);
    assertThat(upload("/v1/landing/flowed/items/a.json", items).status()).isEqualTo(201);
    String flow =
        "tasks:\n  - { id: land, type: crawl, crawler: flowed }\n"
            + "  - { id: ghost, type: crawl, crawler: nope, depends-on: land }\n";
    assertThat(http.put("/v1/flows/crawling", flow).status()).isEqualTo(201);

    String runId =
        http.post(
                "/v1/flows/crawling/runs", "application/json", "{\"logical-date\":\"2024-01-01\"}")
            .body()
            .path("run-id")
            .asText();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                http.get("/v1/flows/crawling/runs/" + runId)
                    .body()
                    .path("state")
                    .asText()
                    .equals("failed"));

    JsonNode tasks = http.get("/v1/flows/crawling/runs/" + runId).body().path("tasks");
    assertThat(tasks.get(0).path("state").asText()).isEqualTo("success");
    assertThat(http.get("/v1/flows/crawling/runs/" + runId + "/tasks/land/log").raw().body())
        .contains("Crawler flowed succeeded: run ")
        .contains("1 files loaded (2 rows)");
    assertThat(http.count("SELECT count(*) FROM raw.flowed_items")).isEqualTo(2);
    assertThat(tasks.get(1).path("state").asText()).isEqualTo("failed");
    assertThat(tasks.get(1).path("error").asText()).isEqualTo("Unknown crawler 'nope'");
  }

  @Test
  void uploadsOutsideTheSourceAreRefused() {
    assertThat(upload("/v1/landing/catalog/..%2F..%2Fetc%2Fx.json", new byte[] {1}).status())
        .isEqualTo(400);
    assertThat(upload("/v1/landing/catalog/a/.hidden", new byte[] {1}).status()).isEqualTo(400);
    assertThat(upload("/v1/landing/Bad%20Source/x.json", new byte[] {1}).status()).isEqualTo(400);
  }

  @Test
  void crawlersAreManagedOverHttp() {
    Http.Response created = http.put("/v1/crawlers/shows", "{\"source\": \"show-catalog\"}");
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.body().path("spec").path("namespace").asText()).isEqualTo("raw");
    assertThat(
            http.put("/v1/crawlers/shows", "{\"source\": \"show-catalog\", \"mode\": \"event\"}")
                .status())
        .isEqualTo(200);
    assertThat(http.get("/v1/crawlers").body().findValuesAsText("name"))
        .contains("catalog", "profiles", "shows");
    Http.Response invalid = http.put("/v1/crawlers/bad", "{\"on-removed\": \"shred\"}");
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.body().path("error").path("message").asText())
        .contains("on-removed")
        .contains("shred");
    assertThat(http.delete("/v1/crawlers/shows").status()).isEqualTo(204);
    assertThat(http.get("/v1/crawlers/shows").status()).isEqualTo(404);
    assertThat(http.post("/v1/crawlers/nope/runs", null, new byte[0]).status()).isEqualTo(404);
  }

  @Test
  void eventModePicksUpACopiedFileWithinSeconds() throws IOException {
    Path file = dir.resolve("landing/profiles/users.json");
    Files.createDirectories(file.getParent());
    Files.writeString(
        file,
        "{\"user_id\": \"u1\", \"country\": \"DE\"}\n{\"user_id\": \"u2\", \"country\": \"FR\"}\n");
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> http.count("SELECT count(*) FROM raw.profiles") == 2);
  }

  @Test
  void cliLandsAndCrawls() throws IOException {
    Path a = dir.resolve("creators-a.json");
    Path b = dir.resolve("creators-b.json");
    Files.writeString(a, "{\"creator_id\": 1, \"name\": \"Ana\"}\n");
    Files.writeString(
        b, "{\"creator_id\": 2, \"name\": \"Bo\"}\n{\"creator_id\": \"x\", \"name\": \"Cy\"}\n");
    http.put("/v1/crawlers/creators", "{}");

    CliRun land = run("land", "--server", server, "creators", a.toString(), b.toString());
    assertThat(land.exit()).as(land.err()).isZero();
    assertThat(land.out())
        .contains("landed creators/creators-a.json")
        .contains("landed creators/creators-b.json");
    assertThat(land.err()).contains("100%");

    CliRun crawl = run("crawl", "--server", server, "creators");
    assertThat(crawl.exit()).as(crawl.out() + crawl.err()).isZero();
    assertThat(crawl.out())
        .contains("succeeded")
        .contains("2 loaded")
        .contains("created raw.creators")
        .contains(", via ");

    CliRun list = run("crawlers", "--server", server);
    assertThat(list.out()).contains("creators").contains("SUCCEEDED");
    assertThat(http.count("SELECT count(*) FROM raw.creators")).isPositive();
  }

  private CliRun run(String... args) {
    return CliRun.platform(platform.config().dataDir(), args);
  }
}
