package io.tributary.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** The CLI's client of a running Tributary server's HTTP API. */
final class ApiClient {
  static final ObjectMapper JSON = new ObjectMapper();

  /** An error answer of the server, with its status, code and message. */
  static final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    ApiException(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private final URI server;
  private final Optional<String> token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * @param token the bearer token every request sends, when there is one
   */
  ApiClient(URI server, Optional<String> token) {
    this.server = server;
    this.token = token;
  }

  URI server() {
    return server;
  }

  JsonNode get(String path) {
    return send(HttpRequest.newBuilder(server.resolve(path)).GET());
  }

  JsonNode post(String path, Object body) {
    try {
      return send(
          HttpRequest.newBuilder(server.resolve(path))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Posts {@code body} asking for {@code mediaType} and copies the answer to {@code out} as it
   * arrives; an error answer is thrown as for {@link #post}, and an answer cut off midway (the
   * server's query failed after its first rows) as an {@link ApiException}.
   */
  void stream(String path, Object body, String mediaType, OutputStream out) {
    HttpResponse<InputStream> response;
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(server.resolve(path))
              .header("Content-Type", "application/json")
              .header("Accept", mediaType)
              .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      token.ifPresent(secret -> request.header("Authorization", "Bearer " + secret));
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (ConnectException e) {
      throw noServer();
    } catch (IOException e) {
      throw new ApiException(0, "Cannot reach " + server + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(0, "Interrupted");
    }
    try (InputStream in = response.body()) {
      if (response.statusCode() >= 400) {
        throw error(response.statusCode(), in.readAllBytes());
      }
      in.transferTo(out);
      out.flush();
    } catch (IOException e) {
      throw new ApiException(
          0, "The answer from " + server + " was cut off (the query failed midway): " + e);
    }
  }

  private ApiException noServer() {
    return new ApiException(
        0,
        "No Tributary server at "
            + server
            + " (start one with ./tributary serve or ./tributary demo, or pass --server URL)");
  }

  private ApiException error(int status, byte[] answer) {
    String message;
    try {
      JsonNode body = answer.length == 0 ? null : JSON.readTree(answer);
      message =
          body != null && body.has("error")
              ? body.path("error").path("message").asText()
              : "HTTP " + status;
    } catch (IOException e) {
      message = new String(answer, StandardCharsets.UTF_8);
    }
    if (status == 401 && token.isEmpty()) {
      message +=
          "; pass --token or set TRIBUTARY_TOKEN (or run where --data-dir holds"
              + " admin-credentials.json)";
    }
    return new ApiException(status, message);
  }

  JsonNode send(HttpRequest.Builder request) {
    token.ifPresent(secret -> request.header("Authorization", "Bearer " + secret));
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (ConnectException e) {
      throw noServer();
    } catch (IOException e) {
      throw new ApiException(0, "Cannot reach " + server + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(0, "Interrupted");
    }
    JsonNode body;
    try {
      body = response.body().length == 0 ? null : JSON.readTree(response.body());
    } catch (IOException e) {
      throw new ApiException(response.statusCode(), new String(response.body()));
    }
    if (response.statusCode() >= 400) {
      throw error(response.statusCode(), response.body());
    }
    return body;
  }
}
