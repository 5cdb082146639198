package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 10-million-row NDJSON answer (about 700 MB) streams out of a server whose heap is 256 MiB and
 * whose DuckDB memory is 64 MiB: neither the JVM nor DuckDB holds the result. The server runs in a
 * child JVM that exits on an out-of-memory error.
 */
class QueryStreamingMemoryIT {
  private static final long ROWS = 10_000_000;
  private static final String HEAP = "-Xmx256m";

  @TempDir Path dir;

  @Test
  void tenMillionRowsStreamThroughASmallHeap() throws Exception {
    int httpPort = TestConfigs.freePort();
    Path config = dir.resolve("tributary.yaml");
    Files.writeString(
        config,
        TestConfigs.yaml(dir.resolve("data"), httpPort, "  []\n")
            + "query: { memory-limit: 64MiB, timeout: 10m }\n");
    URI base = URI.create("http://127.0.0.1:" + httpPort);
    Http http = Http.admin(base, dir.resolve("data"));
    ChildServer child = new ChildServer(config, dir.resolve("server.log"), http);
    Process server = child.start(HEAP, "-XX:+ExitOnOutOfMemoryError");
    try {
      child.awaitHealthy(server);
      await().atMost(Duration.ofSeconds(30)).until(() -> http.authorization() != null);
      String sql =
          "SELECT i AS id, 'event-' || i AS event_id, i % 1000 AS show_id,"
              + " TIMESTAMP '2026-01-01' + to_milliseconds(i) AS ts,"
              + " 'listen_start' AS event_type FROM range("
              + ROWS
              + ") t(i)";
      HttpRequest request =
          HttpRequest.newBuilder(base.resolve("/v1/query"))
              .header("Content-Type", "application/json")
              .header("Accept", "application/x-ndjson")
              .header("Authorization", http.authorization())
              .POST(
                  HttpRequest.BodyPublishers.ofByteArray(
                      new ObjectMapper().writeValueAsBytes(Map.of("sql", sql))))
              .build();
      long start = System.nanoTime();
      HttpResponse<java.io.InputStream> response =
          HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
      assertThat(response.statusCode()).as(child.log()).isEqualTo(200);
      long lines = 0;
      long bytes = 0;
      String last = null;
      try (BufferedReader reader =
          new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          lines++;
          bytes += line.length() + 1;
          last = line;
        }
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      System.out.printf(
          "QueryStreamingMemoryIT: %,d rows, %,d bytes of NDJSON in %,d ms with %s%n",
          lines, bytes, millis, HEAP);
      assertThat(lines).isEqualTo(ROWS);
      assertThat(last).startsWith("{\"id\":" + (ROWS - 1) + ",");
      assertThat(server.isAlive()).as("server alive: %s", child.log()).isTrue();
    } finally {
      server.destroy();
      server.waitFor();
    }
  }
}
