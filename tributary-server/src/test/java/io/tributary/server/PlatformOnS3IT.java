package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.core.config.TributaryConfig;
import io.tributary.lake.FaultyProxy;
import io.tributary.lake.S3Clients;
import io.tributary.lake.S3Server;
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
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The whole platform with its lake on a real S3-compatible server (S3Proxy in a child JVM): events
 * ingested over HTTP are delivered into a table on S3 and answered in SQL through the query
 * engine's read-through cache (its hit rate read from the metrics); a crawl loads landed files into
 * a table on S3, from a landing zone on S3 that it lists, reads and tracks (changed and removed
 * objects); a flow's SQL task writes a table on S3 and its maintain task compacts it; the REST
 * catalog keeps tables under the S3 warehouse; delivery rides out an S3 outage (the platform
 * reaches S3 through a {@link FaultyProxy}) without committing partial state and delivers every row
 * once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlatformOnS3IT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String BUCKET = "lake";

  @TempDir static Path dir;
  private S3Server s3;
  private FaultyProxy proxy;
  private Platform platform;
  private Http http;

  @BeforeAll
  void start() throws IOException {
    s3 = S3Server.start(dir.resolve("s3"));
    s3.createBucket(BUCKET);
    proxy = new FaultyProxy(s3.port()); // the platform reaches S3 through it
    String yaml =
        TestConfigs.yaml(
                dir.resolve("node"),
                0,
                """
                  - name: events
                    partitions: 2
                    buffer: { interval: 1s }
                  - name: outage
                    partitions: 2
                    buffer: { interval: 1s }
                """)
            + "crawlers:\n  - name: catalog\n  - name: drops\n    on-removed: delete\n"
            + "landing: s3://"
            + BUCKET
            + "/landing\n"
            + "lake:\n"
            + "  warehouse: s3://"
            + BUCKET
            + "/tributary\n"
            + "  s3:\n"
            + "    endpoint: "
            + proxy.endpoint()
            + "\n    path-style-access: true\n"
            + "    access-key-id: "
            + S3Server.ACCESS_KEY_ID
            + "\n    secret-access-key: "
            + S3Server.SECRET_ACCESS_KEY
            + "\n  cache: { size: 64MiB }\n";
    platform = Platform.start(TributaryConfig.fromYaml(yaml, "test"), Clock.systemUTC());
    http = Http.admin(platform);
  }

  @AfterAll
  void stop() {
    try {
      if (platform != null) {
        platform.close();
      }
    } finally {
      try {
        proxy.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        s3.close();
      }
    }
  }

  private List<String> objectKeys(String prefix) {
    try (S3Client client =
        S3Clients.open(S3Server.settings(s3.endpoint()), UnaryOperator.identity())) {
      return client.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)).contents().stream()
          .map(o -> o.key())
          .toList();
    }
  }

  private long localParquetFiles() throws IOException {
    Path lake = platform.config().catalog().warehouse();
    if (!Files.exists(lake)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(lake)) {
      return files.filter(f -> f.toString().endsWith(".parquet")).count();
    }
  }

  private double metric(String name, String labels) {
    String text = http.get("/metrics").raw().body();
    String tags =
        labels.isEmpty() ? "(?:\\{[^}]*})?" : "\\{[^}]*" + Pattern.quote(labels) + "[^}]*}";
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + tags + " (\\S+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void ingestedEventsAreDeliveredToS3AndQueriedThroughTheCache() throws IOException {
    StringBuilder events = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      events.append(
          String.format(
              "{\"event_id\":\"e%d\",\"event_type\":\"%s\",\"show_id\":\"s%d\"}%n",
              i, i % 3 == 0 ? "like" : "listen_start", i % 5));
    }
    assertThat(http.ndjson("events", events.toString()).status()).isEqualTo(200);

    await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.events") == 200);

    JsonNode table = http.get("/v1/tables/raw.events").body();
    assertThat(table.path("location").asText()).isEqualTo("s3://lake/tributary/raw/events");
    assertThat(objectKeys("tributary/raw/events/data/")).anyMatch(k -> k.endsWith(".parquet"));
    assertThat(localParquetFiles()).isZero();

    double hitsBefore = metric("tributary_query_cache_requests_total", "result=\"hit\"");
    double missesBefore = metric("tributary_query_cache_requests_total", "result=\"miss\"");
    for (int i = 0; i < 10; i++) {
      var top =
          http.sql(
              "SELECT show_id, count(*) FROM raw.events WHERE event_type = 'like'"
                  + " GROUP BY 1 ORDER BY 1");
      assertThat(top.status()).isEqualTo(200);
      assertThat(top.body().path("rows")).hasSize(5);
    }
    double hits = metric("tributary_query_cache_requests_total", "result=\"hit\"") - hitsBefore;
    double misses =
        metric("tributary_query_cache_requests_total", "result=\"miss\"") - missesBefore;
    double hitRate = hits / (hits + misses);
    System.out.printf(
        "query cache over S3, 10 repeated queries: %.0f hits, %.0f misses, hit rate %.3f%n",
        hits, misses, hitRate);
    assertThat(misses).isZero(); // every file was downloaded by the queries awaiting delivery
    assertThat(hitRate).isEqualTo(1.0);
    assertThat(metric("tributary_query_cache_bytes", "")).isPositive();
  }

  @Test
  void deliveryRidesOutAnS3OutageAndDeliversEveryRowOnce() throws java.sql.SQLException {
    assertThat(http.ndjson("outage", events(0, 100)).status()).isEqualTo(200);
    await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.outage") == 100);
    String metadataBefore = metadataLocation("outage");

    proxy.outage(true);
    int faultsBefore = proxy.faults();
    try {
      assertThat(http.ndjson("outage", events(100, 200)).status()).isEqualTo(200);
      // delivery keeps trying to write and commit: every try is refused
      await().atMost(WAIT).until(() -> proxy.faults() > faultsBefore + 40);
      assertThat(metadataLocation("outage"))
          .as("the catalog still points to the table's metadata before the outage")
          .isEqualTo(metadataBefore);
    } finally {
      proxy.outage(false);
    }

    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> http.count("SELECT count(*) FROM raw.outage") == 200);
    assertThat(http.count("SELECT count(DISTINCT event_id) FROM raw.outage")).isEqualTo(200);
    System.out.printf(
        "S3 outage: %d connections refused or cut; 200 of 200 rows delivered once%n",
        proxy.faults() - faultsBefore);
  }

  /** The metadata file the catalog points {@code raw.<table>} to, read from its database. */
  private String metadataLocation(String table) throws java.sql.SQLException {
    try (java.sql.Connection connection =
            java.sql.DriverManager.getConnection(platform.config().catalog().uri());
        java.sql.PreparedStatement select =
            connection.prepareStatement(
                "SELECT metadata_location FROM iceberg_tables"
                    + " WHERE table_namespace = 'raw' AND table_name = ?")) {
      select.setString(1, table);
      try (java.sql.ResultSet result = select.executeQuery()) {
        assertThat(result.next()).isTrue();
        return result.getString(1);
      }
    }
  }

  private static String events(int from, int to) {
    StringBuilder events = new StringBuilder();
    for (int i = from; i < to; i++) {
      events.append(String.format("{\"event_id\":\"o%d\"}%n", i));
    }
    return events.toString();
  }

  @Test
  void aCrawlLoadsLandedFilesIntoATableOnS3() {
    StringBuilder shows = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      shows.append(String.format("{\"show_id\": \"show_%d\", \"episodes\": %d}%n", i, i % 40));
    }
    assertThat(
            upload(
                "/v1/landing/catalog/shows/2026-11-26/shows.json",
                shows.toString().getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(201);

    Http.Response run = http.post("/v1/crawlers/catalog/runs?wait=true", null, new byte[0]);
    assertThat(run.status()).isEqualTo(200);
    assertThat(run.body().path("status").asText()).as(run.body().toString()).isEqualTo("SUCCEEDED");

    assertThat(http.count("SELECT count(*) FROM raw.catalog_shows")).isEqualTo(1000);
    assertThat(http.count("SELECT count(*) FROM raw.catalog_shows WHERE episodes = 7"))
        .isEqualTo(25);
    assertThat(objectKeys("tributary/raw/catalog_shows/data/"))
        .anyMatch(k -> k.endsWith(".parquet"));
    // the landing zone is on S3: the upload went to the bucket
    assertThat(objectKeys("landing/catalog/"))
        .containsExactly("landing/catalog/shows/2026-11-26/shows.json");
  }

  @Test
  void aCrawlListsReadsAndTracksFilesInAnS3LandingZone() {
    put("landing/drops/items/a.json", "{\"item\": 1}\n{\"item\": 2}\n");
    put("landing/drops/items/b.json", "{\"item\": 3}\n{\"item\": 4}\n");
    assertThat(crawl("drops").path("counts").path("rowsLoaded").asLong()).isEqualTo(4);
    assertThat(http.count("SELECT count(*) FROM raw.drops_items")).isEqualTo(4);

    // unchanged objects are not loaded again
    assertThat(crawl("drops").path("counts").path("rowsLoaded").asLong()).isZero();
    assertThat(http.count("SELECT count(*) FROM raw.drops_items")).isEqualTo(4);

    // a changed object replaces its rows; a removed one takes its rows away (on-removed: delete)
    put("landing/drops/items/a.json", "{\"item\": 10}\n{\"item\": 20}\n{\"item\": 30}\n");
    crawl("drops");
    assertThat(http.count("SELECT sum(item) FROM raw.drops_items")).isEqualTo(10 + 20 + 30 + 3 + 4);
    delete("landing/drops/items/b.json");
    crawl("drops");
    assertThat(http.count("SELECT count(*) FROM raw.drops_items")).isEqualTo(3);
  }

  @Test
  void theRestCatalogPlacesTablesUnderTheS3WarehouseOnly() {
    assertThat(
            http.post("/iceberg/v1/namespaces", "application/json", "{\"namespace\":[\"ext\"]}")
                .status())
        .isEqualTo(200);
    for (String outside :
        List.of(
            "s3://lake/elsewhere/ext/t",
            "s3://other-bucket/tributary/ext/t",
            "s3://lake/tributary/../escape/t",
            "s3://lake/tributary-sibling/ext/t",
            "file:///tmp/ext/t",
            "/tmp/ext/t")) {
      Http.Response refused = createTable("t", outside);
      assertThat(refused.status()).as("%s: %s", outside, refused.body()).isEqualTo(403);
    }
    Http.Response inside = createTable("t", "s3://lake/tributary/ext/t_custom");
    assertThat(inside.status()).as(inside.body().toString()).isEqualTo(200);
    Http.Response defaulted = createTable("u", null);
    assertThat(defaulted.status()).isEqualTo(200);
    assertThat(defaulted.body().path("metadata").path("location").asText())
        .isEqualTo("s3://lake/tributary/ext/u");
    assertThat(objectKeys("tributary/ext/t_custom/metadata/"))
        .anyMatch(k -> k.endsWith(".metadata.json"));
  }

  private Http.Response createTable(String name, String location) {
    var body = Http.JSON.createObjectNode();
    body.put("name", name);
    if (location != null) {
      body.put("location", location);
    }
    var schema = body.putObject("schema");
    schema.put("type", "struct");
    schema.put("schema-id", 0);
    var field = schema.putArray("fields").addObject();
    field.put("id", 1);
    field.put("name", "a");
    field.put("required", false);
    field.put("type", "long");
    return http.post("/iceberg/v1/namespaces/ext/tables", "application/json", body.toString());
  }

  private JsonNode crawl(String crawler) {
    Http.Response run = http.post("/v1/crawlers/" + crawler + "/runs?wait=true", null, new byte[0]);
    assertThat(run.status()).isEqualTo(200);
    assertThat(run.body().path("status").asText()).as(run.body().toString()).isEqualTo("SUCCEEDED");
    return run.body();
  }

  private void put(String key, String body) {
    try (S3Client client =
        S3Clients.open(S3Server.settings(s3.endpoint()), UnaryOperator.identity())) {
      client.putObject(
          b -> b.bucket(BUCKET).key(key),
          software.amazon.awssdk.core.sync.RequestBody.fromString(body));
    }
  }

  private void delete(String key) {
    try (S3Client client =
        S3Clients.open(S3Server.settings(s3.endpoint()), UnaryOperator.identity())) {
      client.deleteObject(b -> b.bucket(BUCKET).key(key));
    }
  }

  @Test
  void aFlowSqlTaskWritesATableOnS3AndMaintainCompactsIt() {
    String flow =
        """
        tasks:
          - id: add
            type: sql
            sql: SELECT range AS n, '{{ ds }}' AS ds FROM range(3)
            target: transformed.on_s3
            mode: append
          - { id: tidy, type: maintain, table: transformed.on_s3, depends-on: [add] }
        """;
    assertThat(http.put("/v1/flows/s3flow", flow).status()).isEqualTo(201);
    for (int run = 0; run < 2; run++) {
      String runId =
          http.post(
                  "/v1/flows/s3flow/runs",
                  "application/json",
                  "{\"logical-date\": \"2024-01-0" + (run + 1) + "\"}")
              .body()
              .path("run-id")
              .asText();
      await()
          .atMost(WAIT)
          .until(
              () ->
                  List.of("success", "failed")
                      .contains(
                          http.get("/v1/flows/s3flow/runs/" + runId)
                              .body()
                              .path("state")
                              .asText()));
      JsonNode ended = http.get("/v1/flows/s3flow/runs/" + runId).body();
      assertThat(ended.path("state").asText()).as(ended.toString()).isEqualTo("success");
    }
    assertThat(http.count("SELECT count(*) FROM transformed.on_s3")).isEqualTo(6);
    assertThat(http.get("/v1/tables/transformed.on_s3").body().path("location").asText())
        .startsWith("s3://lake/tributary/transformed/on_s3");
    assertThat(objectKeys("tributary/transformed/on_s3/")).anyMatch(k -> k.endsWith(".parquet"));
  }

  private int upload(String path, byte[] body) {
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(platform.httpUri().resolve(path))
                      .header("Authorization", http.authorization())
                      .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      return response.statusCode();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
