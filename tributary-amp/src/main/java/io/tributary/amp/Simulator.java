package io.tributary.amp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends generated events to a running Tributary server at a target rate: batches of up to {@value
 * #MAX_BATCH} records, as NDJSON, to {@code POST {server}/v1/streams/{stream}/records}.
 *
 * <p>Paced by a token bucket refilled from the clock every ~100 ms (bursts up to one second of
 * events when the server falls behind). A batch the server refuses as a whole (429 or 503,
 * honouring {@code Retry-After} in seconds, else after 1 s) or that cannot connect is resent
 * unchanged until it is answered, so no event is dropped or sent twice; records the server rejects
 * one by one are counted as failed and not resent. Any other 4xx ends the run with an {@link
 * io.tributary.core.InvalidInputException}; an answer that leaves the outcome unknown (another 5xx,
 * a broken connection) with an {@link io.tributary.core.OutcomeUnknownException}.
 *
 * <p>One run at a time, in the caller's thread ({@link #run}) or in a thread of its own ({@link
 * #runInBackground}). {@link #close()} stops a run between batches and frees the HTTP client's
 * threads. The clock must tick: a fixed clock never lets a run advance.
 */
public final class Simulator implements AutoCloseable {
  /** The most records sent in one request. */
  public static final int MAX_BATCH = 500;

  private static final Logger LOG = LoggerFactory.getLogger(Simulator.class);
  private static final Duration TICK = Duration.ofMillis(100);
  private static final Duration REPORT_EVERY = Duration.ofSeconds(1);
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(10);
  private static final Duration FOLLOW_EVERY = Duration.ofSeconds(10);

  private final EventGenerator generator;
  private final Clock clock;
  private final ExecutorService httpThreads;
  private final RecordsClient client;
  private final ObjectMapper mapper;
  private final ObjectWriter writer;
  private volatile CatalogFollower follower;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile boolean closed;
  private volatile Thread runner;

  /**
   * Creates a simulator sending {@code generator}'s events to {@code stream} on the Tributary
   * server at {@code server} (such as {@code http://localhost:8080}).
   */
  public Simulator(URI server, String stream, EventGenerator generator, Clock clock) {
    this(server, stream, generator, clock, Optional.empty());
  }

  /** As {@link #Simulator(URI, String, EventGenerator, Clock)}, sending {@code token}. */
  public Simulator(
      URI server, String stream, EventGenerator generator, Clock clock, Optional<String> token) {
    Objects.requireNonNull(server, "server is null");
    Objects.requireNonNull(token, "token is null");
    Objects.requireNonNull(stream, "stream is null");
    if (stream.isBlank()) {
      throw new IllegalArgumentException(
          "Invalid stream name: '" + stream + "' (must not be blank)");
    }
    if (!"http".equals(server.getScheme()) && !"https".equals(server.getScheme())) {
      throw new IllegalArgumentException(
          "Invalid Tributary server URI: " + server + " (must be http:// or https://)");
    }
    this.generator = Objects.requireNonNull(generator, "generator is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
    String base = server.toString().replaceAll("/+$", "");
    URI endpoint =
        URI.create(
            base
                + "/v1/streams/"
                + URLEncoder.encode(stream, StandardCharsets.UTF_8).replace("+", "%20")
                + "/records");
    this.mapper = new ObjectMapper();
    this.writer = mapper.writer();
    this.httpThreads =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "amp-simulator-http");
              thread.setDaemon(true);
              return thread;
            });
    this.client = new RecordsClient(endpoint, httpThreads, mapper, token);
  }

  /**
   * Follows the show-catalog service at {@code catalog} (such as {@code http://127.0.0.1:8081}):
   * when a run starts and every 10 s, shows the service added are read from {@code GET /shows} and
   * get listeners too. Call before a run.
   */
  public void followCatalog(URI catalog) {
    Objects.requireNonNull(catalog, "catalog is null");
    if (!"http".equals(catalog.getScheme()) && !"https".equals(catalog.getScheme())) {
      throw new IllegalArgumentException(
          "Invalid catalog service URI: " + catalog + " (must be http:// or https://)");
    }
    this.follower = new CatalogFollower(catalog, httpThreads, mapper);
  }

  /**
   * Sends events at {@code eventsPerSecond} for {@code duration} (zero or negative: until {@link
   * #close()} or an interrupt), reporting progress about once a second, and returns what was
   * delivered. Blocks the calling thread.
   *
   * @throws io.tributary.core.InvalidInputException if the server rejects a request (4xx)
   * @throws io.tributary.core.OutcomeUnknownException if a batch may or may not have been stored
   * @throws IllegalStateException if the simulator is closed or already running
   */
  public SimulationResult run(
      double eventsPerSecond, Duration duration, Consumer<Progress> progress) {
    validate(eventsPerSecond, duration, progress);
    begin();
    try {
      return execute(eventsPerSecond, duration, progress);
    } finally {
      finish();
    }
  }

  /**
   * Like {@link #run}, but in a thread of its own; the future completes with the result when the
   * duration is over or {@link #close()} is called, or exceptionally with the error that ended the
   * run.
   */
  public CompletableFuture<SimulationResult> runInBackground(
      double eventsPerSecond, Duration duration, Consumer<Progress> progress) {
    validate(eventsPerSecond, duration, progress);
    begin();
    CompletableFuture<SimulationResult> result = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                result.complete(execute(eventsPerSecond, duration, progress));
              } catch (RuntimeException e) {
                result.completeExceptionally(e);
              } finally {
                finish();
              }
            },
            "amp-simulator");
    thread.setDaemon(true);
    runner = thread;
    thread.start();
    return result;
  }

  /** Stops a run between batches (waiting for it to end) and frees the HTTP client's threads. */
  @Override
  public void close() {
    closed = true;
    Thread thread = runner;
    if (thread != null && thread != Thread.currentThread()) {
      LockSupport.unpark(thread);
      try {
        thread.join(CLOSE_GRACE.toMillis());
        if (thread.isAlive()) {
          thread.interrupt();
          thread.join(CLOSE_GRACE.toMillis());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    httpThreads.shutdownNow();
  }

  private static void validate(
      double eventsPerSecond, Duration duration, Consumer<Progress> progress) {
    if (!(eventsPerSecond > 0) || Double.isInfinite(eventsPerSecond)) {
      throw new IllegalArgumentException(
          "Invalid event rate: " + eventsPerSecond + " events/s (must be positive and finite)");
    }
    Objects.requireNonNull(duration, "duration is null");
    Objects.requireNonNull(progress, "progress is null");
  }

  private void begin() {
    if (closed) {
      throw new IllegalStateException("Simulator for " + client.endpoint() + " is closed");
    }
    if (!running.compareAndSet(false, true)) {
      throw new IllegalStateException(
          "Simulator for " + client.endpoint() + " is already running; close it first");
    }
    runner = Thread.currentThread();
  }

  private void finish() {
    runner = null;
    running.set(false);
  }

  private SimulationResult execute(
      double eventsPerSecond, Duration duration, Consumer<Progress> progress) {
    Run run = new Run(progress);
    Instant start = clock.instant();
    Instant end = duration.isNegative() || duration.isZero() ? null : start.plus(duration);
    double burst = Math.max(MAX_BATCH, eventsPerSecond);
    double tokens = 0;
    Instant refilled = start;
    Instant followAt = start;
    while (!stopped()) {
      Instant now = clock.instant();
      if (follower != null && !now.isBefore(followAt)) {
        follow();
        followAt = now.plus(FOLLOW_EVERY);
      }
      boolean last = end != null && !now.isBefore(end);
      Instant until = last ? end : now;
      if (until.isAfter(refilled)) {
        tokens = Math.min(burst, tokens + eventsPerSecond * seconds(refilled, until));
        refilled = until;
      }
      while (tokens >= 1 && !stopped()) {
        int batch = (int) Math.min(MAX_BATCH, tokens);
        if (!run.send(batch)) {
          break;
        }
        tokens -= batch;
      }
      run.reportIfDue(clock.instant());
      if (last) {
        break;
      }
      Instant wakeUp = now.plus(TICK);
      parkUntil(end != null && end.isBefore(wakeUp) ? end : wakeUp);
    }
    return run.result(Duration.between(start, clock.instant()));
  }

  private void follow() {
    try {
      int added = generator.addShows(follower.newShows());
      if (added > 0) {
        LOG.info("Following the show catalog: {} new shows get listeners", added);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean stopped() {
    return closed || Thread.currentThread().isInterrupted();
  }

  /** Parks until {@code deadline} by the clock; false if stopped first. */
  private boolean parkUntil(Instant deadline) {
    Instant now = clock.instant();
    while (!stopped() && now.isBefore(deadline)) {
      LockSupport.parkNanos(
          this, Math.min(Duration.between(now, deadline).toNanos(), TICK.toNanos()));
      now = clock.instant();
    }
    return !stopped();
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e9;
  }

  /** The counters of one run. */
  private final class Run {
    private final Consumer<Progress> progress;
    private long accepted;
    private long failed;
    private long retries;
    private boolean failureLogged;
    private Instant reportedAt = clock.instant();
    private long reportedSent;

    Run(Consumer<Progress> progress) {
      this.progress = progress;
    }

    /** Sends one batch of new events until answered; false if stopped first. */
    boolean send(int records) {
      byte[] body = ndjson(records);
      try {
        while (true) {
          RecordsClient.Reply reply = client.post(body, records);
          if (reply instanceof RecordsClient.Answered answered) {
            count(answered, records);
            return true;
          }
          RecordsClient.Refused refused = (RecordsClient.Refused) reply;
          LOG.debug(
              "Resending {} records after {}: {}", records, refused.retryAfter(), refused.reason());
          retries++;
          if (!parkUntil(clock.instant().plus(refused.retryAfter()))) {
            return false;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    private void count(RecordsClient.Answered answered, int records) {
      accepted += answered.accepted();
      failed += answered.failed();
      if (answered.failed() > 0 && !failureLogged) {
        failureLogged = true;
        LOG.warn(
            "{} rejected {} of {} records (further rejections are only counted); first: {}",
            client.endpoint(),
            answered.failed(),
            records,
            answered.firstError());
      }
    }

    private byte[] ndjson(int records) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(records * 512);
      try {
        for (int i = 0; i < records; i++) {
          writer.writeValue(out, generator.next());
          out.write('\n');
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot serialize a generated event", e);
      }
      return out.toByteArray();
    }

    void reportIfDue(Instant now) {
      Duration since = Duration.between(reportedAt, now);
      if (since.compareTo(REPORT_EVERY) >= 0) {
        long sent = accepted + failed;
        progress.accept(
            new Progress(sent, accepted, (sent - reportedSent) / seconds(reportedAt, now)));
        reportedAt = now;
        reportedSent = sent;
      }
    }

    SimulationResult result(Duration elapsed) {
      return new SimulationResult(accepted + failed, accepted, failed, retries, elapsed);
    }
  }
}
