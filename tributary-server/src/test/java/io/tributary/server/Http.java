package io.tributary.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.access.AdminCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** A small HTTP client for tests: sends a request, returns status, headers and the JSON body. */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();

  record Response(int status, JsonNode body, HttpResponse<String> raw) {
    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  private final URI base;
  private final Supplier<Optional<String>> authorization;
  private final HttpClient client = HttpClient.newHttpClient();

  /** An anonymous client (no credentials). */
  Http(URI base) {
    this(base, Optional::empty);
  }

  /** A client sending the {@code Authorization} header {@code authorization} gives, if any. */
  Http(URI base, Supplier<Optional<String>> authorization) {
    this.base = base;
    this.authorization = authorization;
  }

  /** A client of {@code platform} with the admin's token. */
  static Http admin(Platform platform) {
    Optional<String> header = Optional.of("Bearer " + platform.adminCredentials().token());
    return new Http(platform.httpUri(), () -> header);
  }

  /**
   * A client of the platform at {@code base} whose data dir is {@code dataDir}, as the admin: the
   * token is read from the data dir at each request (a child process writes it when it starts).
   */
  static Http admin(URI base, Path dataDir) {
    return new Http(
        base,
        () ->
            AdminCredentials.readIfPresent(dataDir)
                .map(credentials -> "Bearer " + credentials.token()));
  }

  /** The {@code Authorization} header value this client sends, or null for none. */
  String authorization() {
    return authorization.get().orElse(null);
  }

  Response get(String path) {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  Response delete(String path) {
    return send(HttpRequest.newBuilder(base.resolve(path)).DELETE());
  }

  Response put(String path, String json) {
    return send(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  Response patch(String path, String json) {
    return send(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Content-Type", "application/json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
  }

  Response head(String path) {
    return send(
        HttpRequest.newBuilder(base.resolve(path))
            .method("HEAD", HttpRequest.BodyPublishers.noBody()));
  }

  Response post(String path, String contentType, byte[] body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return send(request);
  }

  Response post(String path, String contentType, String body) {
    return post(path, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  Response ndjson(String stream, String body) {
    return post("/v1/streams/" + stream + "/records", "application/x-ndjson", body);
  }

  Response sql(String sql) {
    try {
      return post("/v1/query", "application/json", JSON.writeValueAsString(Map.of("sql", sql)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The single value of a one-row, one-column query as a long, or -1 if the query failed. */
  long count(String sql) {
    Response response = sql(sql);
    if (response.status() != 200) {
      return -1; // e.g. the table or column does not exist yet
    }
    return response.body().path("rows").path(0).path(0).asLong();
  }

  Response send(HttpRequest.Builder request) {
    authorization.get().ifPresent(header -> request.header("Authorization", header));
    try {
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode body = response.body().isEmpty() ? null : parse(response.body());
      return new Response(response.statusCode(), body, response);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      return JSON.getNodeFactory().textNode(text);
    }
  }
}
