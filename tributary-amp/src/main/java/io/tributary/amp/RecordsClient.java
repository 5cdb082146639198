package io.tributary.amp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.OutcomeUnknownException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Posts NDJSON batches to a Tributary stream's records endpoint and reads the answer. Says when a
 * batch was certainly not taken (429, 503, connection refused) so it can be resent without
 * duplicates; every other failure is an exception.
 */
final class RecordsClient {
  static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  private static final int BODY_EXCERPT = 500;

  /** The server's answer to a batch. */
  sealed interface Reply permits Answered, Refused {}

  /** The server took the batch: {@code accepted} records stored, {@code failed} rejected. */
  record Answered(long accepted, long failed, String firstError) implements Reply {}

  /** Nothing of the batch was taken; resend it after {@code retryAfter}. */
  record Refused(Duration retryAfter, String reason) implements Reply {}

  private final URI endpoint;
  private final HttpClient http;
  private final ObjectMapper mapper;
  private final Optional<String> token;

  /**
   * @param token the bearer token each request sends, when the platform needs one
   */
  RecordsClient(URI endpoint, Executor executor, ObjectMapper mapper, Optional<String> token) {
    this.endpoint = endpoint;
    this.token = token;
    this.mapper = mapper;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .executor(executor)
            .build();
  }

  URI endpoint() {
    return endpoint;
  }

  /**
   * Posts one batch of {@code records} NDJSON lines.
   *
   * @throws InvalidInputException if the server rejects the request (4xx other than 429)
   * @throws OutcomeUnknownException if the batch may or may not have been stored
   */
  Reply post(byte[] ndjson, int records) throws InterruptedException {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(endpoint)
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/x-ndjson")
            .POST(HttpRequest.BodyPublishers.ofByteArray(ndjson));
    token.ifPresent(secret -> builder.header("Authorization", "Bearer " + secret));
    HttpRequest request = builder.build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException | HttpConnectTimeoutException e) {
      return new Refused(DEFAULT_RETRY_AFTER, "cannot connect to " + endpoint + ": " + e);
    } catch (IOException e) {
      throw new OutcomeUnknownException(
          "Batch of " + records + " records to " + endpoint + " may or may not be stored: " + e, e);
    }
    int status = response.statusCode();
    if (status == 429 || status == 503) {
      return new Refused(retryAfter(response), "HTTP " + status);
    }
    if (status >= 400 && status < 500) {
      throw new InvalidInputException(
          ErrorCode.REQUEST_REFUSED,
          "POST "
              + endpoint
              + " was rejected with HTTP "
              + status
              + ": "
              + excerpt(response.body())
              + " (fix the request; resending it fails again)");
    }
    if (status / 100 != 2) {
      throw new OutcomeUnknownException(
          "Batch of "
              + records
              + " records to "
              + endpoint
              + " may or may not be stored: HTTP "
              + status
              + ": "
              + excerpt(response.body()),
          null);
    }
    return answered(response.body(), records);
  }

  private Answered answered(String body, int records) {
    try {
      JsonNode answer = mapper.readTree(body);
      JsonNode errors = answer.path("errors");
      String firstError = errors.isArray() && !errors.isEmpty() ? errors.get(0).toString() : null;
      if (!answer.path("accepted").isIntegralNumber()
          || !answer.path("failed").isIntegralNumber()) {
        throw new IOException("no accepted and failed counts");
      }
      return new Answered(
          answer.get("accepted").asLong(), answer.get("failed").asLong(), firstError);
    } catch (IOException e) {
      throw new OutcomeUnknownException(
          "Batch of "
              + records
              + " records to "
              + endpoint
              + " may or may not be stored: unreadable answer "
              + excerpt(body),
          e);
    }
  }

  private static Duration retryAfter(HttpResponse<?> response) {
    return response
        .headers()
        .firstValue("Retry-After")
        .map(String::trim)
        .filter(value -> value.matches("\\d{1,6}"))
        .map(value -> Duration.ofSeconds(Long.parseLong(value)))
        .orElse(DEFAULT_RETRY_AFTER);
  }

  private static String excerpt(String body) {
    return body.length() <= BODY_EXCERPT ? body : body.substring(0, BODY_EXCERPT) + "…";
  }
}
