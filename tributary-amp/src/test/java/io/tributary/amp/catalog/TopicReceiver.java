package io.tributary.amp.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for a Tributary server's topic endpoint on loopback: stores the NDJSON messages posted
 * to {@code /v1/topics/{topic}/messages} and answers like the platform, or with scripted statuses.
 */
final class TopicReceiver implements AutoCloseable {
  record Message(String topic, String contentType, JsonNode body) {}

  private final ObjectMapper mapper = new ObjectMapper();
  private final HttpServer server;
  private final Queue<Integer> script = new ConcurrentLinkedQueue<>();
  private final List<Message> messages = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();

  TopicReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The next request is answered {@code status} (with {@code Retry-After: 0}) and not stored. */
  void answerNext(int status) {
    script.add(status);
  }

  List<Message> messages() {
    return messages;
  }

  int requests() {
    return requests.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange;
        InputStream in = exchange.getRequestBody()) {
      String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      requests.incrementAndGet();
      String path = exchange.getRequestURI().getPath();
      if (!exchange.getRequestMethod().equals("POST")
          || !path.matches("/v1/topics/[a-z_]+/messages")) {
        respond(exchange, 404, "{\"code\":\"not_found\",\"message\":\"no route " + path + "\"}");
        return;
      }
      Integer scripted = script.poll();
      if (scripted != null) {
        exchange.getResponseHeaders().add("Retry-After", "0");
        respond(exchange, scripted, "{\"code\":\"unavailable\",\"message\":\"scripted\"}");
        return;
      }
      String topic = path.split("/")[3];
      String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
      int accepted = 0;
      for (String line : body.split("\n")) {
        if (!line.isBlank()) {
          messages.add(new Message(topic, contentType, mapper.readTree(line)));
          accepted++;
        }
      }
      respond(exchange, 200, "{\"accepted\":" + accepted + ",\"failed\":0,\"errors\":[]}");
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
