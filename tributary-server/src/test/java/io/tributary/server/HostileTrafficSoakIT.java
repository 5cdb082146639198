package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded soak: for {@link #TRAFFIC} a platform in a child JVM with the launcher's heap takes
 * mixed good and hostile traffic on the ingest and topic endpoints (JSON nested 5,000 deep, records
 * of 100,000 keys, colliding keys, numbers out of range, duplicate keys, wrong content types,
 * oversized and malformed records) while delivery, a crawler and an http-enrich function run.
 * Afterwards every acknowledged good record is in its table exactly once, and the server never ran
 * out of heap (it runs with {@code -XX:+ExitOnOutOfMemoryError}) and still answers.
 *
 * <p>Seeded: the seed is printed, and {@code -Dsoak.seed=N} replays one.
 */
class HostileTrafficSoakIT {
  private static final Duration TRAFFIC = Duration.ofSeconds(75);
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final int CLIENTS = 3;

  @TempDir Path dir;

  private final Set<String> ackedEvents = ConcurrentHashMap.newKeySet();
  private final Set<String> ackedNotes = ConcurrentHashMap.newKeySet();
  private final Set<String> landedRows = ConcurrentHashMap.newKeySet();

  @Test
  void goodRecordsLandExactlyOnceAndTheServerStaysUp() throws Exception {
    long seed = Long.getLong("soak.seed", System.nanoTime());
    System.out.println("HostileTrafficSoakIT seed: " + seed);
    try (CatalogFake catalog = new CatalogFake()) {
      int httpPort = TestConfigs.freePort();
      Path config = dir.resolve("tributary.yaml");
      Files.writeString(
          config,
          TestConfigs.yaml(
                  dir.resolve("data"),
                  httpPort,
                  """
                    - name: soak_events
                      partitions: 2
                      buffer: { interval: 2s }
                    - name: soak_shows
                      partitions: 2
                      buffer: { interval: 2s }
                  """)
              + """
              egress: { allowed-hosts: ["%s"] }
              topics:
                - name: soak_notes
                  key: show_id
              functions:
                - name: soak_enrich
                  topic: soak_notes
                  type: http-enrich
                  url: %s/shows/{show_id}
                  keep: [title]
                  emit-to: soak_shows
              crawlers:
                - name: soak_files
              """
                  .formatted(catalog.uri().getAuthority(), catalog.uri()));
      Http http = Http.admin(URI.create("http://127.0.0.1:" + httpPort), dir.resolve("data"));
      ChildServer child = new ChildServer(config, dir.resolve("server.log"), http);
      Process server = child.start("-Xmx768m", "-XX:+ExitOnOutOfMemoryError");
      try {
        child.awaitHealthy(server);
        traffic(http, httpPort, seed);
        System.out.printf(
            "HostileTrafficSoakIT acknowledged: %d events, %d notes, %d landed rows; %d requests"
                + " unanswered%n",
            ackedEvents.size(), ackedNotes.size(), landedRows.size(), unanswered.get());
        assertThat(server.isAlive()).as("server alive after the traffic: %s", child.log()).isTrue();
        assertThat(http.get("/health").status()).isEqualTo(200);

        awaitRows(
            http,
            child,
            "SELECT count(*) FROM raw.soak_events WHERE id LIKE 'g-%'",
            ackedEvents.size(),
            "/v1/streams/soak_events");
        assertExactlyOnce(http, "raw.soak_events", "id", "id LIKE 'g-%'", ackedEvents.size());
        awaitRows(
            http,
            child,
            "SELECT count(*) FROM raw.soak_shows",
            ackedNotes.size(),
            "/v1/functions/soak_enrich",
            "/v1/streams/soak_shows");
        assertExactlyOnce(http, "raw.soak_shows", "change_id", "true", ackedNotes.size());
        awaitRows(
            http,
            child,
            "SELECT count(*) FROM raw.soak_files_parts",
            landedRows.size(),
            "/v1/crawlers/soak_files");
        assertExactlyOnce(http, "raw.soak_files_parts", "row_id", "true", landedRows.size());
        assertThat(
                http.count(
                    "SELECT count(*) FROM raw.soak_events_errors WHERE code = 'too_many_keys'"))
            .isPositive();
        assertThat(server.isAlive()).isTrue();
        assertThat(child.log()).doesNotContain("OutOfMemoryError");
        JsonNode delivery = http.get("/v1/streams/soak_events").body().path("delivery");
        assertThat(delivery.path("state").asText()).as(delivery.toString()).isEqualTo("running");
      } finally {
        server.destroy();
        server.waitFor();
      }
    }
  }

  /**
   * Waits until {@code countSql} counts {@code expected} rows; if it does not in time, fails with
   * the count reached, what each of {@code statusPaths} (the stream, function or crawler that lands
   * the rows) reports, and the end of the server's log.
   */
  private static void awaitRows(
      Http http, ChildServer child, String countSql, int expected, String... statusPaths) {
    try {
      await().atMost(WAIT).until(() -> http.count(countSql) >= expected);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      StringBuilder status = new StringBuilder();
      for (String path : statusPaths) {
        status.append("; ").append(path).append(": ").append(http.get(path).body());
      }
      String log = child.log();
      throw new AssertionError(
          countSql
              + " = "
              + http.count(countSql)
              + ", expected "
              + expected
              + status
              + "; log: "
              + log.substring(Math.max(0, log.length() - 20_000)),
          e);
    }
  }

  /**
   * Every acknowledged id once: no id twice, and the ids beside those of unanswered requests (which
   * may or may not have landed) are exactly the acknowledged ones.
   */
  private static void assertExactlyOnce(
      Http http, String table, String id, String where, int expected) {
    JsonNode all =
        http.sql("SELECT count(*), count(DISTINCT " + id + ") FROM " + table + " WHERE " + where)
            .body()
            .path("rows")
            .path(0);
    assertThat(all.path(0).asLong())
        .as(table + " rows, no duplicates")
        .isEqualTo(all.path(1).asLong());
    String answered =
        unansweredIds.isEmpty()
            ? where
            : where
                + " AND "
                + id
                + " NOT IN ("
                + String.join(",", unansweredIds.stream().map(u -> "'" + u + "'").toList())
                + ")";
    JsonNode row =
        http.sql("SELECT count(*), count(DISTINCT " + id + ") FROM " + table + " WHERE " + answered)
            .body()
            .path("rows")
            .path(0);
    assertThat(row.path(0).asLong()).as(table + " rows").isEqualTo(expected);
    assertThat(row.path(1).asLong()).as(table + " distinct ids").isEqualTo(expected);
  }

  /** Runs the clients until the traffic time is over; a client's failure fails the test. */
  private void traffic(Http http, int httpPort, long seed) throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS + 1);
    long end = System.nanoTime() + TRAFFIC.toNanos();
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        running.add(
            clients.submit(
                () -> {
                  Random random = new Random(seed + client);
                  for (int n = 0; System.nanoTime() < end; n++) {
                    ingest(http, random, client, n);
                    publish(http, random, client, n);
                  }
                  return null;
                }));
      }
      running.add(
          clients.submit(
              () -> {
                for (int n = 0; System.nanoTime() < end; n++) {
                  landAndCrawl(http, httpPort, n);
                }
                return null;
              }));
      for (Future<?> future : running) {
        future.get();
      }
    } finally {
      clients.shutdownNow();
    }
  }

  /**
   * The answer, or null when the connection closed before one came (a pooled connection the server
   * closed after refusing a hostile request unread): such records are not acknowledged, and the
   * final check still finds every record at most once.
   */
  private static Http.Response answered(java.util.function.Supplier<Http.Response> request) {
    try {
      return request.get();
    } catch (java.io.UncheckedIOException e) {
      unanswered.incrementAndGet();
      return null;
    }
  }

  private static final java.util.concurrent.atomic.AtomicLong unanswered =
      new java.util.concurrent.atomic.AtomicLong();
  private static final Set<String> unansweredIds =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** One request of good records mixed with hostile ones, or a request that is hostile whole. */
  private void ingest(Http http, Random random, int client, int n) {
    String path = "/v1/streams/soak_events/records";
    if (random.nextInt(10) == 0) { // wrong content type: refused whole
      int status = http.post(path, "text/plain", "{\"id\":\"x\"}").status();
      assertThat(status).isBetween(400, 499);
      return;
    }
    List<String> records = new ArrayList<>();
    List<String> goodIds = new ArrayList<>();
    int count = 1 + random.nextInt(20);
    for (int i = 0; i < count; i++) {
      if (random.nextInt(4) == 0) {
        records.add(hostile(random));
      } else {
        String id = "g-" + client + "-" + n + "-" + i;
        goodIds.add(id);
        records.add(
            "{\"id\":\"%s\",\"n\":%d,\"日本語\":\"値\",\"device\":{\"os\":\"ios\"}}"
                .formatted(id, random.nextInt(1000)));
      }
    }
    boolean ndjson = random.nextBoolean();
    String body = ndjson ? String.join("\n", records) : "[" + String.join(",", records) + "]";
    Http.Response response =
        answered(() -> http.post(path, ndjson ? "application/x-ndjson" : "application/json", body));
    if (response == null) { // no answer: not acknowledged, but it may have landed
      unansweredIds.addAll(goodIds);
      return;
    }
    if (response.status() == 429
        || response.status() == 503
        || String.valueOf(response.body()).contains("request_too_large")) {
      return; // not acknowledged
    }
    assertThat(response.status()).as(response.body().toString()).isEqualTo(200);
    Set<Integer> failed = new HashSet<>();
    response.body().path("errors").forEach(e -> failed.add(e.path("index").asInt()));
    int good = 0;
    for (int i = 0; i < records.size(); i++) {
      if (records.get(i).startsWith("{\"id\":\"g-")) {
        if (!failed.contains(i)) {
          ackedEvents.add(goodIds.get(good));
        }
        good++;
      }
    }
  }

  /** A record the gateway refuses, or one delivery sends to the error table. */
  private static String hostile(Random random) {
    return switch (random.nextInt(9)) {
      case 0 -> "{\"deep\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}";
      case 1 -> wide(random.nextInt(8) == 0 ? 100_000 : 3_000);
      case 2 -> "{\"a.b\":1,\"a\":{\"b\":2},\"A_B\":3}";
      case 3 -> "{\"big\":123456789012345678901234567890,\"inf\":1e400}";
      case 4 -> "{\"dup\":1,\"dup\":2}";
      case 5 -> "{\"pad\":\"" + "x".repeat(1_100_000) + "\"}"; // over max-record-bytes
      case 6 -> "{\"_ingested_at\":\"2020-01-01T00:00:00Z\"}";
      case 7 -> "[1,2,3]";
      default -> "{\"device.os\":\"android\"}"; // the column device_os holds /device/os
    };
  }

  private static String wide(int keys) {
    StringBuilder json = new StringBuilder("{");
    for (int i = 0; i < keys; i++) {
      json.append(i == 0 ? "" : ",").append('"').append(Integer.toString(i, 36)).append("\":1");
    }
    return json.append('}').toString();
  }

  private void publish(Http http, Random random, int client, int n) {
    StringBuilder body = new StringBuilder();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      if (random.nextInt(5) == 0) {
        body.append("{\"deep\":").append("{\"k\":".repeat(2_000)).append("1");
        body.append("}".repeat(2_000)).append("}\n");
        ids.add(null);
      } else {
        String id = "n-" + client + "-" + n + "-" + i;
        ids.add(id);
        body.append("{\"change_id\":\"%s\",\"show_id\":\"s%d\"}\n".formatted(id, i));
      }
    }
    Http.Response response =
        answered(
            () ->
                http.post(
                    "/v1/topics/soak_notes/messages", "application/x-ndjson", body.toString()));
    if (response == null) { // no answer: not acknowledged, but it may have landed
      ids.stream().filter(java.util.Objects::nonNull).forEach(unansweredIds::add);
      return;
    }
    if (response.status() != 200) {
      assertThat(response.status()).isIn(429, 503);
      return;
    }
    Set<Integer> failed = new HashSet<>();
    response.body().path("errors").forEach(e -> failed.add(e.path("index").asInt()));
    for (int i = 0; i < ids.size(); i++) {
      if (ids.get(i) != null && !failed.contains(i)) {
        ackedNotes.add(ids.get(i));
      }
      if (ids.get(i) == null) {
        assertThat(failed).contains(i);
      }
    }
  }

  /** Lands one small file of rows and runs the crawler over the landing zone. */
  private void landAndCrawl(Http http, int httpPort, int n) throws Exception {
    StringBuilder rows = new StringBuilder();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String id = "r-" + n + "-" + i;
      ids.add(id);
      rows.append("{\"row_id\":\"%s\",\"v\":%d}\n".formatted(id, i));
    }
    HttpResponse<String> landed =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + httpPort
                                + "/v1/landing/soak_files/parts/part-"
                                + n
                                + ".json"))
                    .header("Authorization", http.authorization())
                    .PUT(HttpRequest.BodyPublishers.ofString(rows.toString()))
                    .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    assertThat(landed.statusCode()).as(landed.body()).isEqualTo(201);
    landedRows.addAll(ids); // landed: this run or a later one loads it
    Http.Response run = http.post("/v1/crawlers/soak_files/runs?wait=true", null, new byte[0]);
    assertThat(run.status()).as(String.valueOf(run.body())).isIn(200, 409);
  }
}
