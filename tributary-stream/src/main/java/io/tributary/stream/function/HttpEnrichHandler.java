package io.tributary.stream.function;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.core.config.EgressPolicy;
import io.tributary.core.config.FieldPath;
import io.tributary.core.config.FunctionSpec;
import io.tributary.spi.PermanentFailureException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code http-enrich}: {@code GET} of the URL built from the message's fields; keeps the selected
 * fields of the JSON answer (flattened names, renamed), adds the message's own fields and emits the
 * result. 2xx is success; 408, 429, 5xx, timeouts and connection failures are retried; other
 * answers (404...) and answers that are not a JSON object are permanent failures.
 *
 * <p>On a name collision the enriched field wins; the message's value, if different, is kept as
 * {@code notification_<name>}.
 *
 * <p>Every request is checked against the {@link EgressPolicy} just before it is sent, after
 * resolving the host: a refused request is a permanent failure ({@code egress_denied}). Redirects
 * are not followed (a 3xx answer is a permanent failure).
 */
final class HttpEnrichHandler implements Handler {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY_IN_ERROR = 200;

  private final FunctionSpec spec;
  private final Supplier<Map<String, String>> headers;
  private final HttpClient client;
  private final Duration timeout;
  private final Supplier<EgressPolicy> egress;
  private final EgressPolicy.Resolver resolver;

  /**
   * @param headers the request headers with secret and variable references resolved as they are
   *     now, asked for at each call (a rotated secret reaches the next call); never logged
   * @param egress the policy each request is checked against, as it is now
   * @param resolver resolves the host of each request, for the policy's address checks
   */
  HttpEnrichHandler(
      FunctionSpec spec,
      Supplier<Map<String, String>> headers,
      HttpClient client,
      Supplier<EgressPolicy> egress,
      EgressPolicy.Resolver resolver) {
    this.spec = spec;
    this.headers = headers;
    this.client = client;
    this.timeout = spec.timeout();
    this.egress = egress;
    this.resolver = resolver;
  }

  @Override
  public List<Emit> handle(ObjectNode message, int attempt) throws Exception {
    URI uri;
    try {
      uri = spec.http().url().expand(message);
    } catch (IllegalArgumentException e) {
      throw new PermanentFailureException(
          "missing_field", "Cannot build the URL: " + e.getMessage());
    }
    // checked after resolving the host: the client resolves it again when it connects, from the
    // JVM's address cache (networkaddress.cache.ttl), so a name rebinding within that time is not
    // seen; see docs/architecture.md
    Optional<EgressPolicy.Denial> denial =
        egress.get().checkRequest(uri, spec.http().headers(), resolver);
    if (denial.isPresent()) {
      throw new PermanentFailureException(
          "egress_denied", denial.get().message() + " (" + denial.get().rule() + ")");
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET();
    headers.get().forEach(request::header);
    // blocking send on the lane's thread (the request's timeout bounds it): sendAsync + get hands
    // every answer over to the client's executor, which halved the calls/s on two cores
    HttpResponse<byte[]> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw timedOut(uri);
    } catch (IOException e) {
      throw new RetriableFailureException("http_unreachable", "GET " + uri + " failed: " + e, e);
    }
    int status = response.statusCode();
    if (status == 408 || status == 429 || status >= 500) {
      throw new RetriableFailureException(
          "http_" + status, "GET " + uri + " answered " + status + bodyOf(response), null);
    }
    if (status < 200 || status >= 300) {
      throw new PermanentFailureException(
          "http_" + status, "GET " + uri + " answered " + status + bodyOf(response));
    }
    JsonNode answer;
    try {
      answer = JSON.readTree(response.body());
    } catch (JacksonException e) {
      throw new PermanentFailureException(
          "invalid_response", "GET " + uri + " answered malformed JSON: " + e.getOriginalMessage());
    }
    if (answer == null || !answer.isObject()) {
      throw new PermanentFailureException(
          "invalid_response", "GET " + uri + " answered JSON that is not an object");
    }
    return List.of(new Emit(spec.emitTo(), enriched(message, answer)));
  }

  private static RetriableFailureException timedOut(URI uri) {
    return new RetriableFailureException("timeout", "GET " + uri + " did not answer in time", null);
  }

  private ObjectNode enriched(ObjectNode message, JsonNode answer) {
    Map<String, JsonNode> kept = new LinkedHashMap<>();
    if (spec.http().keep().isEmpty()) {
      answer
          .fields()
          .forEachRemaining(e -> kept.put(renamed(e.getKey(), e.getKey()), e.getValue()));
    } else {
      for (FieldPath path : spec.http().keep()) {
        JsonNode value = path.resolve(answer);
        if (!value.isMissingNode()) {
          kept.put(renamed(path.text(), path.columnName()), value);
        }
      }
    }
    ObjectNode out = JSON.createObjectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = message.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode enriched = kept.get(field.getKey());
      if (enriched == null) {
        out.set(field.getKey(), field.getValue());
      } else if (!enriched.equals(field.getValue())) {
        out.set("notification_" + field.getKey(), field.getValue());
      }
    }
    kept.forEach(out::set);
    return out;
  }

  private String renamed(String written, String column) {
    String to = spec.http().rename().get(column);
    return to != null ? to : spec.http().rename().getOrDefault(written, column);
  }

  private static String bodyOf(HttpResponse<byte[]> response) {
    byte[] body = response.body();
    if (body == null || body.length == 0) {
      return "";
    }
    String text =
        new String(body, 0, Math.min(body.length, MAX_BODY_IN_ERROR), StandardCharsets.UTF_8);
    return ": " + text.strip() + (body.length > MAX_BODY_IN_ERROR ? "..." : "");
  }
}
