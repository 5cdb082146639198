package io.tributary.stream.function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A show-catalog HTTP service on loopback for the tests: {@code GET /shows/{id}} answers a show,
 * unless told to fail a number of times first (503), to answer 404, or to hang. A fake, not a mock:
 * a real server over real sockets.
 */
final class FakeCatalog implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(16);
  private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
  private final Map<String, Integer> delayMillis = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  volatile int defaultDelayMillis;

  FakeCatalog() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
    server.createContext("/shows/", this::show);
    server.setExecutor(threads);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The next {@code times} calls for the show answer 503. */
  void failTimes(String showId, int times) {
    failuresLeft.put(showId, new AtomicInteger(times));
  }

  /** Every call for the show waits this long before answering. */
  void delay(String showId, int millis) {
    delayMillis.put(showId, millis);
  }

  int calls(String showId) {
    AtomicInteger count = calls.get(showId);
    return count == null ? 0 : count.get();
  }

  private void show(HttpExchange exchange) throws IOException {
    try (exchange) {
      String id = exchange.getRequestURI().getPath().substring("/shows/".length());
      calls.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      if (auth != null) {
        authorizations.add(auth);
      }
      int delay = delayMillis.getOrDefault(id, defaultDelayMillis);
      if (delay > 0) {
        try {
          TimeUnit.MILLISECONDS.sleep(delay);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      AtomicInteger failures = failuresLeft.get(id);
      if (failures != null && failures.getAndDecrement() > 0) {
        send(exchange, 503, "{\"error\":\"try again\"}");
        return;
      }
      if (id.startsWith("missing")) {
        send(exchange, 404, "{\"error\":\"no such show\"}");
        return;
      }
      send(
          exchange,
          200,
          "{\"show_id\":\""
              + id
              + "\",\"title\":\"Show "
              + id
              + "\",\"creator\":{\"id\":\"c-"
              + id
              + "\",\"name\":\"Creator "
              + id
              + "\"},\"schedule\":{\"start\":\"2026-11-26T10:00:00Z\",\"end\":\"2026-11-26T11:00:00Z\"},"
              + "\"category\":\"talk\",\"secret_notes\":\"not kept\"}");
    } catch (IOException e) {
      // client went away (timeout): nothing to answer
    }
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
