package io.tributary.amp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A stand-in for a Tributary server's records endpoint on loopback: stores the records it accepts,
 * rejects those {@code rejects} matches one by one, and answers the next requests with scripted
 * statuses when told to.
 */
final class FakeTributary implements AutoCloseable {
  record Request(String path, String contentType, int lines) {}

  private record Scripted(int status, String retryAfter, String body) {}

  private final ObjectMapper mapper = new ObjectMapper();
  private final HttpServer server;
  private final Predicate<JsonNode> rejects;
  private final Queue<Scripted> script = new ConcurrentLinkedQueue<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<JsonNode> accepted = new CopyOnWriteArrayList<>();

  FakeTributary(Predicate<JsonNode> rejects) throws IOException {
    this.rejects = rejects;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The next request is answered with this status instead of being stored. */
  void answerNext(int status, String retryAfter, String body) {
    script.add(new Scripted(status, retryAfter, body));
  }

  List<Request> requests() {
    return requests;
  }

  List<JsonNode> accepted() {
    return accepted;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange;
        InputStream in = exchange.getRequestBody()) {
      String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      String[] lines = body.isEmpty() ? new String[0] : body.split("\n", -1);
      String path = exchange.getRequestURI().getPath();
      requests.add(
          new Request(
              path,
              exchange.getRequestHeaders().getFirst("Content-Type"),
              body.endsWith("\n") ? lines.length - 1 : -1));
      if (!exchange.getRequestMethod().equals("POST")
          || !path.matches("/v1/streams/[^/]+/records")) {
        respond(exchange, 404, "{\"code\":\"not_found\",\"message\":\"no route " + path + "\"}");
        return;
      }
      Scripted scripted = script.poll();
      if (scripted != null) {
        if (scripted.retryAfter() != null) {
          exchange.getResponseHeaders().add("Retry-After", scripted.retryAfter());
        }
        respond(exchange, scripted.status(), scripted.body());
        return;
      }
      ObjectNode answer = mapper.createObjectNode();
      List<JsonNode> errors = new ArrayList<>();
      int stored = 0;
      for (int i = 0; i < lines.length - 1; i++) {
        JsonNode record = mapper.readTree(lines[i]);
        if (rejects.test(record)) {
          errors.add(
              mapper
                  .createObjectNode()
                  .put("index", i)
                  .put("code", "rejected")
                  .put("message", "test"));
        } else {
          accepted.add(record);
          stored++;
        }
      }
      answer.put("accepted", stored).put("failed", errors.size()).putArray("errors").addAll(errors);
      respond(exchange, 200, answer.toString());
    }
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
