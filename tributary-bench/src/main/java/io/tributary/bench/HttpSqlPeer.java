package io.tributary.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Tributary over HTTP: {@code POST /v1/query} streaming NDJSON, every line read. */
final class HttpSqlPeer implements SqlPeer {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final URI query;
  private final String authorization;
  private final HttpClient client = HttpClient.newHttpClient();

  /** {@code token}: the bearer token of a user who may read the benchmark's tables. */
  HttpSqlPeer(URI server, String token) {
    this("tributary_http", server, token);
  }

  /** The peer named {@code name} (in the benchmark's figures) of the server at {@code server}. */
  HttpSqlPeer(String name, URI server, String token) {
    this.name = name;
    this.query = server.resolve("/v1/query");
    this.authorization = "Bearer " + token;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long run(String sql) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(query)
            .header("Content-Type", "application/json")
            .header("Accept", "application/x-ndjson")
            .header("Authorization", authorization)
            .POST(
                HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(Map.of("sql", sql))))
            .build();
    HttpResponse<InputStream> response =
        client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = response.body()) {
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "HTTP "
                + response.statusCode()
                + " for "
                + sql
                + ": "
                + new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
      long lines = 0;
      byte[] buffer = new byte[1 << 16];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        for (int i = 0; i < n; i++) {
          if (buffer[i] == '\n') {
            lines++;
          }
        }
      }
      return lines;
    }
  }

  @Override
  public void close() {
    // the JDK client of Java 17 has nothing to close
  }
}
