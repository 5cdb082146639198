package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.core.config.TributaryConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/query} with {@code Accept: application/x-ndjson} or {@code text/csv} streams
 * every row, chunked; errors before the first row are ordinary error answers, errors after it cut
 * the stream visibly; a client that goes away frees the query's engine slot.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryStreamingHttpIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_ROWS = 5;

  @TempDir static Path dir;
  private Platform platform;
  private final HttpClient client = HttpClient.newHttpClient();

  @BeforeAll
  void start() {
    String yaml =
        TestConfigs.yaml(dir, 0, "  - name: clicks\n")
            + "\nquery: { max-rows: "
            + MAX_ROWS
            + ", memory-limit: 64MiB, timeout: 5m }\n";
    platform = Platform.start(TributaryConfig.fromYaml(yaml, "test"), Clock.systemUTC());
  }

  @AfterAll
  void stop() {
    platform.close();
  }

  @Test
  void ndjsonStreamsEveryRowPastMaxRowsAsObjectsByColumnName() throws Exception {
    HttpResponse<InputStream> response =
        send(
            "SELECT i AS n, 'r' || i AS label, [i, i + 1] AS pair FROM range(200000) t(i)",
            "application/x-ndjson");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type"))
        .hasValue("application/x-ndjson; charset=utf-8");
    assertThat(response.headers().firstValue("transfer-encoding")).hasValue("chunked");
    long rows = 0;
    JsonNode last = null;
    try (BufferedReader lines = reader(response)) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        JsonNode row = JSON.readTree(line);
        if (rows == 0) {
          assertThat(row.toString()).isEqualTo("{\"n\":0,\"label\":\"r0\",\"pair\":[0,1]}");
        }
        last = row;
        rows++;
      }
    }
    assertThat(rows).isEqualTo(200_000); // max-rows (5) bounds only the JSON answer
    assertThat(last.path("n").asLong()).isEqualTo(199_999);
    assertThat(platform.query().activeQueries()).isZero();
  }

  @Test
  void csvStreamsAHeaderAndQuotedCells() throws Exception {
    HttpResponse<InputStream> response =
        send(
            "SELECT * FROM (VALUES (1, 'plain', NULL), (2, 'a, \"quoted\"\nline', 2.5)) v(id, text,"
                + " x) ORDER BY id",
            "text/csv, application/json;q=0.5");
    assertThat(response.statusCode()).isEqualTo(200);
    String body;
    try (InputStream in = response.body()) {
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(body).isEqualTo("id,text,x\n1,plain,\n2,\"a, \"\"quoted\"\"\nline\",2.5\n");
  }

  @Test
  void theJsonAnswerKeepsMaxRowsAndSaysItWasTruncated() throws Exception {
    HttpResponse<InputStream> response = send("SELECT * FROM range(100)", "application/json");
    JsonNode body;
    try (InputStream in = response.body()) {
      body = JSON.readTree(in);
    }
    assertThat(body.path("rows")).hasSize(MAX_ROWS);
    assertThat(body.path("truncated").asBoolean()).isTrue();
    assertThat(response.headers().firstValue(HttpApi.TRUNCATED_HEADER))
        .hasValue("true; limit=" + MAX_ROWS);
  }

  @Test
  void anErrorBeforeTheFirstRowIsAnErrorAnswer() throws Exception {
    HttpResponse<InputStream> response = send("SELECT CAST('x' AS INT)", "application/x-ndjson");
    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode body;
    try (InputStream in = response.body()) {
      body = JSON.readTree(in);
    }
    assertThat(body.path("error").path("code").asText()).isEqualTo("query_error");
    assertThat(body.path("error").path("message").asText())
        .contains("Could not convert string 'x' to INT32");
  }

  @Test
  void anErrorAfterTheFirstRowsEndsWithAnErrorLineAndACutStream() throws Exception {
    HttpResponse<InputStream> response =
        send(
            "SELECT CAST(CASE WHEN i < 1500000 THEN '1' ELSE 'x' END AS INT) AS v"
                + " FROM range(3000000) t(i)",
            "application/x-ndjson");
    if (response.statusCode() == 400) {
      return; // DuckDB met the bad row before it handed over the first chunk: an error answer
    }
    List<String> tail = new ArrayList<>();
    assertThatThrownBy(
            () -> {
              try (BufferedReader lines = reader(response)) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  if (!line.startsWith("{\"v\"")) {
                    tail.add(line);
                  }
                }
              }
            })
        .isInstanceOf(IOException.class);
    assertThat(tail).hasSize(1);
    assertThat(JSON.readTree(tail.get(0)).path("error").path("message").asText())
        .contains("Could not convert string 'x' to INT32");
  }

  @Test
  void aClientThatGoesAwayMidStreamFreesTheEngineSlot() throws Exception {
    HttpResponse<InputStream> response =
        send("SELECT i, repeat('x', 100) FROM range(100000000) t(i)", "application/x-ndjson");
    assertThat(response.statusCode()).isEqualTo(200);
    try (BufferedReader lines = reader(response)) {
      for (int i = 0; i < 1000; i++) {
        assertThat(lines.readLine()).isNotNull();
      }
      assertThat(platform.query().activeQueries()).isEqualTo(1);
    } // closing the body closes the connection
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(platform.query().activeQueries()).isZero());
  }

  private HttpResponse<InputStream> send(String sql, String accept) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(platform.httpUri().resolve("/v1/query"))
            .header("Content-Type", "application/json")
            .header("Accept", accept)
            .header("Authorization", "Bearer " + platform.adminCredentials().token())
            .POST(
                HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(Map.of("sql", sql))))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
  }

  private static BufferedReader reader(HttpResponse<InputStream> response) {
    return new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
  }
}
