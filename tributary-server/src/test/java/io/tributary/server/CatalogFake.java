package io.tributary.server;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A show-catalog service on loopback for the tests: {@code GET /shows/{id}} answers the show after
 * {@code latencyMillis}; ids starting with {@code missing} answer 404; a show told to fail answers
 * 503 that many times first.
 */
final class CatalogFake implements AutoCloseable {
  private final Javalin app;
  private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
  final AtomicInteger calls = new AtomicInteger();
  volatile int latencyMillis;

  CatalogFake() {
    app =
        Javalin.create(
                config -> {
                  config.startup.showJavalinBanner = false;
                  config.routes.get("/shows/{id}", this::show);
                })
            .start("127.0.0.1", 0);
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + app.port());
  }

  void failTimes(String id, int times) {
    failuresLeft.put(id, new AtomicInteger(times));
  }

  private void show(Context ctx) throws InterruptedException {
    calls.incrementAndGet();
    String id = ctx.pathParam("id");
    if (latencyMillis > 0) {
      TimeUnit.MILLISECONDS.sleep(latencyMillis);
    }
    AtomicInteger failures = failuresLeft.get(id);
    if (failures != null && failures.getAndDecrement() > 0) {
      ctx.status(503).json(Map.of("error", "busy"));
      return;
    }
    if (id.startsWith("missing")) {
      ctx.status(404).contentType("application/json").result("{\"error\":\"no show " + id + "\"}");
      return;
    }
    ctx.contentType("application/json")
        .result(
            ("{\"show_id\":\"%s\",\"title\":\"Show %s\",\"creator\":{\"id\":\"c1\",\"name\":\"Ada\"},"
                    + "\"schedule\":{\"start\":\"2026-11-26T10:00:00Z\",\"end\":\"2026-11-26T11:00:00Z\"},"
                    + "\"category\":\"music\"}")
                .formatted(id, id));
  }

  @Override
  public void close() {
    app.stop();
  }
}
