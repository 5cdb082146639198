package io.tributary.bench;

import io.tributary.server.Platform;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** A stream's records endpoint, as an HTTP client of the gateway sees it. */
final class RecordsEndpoint {
  private final HttpClient http = HttpClient.newHttpClient();
  private final URI uri;
  private final String authorization;

  /** The endpoint of {@code stream} on {@code platform}, called as the platform's admin. */
  RecordsEndpoint(Platform platform, String stream) {
    this.uri = platform.httpUri().resolve("/v1/streams/" + stream + "/records");
    this.authorization = "Bearer " + platform.adminCredentials().token();
  }

  /**
   * Posts one NDJSON body until the gateway takes it (waiting 100 ms after each 429 or 503); fails
   * on any other status, or if a record of the body failed.
   */
  void post(byte[] body) throws Exception {
    while (true) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(uri)
                  .header("Content-Type", "application/x-ndjson")
                  .header("Authorization", authorization)
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        if (!response.body().contains("\"failed\":0")) {
          throw new IllegalStateException("Records failed: " + response.body());
        }
        return;
      }
      if (response.statusCode() != 429 && response.statusCode() != 503) {
        throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
  }
}
