package io.tributary.flow;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * Runs {@code http} tasks: a 2xx answer succeeds; a 5xx answer, a timeout or a failed connection is
 * a retriable failure; any other status fails the task for good.
 */
public final class HttpTaskRunner implements TaskRunner {
  private static final int MAX_LOGGED_BODY = 2_000;

  private final HttpClient client;

  public HttpTaskRunner() {
    this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  @Override
  public void run(TaskAction action, TaskContext context)
      throws TaskFailedException, InterruptedException {
    TaskAction.Http http = (TaskAction.Http) action;
    URI uri;
    try {
      uri = URI.create(context.render(http.url()));
    } catch (IllegalArgumentException e) {
      throw new TaskFailedException("Invalid URL: " + e.getMessage(), false, e);
    }
    String body = context.render(http.body());
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .method(
                http.method(),
                body.isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    http.headers().forEach(request::header);
    context.log().accept(http.method() + " " + uri);
    HttpResponse<String> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new TaskFailedException("No answer from " + uri + " in time", true, e);
    } catch (IOException e) {
      throw new TaskFailedException("Cannot call " + uri + ": " + e, true, e);
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
        http.method() + " " + uri + " answered HTTP " + status, status >= 500);
  }
}
