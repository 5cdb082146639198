package io.tributary.amp.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes change notifications to a Tributary topic, {@code POST
 * {server}/v1/topics/{topic}/messages} as NDJSON, from a thread of its own so changing the catalog
 * and serving it never wait for the platform.
 *
 * <p>Notifications queue up (at most {@value #MAX_PENDING}; beyond that they are dropped and
 * counted) and go out in batches of up to {@value #MAX_BATCH}, gathered for up to 20 ms. A batch
 * refused as a whole (429, 5xx, no connection, timeout) is resent with exponential back-off from
 * {@code 100 ms} to {@code 5 s}, honouring {@code Retry-After}, until it is answered or the
 * publisher closes: delivery is at least once (a resent batch whose first answer was lost may
 * arrive twice; {@code change_id} tells duplicates apart). Any other 4xx, and messages the server
 * rejects one by one, are logged and counted as failed, not resent.
 */
final class ChangePublisher implements AutoCloseable {
  static final int MAX_BATCH = 500;
  static final int MAX_PENDING = 100_000;

  private static final Logger LOG = LoggerFactory.getLogger(ChangePublisher.class);
  private static final Duration LINGER = Duration.ofMillis(20);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(3);
  private static final int BODY_EXCERPT = 300;

  private final URI endpoint;
  private final ObjectMapper mapper;
  private final ExecutorService httpThreads;
  private final HttpClient http;
  private final BlockingQueue<CatalogChange> pending = new LinkedBlockingQueue<>(MAX_PENDING);
  private final CountDownLatch closing = new CountDownLatch(1);
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final Thread sender;
  private volatile boolean stopNow;

  private final Optional<String> token;

  /**
   * @param token the bearer token each request sends, when the platform needs one
   */
  ChangePublisher(URI server, String topic, ObjectMapper mapper, Optional<String> token) {
    this.token = token;
    this.endpoint =
        URI.create(
            server.toString().replaceAll("/+$", "")
                + "/v1/topics/"
                + URLEncoder.encode(topic, StandardCharsets.UTF_8)
                + "/messages");
    this.mapper = mapper;
    this.httpThreads =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "amp-catalog-notify-http");
              thread.setDaemon(true);
              return thread;
            });
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(httpThreads)
            .build();
    this.sender = new Thread(this::sendLoop, "amp-catalog-notify");
    sender.setDaemon(true);
    sender.start();
  }

  URI endpoint() {
    return endpoint;
  }

  /** Queues {@code changes} for publishing; never blocks. */
  void publish(List<CatalogChange> changes) {
    for (CatalogChange change : changes) {
      if (!pending.offer(change)) {
        long dropped = failed.incrementAndGet();
        if (dropped == 1 || dropped % 1000 == 0) {
          LOG.warn(
              "Dropped a change notification: {} pending for {} ({} failed in all)",
              MAX_PENDING,
              endpoint,
              dropped);
        }
      }
    }
  }

  long published() {
    return published.get();
  }

  long failed() {
    return failed.get();
  }

  long retries() {
    return retries.get();
  }

  int pending() {
    return pending.size();
  }

  /** Sends what is queued for up to a few seconds, then stops. */
  @Override
  public void close() {
    closing.countDown();
    try {
      sender.join(CLOSE_GRACE.toMillis());
      if (sender.isAlive()) {
        stopNow = true;
        sender.interrupt();
        sender.join(CLOSE_GRACE.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (!pending.isEmpty()) {
        LOG.warn("{} change notifications not published to {}", pending.size(), endpoint);
      }
      httpThreads.shutdownNow();
    }
  }

  private void sendLoop() {
    List<CatalogChange> batch = new ArrayList<>(MAX_BATCH);
    while (!stopNow) {
      try {
        CatalogChange first = pending.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closing.getCount() == 0) {
            return;
          }
          continue;
        }
        batch.add(first);
        if (pending.size() < MAX_BATCH - 1) {
          // changes come in bursts (a creator's shows, the initial catalog): batch them together
          closing.await(LINGER.toMillis(), TimeUnit.MILLISECONDS);
        }
        pending.drainTo(batch, MAX_BATCH - 1);
        send(batch);
        batch.clear();
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Sends one batch until it is answered or the publisher stops. */
  private void send(List<CatalogChange> batch) throws InterruptedException {
    byte[] body = ndjson(batch);
    Duration backoff = FIRST_BACKOFF;
    while (true) {
      Duration retryAfter;
      String reason;
      try {
        HttpRequest.Builder request =
            HttpRequest.newBuilder(endpoint)
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        token.ifPresent(secret -> request.header("Authorization", "Bearer " + secret));
        HttpResponse<String> response =
            http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (status / 100 == 2) {
          count(batch.size(), response.body());
          return;
        }
        if (status != 429 && status / 100 != 5) {
          giveUp(batch.size(), "HTTP " + status + ": " + excerpt(response.body()));
          return;
        }
        retryAfter = retryAfter(response);
        reason = "HTTP " + status;
      } catch (IOException e) {
        retryAfter = null;
        reason = e.toString();
      }
      Duration wait = retryAfter != null ? retryAfter : backoff;
      retries.incrementAndGet();
      LOG.debug(
          "Resending {} change notifications to {} in {}: {}",
          batch.size(),
          endpoint,
          wait,
          reason);
      if (stopNow) {
        return;
      }
      Thread.sleep(wait.toMillis()); // close() interrupts it after the grace period
      backoff = min(backoff.multipliedBy(2), MAX_BACKOFF);
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private void count(int sent, String answer) {
    long rejected = 0;
    String firstError = null;
    try {
      JsonNode node = mapper.readTree(answer);
      if (node != null && node.path("failed").isIntegralNumber()) {
        rejected = node.get("failed").asLong();
        JsonNode errors = node.path("errors");
        firstError = errors.isArray() && !errors.isEmpty() ? errors.get(0).toString() : null;
      }
    } catch (IOException e) {
      // a 2xx without the usual counts: every message was taken
    }
    published.addAndGet(sent - rejected);
    if (rejected > 0) {
      giveUp(rejected, "rejected one by one, first: " + firstError);
    }
  }

  private void giveUp(long messages, String reason) {
    long before = failed.getAndAdd(messages);
    if (before == 0 || before / 1000 != (before + messages) / 1000) {
      LOG.warn(
          "{} rejected {} change notifications ({} failed in all): {}",
          endpoint,
          messages,
          before + messages,
          reason);
    }
  }

  private byte[] ndjson(List<CatalogChange> batch) {
    StringBuilder out = new StringBuilder(batch.size() * 140);
    for (CatalogChange change : batch) {
      out.append(toJson(mapper, change)).append('\n');
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The notification of {@code change}: change_id, show_id, change_type, changed_at. */
  static ObjectNode toJson(ObjectMapper mapper, CatalogChange change) {
    ObjectNode node = mapper.createObjectNode();
    node.put("change_id", change.changeId());
    node.put("show_id", change.showId());
    node.put("change_type", change.type().wireName());
    node.put("changed_at", DateTimeFormatter.ISO_INSTANT.format(change.changedAt()));
    return node;
  }

  private static Duration retryAfter(HttpResponse<?> response) {
    return response
        .headers()
        .firstValue("Retry-After")
        .map(String::trim)
        .filter(value -> value.matches("\\d{1,4}"))
        .map(value -> Duration.ofSeconds(Long.parseLong(value)))
        .orElse(null);
  }

  private static String excerpt(String body) {
    return body.length() <= BODY_EXCERPT ? body : body.substring(0, BODY_EXCERPT) + "…";
  }
}
