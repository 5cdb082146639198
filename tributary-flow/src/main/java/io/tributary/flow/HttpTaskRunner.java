package io.tributary.flow;

import io.tributary.core.InvalidInputException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Runs {@code http} tasks: a 2xx answer succeeds; a 5xx answer, a timeout or a failed connection is
 * a retriable failure; any other status fails the task for good. {@code ${secret:name}} and {@code
 * ${var:key}} in the URL, body and headers are resolved at each try (a rotated secret reaches the
 * next try); the log and errors show the URL as written, never a secret's value.
 */
public final class HttpTaskRunner implements TaskRunner {
  private static final int MAX_LOGGED_BODY = 2_000;

  private final HttpClient client;
  private final UnaryOperator<String> references;

  /** A runner for tasks whose settings hold no references. */
  public HttpTaskRunner() {
    this(text -> text);
  }

  /**
   * @param references resolves the {@code ${secret:..}} and {@code ${var:..}} references of a
   *     setting as they are now; throws {@link InvalidInputException} naming one that is not set
   */
  public HttpTaskRunner(UnaryOperator<String> references) {
    this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    this.references = Objects.requireNonNull(references, "references is null");
  }

  @Override
  public void run(TaskAction action, TaskContext context)
      throws TaskFailedException, InterruptedException {
    TaskAction.Http http = (TaskAction.Http) action;
    // shown in the log and in errors: templates rendered, references as written
    String shown = context.render(http.url());
    URI uri;
    String body;
    HttpRequest.Builder request;
    try {
      try {
        uri = URI.create(references.apply(shown));
      } catch (IllegalArgumentException e) {
        throw new TaskFailedException("Invalid URL " + shown, false, e);
      }
      body = references.apply(context.render(http.body()));
      request =
          HttpRequest.newBuilder(uri)
              .method(
                  http.method(),
                  body.isEmpty()
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body));
      http.headers().forEach((name, value) -> request.header(name, references.apply(value)));
    } catch (InvalidInputException e) {
      // a secret or variable deleted since the flow was loaded: set it again and the retry works
      throw new TaskFailedException(e.getMessage(), true, e);
    }
    context.log().accept(http.method() + " " + shown);
    HttpResponse<String> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new TaskFailedException("No answer from " + shown + " in time", true, e);
    } catch (IOException e) {
      throw new TaskFailedException(
          "Cannot call " + shown + ": " + e.toString().replace(uri.toString(), shown), true, e);
    }
    String answer = response.body();
    if (answer.length() > MAX_LOGGED_BODY) {
      answer = answer.substring(0, MAX_LOGGED_BODY) + "...";
    }
    context.log().accept("HTTP " + response.statusCode() + ": " + answer);
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return;
    }
    throw new TaskFailedException(
        http.method() + " " + shown + " answered HTTP " + status, status >= 500);
  }
}
