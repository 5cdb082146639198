package io.tributary.amp.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.tributary.amp.catalog.CatalogServiceConfig.Faults;
import io.tributary.amp.catalog.LiveCatalog.Creator;
import io.tributary.amp.catalog.LiveCatalog.Listing;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.PlatformException;
import io.tributary.core.config.ConfigException;
import io.tributary.core.config.ConfigNode;
import io.tributary.core.config.Units;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The show-catalog service of the live-audio app: an HTTP service answering shows, creators and
 * schedules that change over time, publishing a change notification for every change, and
 * misbehaving on demand (latency, a fraction of calls answered 503) so callers' retries get
 * exercised.
 *
 * <p>Endpoints: {@code GET /shows/{show_id}}, {@code GET /shows?offset=0&limit=100}, {@code GET
 * /creators/{creator_id}}, {@code GET /health}; admin: {@code GET|PUT /admin/faults} ({@code
 * {"failure-rate": 0.2, "latency": "50ms", "jitter": "10ms"}}, keys optional), {@code POST
 * /admin/changes?count=N} (make N changes now), {@code GET /admin/stats}. Faults apply to the
 * {@code /shows} and {@code /creators} endpoints only; latency is waited without holding a server
 * thread.
 *
 * <p>At start the service publishes a {@code created} notification for every initial show, so a
 * pipeline fed by the notifications holds the whole catalog, not only what changed later.
 */
public final class CatalogService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogService.class);
  private static final int DEFAULT_PAGE = 100;
  private static final int MAX_PAGE = 1000;
  private static final int MAX_CHANGES_PER_CALL = 1000;
  private static final String RETRY_AFTER_SECONDS = "1";

  private final CatalogServiceConfig config;
  private final Clock clock;
  private final ObjectMapper mapper = new ObjectMapper();
  private final LiveCatalog catalog;

  /** Draws the injected latency jitter and failures: seeded from the catalog seed, thread-safe. */
  private final Random faultRandom;

  private final ScheduledExecutorService timers;
  private final ChangePublisher publisher;
  private final Javalin app;
  private final LongAdder calls = new LongAdder();
  private final LongAdder injectedFailures = new LongAdder();
  private final AtomicLong changes = new AtomicLong();
  private volatile Faults faults;

  private CatalogService(CatalogServiceConfig config, Clock clock, Optional<String> notifyToken) {
    this.config = config;
    this.clock = clock;
    this.faults = config.faults();
    this.catalog = new LiveCatalog(config.seed(), config.shows(), config.creators(), now());
    this.faultRandom = new Random(config.seed() ^ 0x3C6EF372FE94F82BL);
    this.timers =
        Executors.newScheduledThreadPool(
            2,
            task -> {
              Thread thread = new Thread(task, "amp-catalog-timer");
              thread.setDaemon(true);
              return thread;
            });
    ChangePublisher opened = null;
    try {
      opened =
          config.notifyUri() == null
              ? null
              : new ChangePublisher(config.notifyUri(), config.notifyTopic(), mapper, notifyToken);
      this.publisher = opened;
      this.app =
          Javalin.create(
              javalin -> {
                javalin.startup.showJavalinBanner = false;
                javalin.routes.get("/health", this::health);
                javalin.routes.get("/shows", faulty(this::listShows));
                javalin.routes.get("/shows/{show_id}", faulty(this::getShow));
                javalin.routes.get("/creators/{creator_id}", faulty(this::getCreator));
                javalin.routes.get("/admin/faults", ctx -> json(ctx, 200, faultsJson()));
                javalin.routes.put("/admin/faults", this::putFaults);
                javalin.routes.post("/admin/changes", this::postChanges);
                javalin.routes.get("/admin/stats", ctx -> json(ctx, 200, statsJson()));
                javalin.routes.exception(InvalidInputException.class, this::invalid);
              });
      try {
        app.start(config.host(), config.port());
      } catch (RuntimeException e) {
        app.stop();
        throw new PlatformException(
            ErrorCode.PORT_UNAVAILABLE,
            "Cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(),
            e);
      }
    } catch (RuntimeException e) {
      if (opened != null) {
        opened.close();
      }
      timers.shutdownNow();
      throw e;
    }
    if (publisher != null) {
      publisher.publish(catalog.initialChanges());
    }
    changes.addAndGet(catalog.initialChanges().size());
    if (!config.changeInterval().isZero()) {
      long every = config.changeInterval().toMillis();
      timers.scheduleAtFixedRate(this::changeOnSchedule, every, every, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Starts the service: builds the catalog from {@code config}'s seed as of {@code clock}'s now,
   * listens, publishes the initial {@code created} notifications and starts changing the catalog
   * every {@code config.changeInterval()}.
   *
   * @throws InvalidInputException if the port cannot be bound
   */
  public static CatalogService start(CatalogServiceConfig config, Clock clock) {
    return start(config, clock, Optional.empty());
  }

  /** As {@link #start(CatalogServiceConfig, Clock)}, notifying with {@code notifyToken}. */
  public static CatalogService start(
      CatalogServiceConfig config, Clock clock, Optional<String> notifyToken) {
    return new CatalogService(
        Objects.requireNonNull(config, "config is null"),
        Objects.requireNonNull(clock, "clock is null"),
        Objects.requireNonNull(notifyToken, "notifyToken is null"));
  }

  /** Where the service listens, such as {@code http://127.0.0.1:8081}. */
  public URI uri() {
    return URI.create("http://" + config.host() + ":" + app.port());
  }

  /** The config it was started with (faults as at start; see {@link #faults()}). */
  public CatalogServiceConfig config() {
    return config;
  }

  /** The ids of every show, in creation order ({@code show_0001} first). */
  public List<String> showIds() {
    return catalog.showIds();
  }

  /** The faults injected now. */
  public Faults faults() {
    return faults;
  }

  /** Injects {@code faults} from now on. */
  public void setFaults(Faults faults) {
    this.faults = Objects.requireNonNull(faults, "faults is null");
    LOG.info("Catalog service faults now {}", faults);
  }

  /** Makes one change of the catalog now, publishes its notifications and returns them. */
  public List<CatalogChange> changeNow() {
    List<CatalogChange> made = catalog.step(now());
    changes.addAndGet(made.size());
    if (publisher != null) {
      publisher.publish(made);
    }
    return made;
  }

  /**
   * What the service has done so far.
   *
   * @param calls calls of the fault-injected endpoints
   * @param injectedFailures calls answered 503 on purpose
   * @param changes changes made, the initial {@code created} ones included
   * @param published notifications the platform accepted
   * @param failedNotifications notifications rejected or dropped
   * @param pendingNotifications notifications waiting to be published
   */
  public record Stats(
      long calls,
      long injectedFailures,
      long changes,
      long published,
      long failedNotifications,
      long pendingNotifications) {}

  /** The counters now. */
  public Stats stats() {
    return new Stats(
        calls.sum(),
        injectedFailures.sum(),
        changes.get(),
        publisher == null ? 0 : publisher.published(),
        publisher == null ? 0 : publisher.failed(),
        publisher == null ? 0 : publisher.pending());
  }

  /** Stops changing, stops serving, then publishes what is pending for up to a few seconds. */
  @Override
  public void close() {
    timers.shutdownNow();
    try {
      app.stop();
    } finally {
      if (publisher != null) {
        publisher.close();
      }
    }
  }

  /** The clock's instant to the millisecond, as the service stamps changes. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private void changeOnSchedule() {
    try {
      changeNow();
    } catch (RuntimeException e) {
      LOG.error("Cannot change the show catalog", e);
    }
  }

  /** Waits the injected latency without holding a server thread, then fails or answers. */
  private Handler faulty(Handler handler) {
    return ctx -> {
      calls.increment();
      Faults now = faults;
      long delay = now.latency().toNanos();
      if (!now.jitter().isZero()) {
        delay += faultRandom.nextLong(now.jitter().toNanos() + 1);
      }
      if (delay == 0) {
        answer(ctx, handler, now);
        return;
      }
      CompletableFuture<Void> done = new CompletableFuture<>();
      ctx.future(() -> done);
      timers.schedule(
          () -> {
            try {
              answer(ctx, handler, now);
              done.complete(null);
            } catch (Exception e) {
              done.completeExceptionally(e);
            }
          },
          delay,
          TimeUnit.NANOSECONDS);
    };
  }

  private void answer(Context ctx, Handler handler, Faults now) throws Exception {
    if (now.failureRate() > 0 && faultRandom.nextDouble() < now.failureRate()) {
      injectedFailures.increment();
      ctx.header("Retry-After", RETRY_AFTER_SECONDS);
      json(
          ctx,
          503,
          error(
              "unavailable",
              "The catalog service fails "
                  + now.failureRate()
                  + " of calls on purpose (fault injection); retry later"));
      return;
    }
    handler.handle(ctx);
  }

  private void health(Context ctx) {
    ObjectNode body = mapper.createObjectNode();
    body.put("status", "ok");
    body.put("shows", catalog.size());
    json(ctx, 200, body);
  }

  private void getShow(Context ctx) {
    String id = ctx.pathParam("show_id");
    catalog
        .show(id)
        .ifPresentOrElse(
            show -> json(ctx, 200, showJson(show)),
            () -> json(ctx, 404, error("not_found", "show not found: " + id)));
  }

  private void listShows(Context ctx) {
    int offset = queryInt(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    int limit = queryInt(ctx, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
    List<Listing> page = catalog.page(offset, limit);
    ObjectNode body = mapper.createObjectNode();
    ArrayNode shows = body.putArray("shows");
    page.forEach(show -> shows.add(showJson(show)));
    int total = catalog.size();
    body.put("total", total);
    body.put("offset", offset);
    body.put("limit", limit);
    if (offset + page.size() < total) {
      body.put("next_offset", offset + page.size());
    } else {
      body.putNull("next_offset");
    }
    json(ctx, 200, body);
  }

  private void getCreator(Context ctx) {
    String id = ctx.pathParam("creator_id");
    catalog
        .creator(id)
        .ifPresentOrElse(
            creator -> {
              ObjectNode body = creatorJson(creator);
              body.put("timezone", creator.zone().getId());
              body.put("language", creator.language());
              ArrayNode shows = body.putArray("shows");
              catalog.showsOf(id).forEach(shows::add);
              json(ctx, 200, body);
            },
            () -> json(ctx, 404, error("not_found", "creator not found: " + id)));
  }

  private void putFaults(Context ctx) {
    JsonNode body;
    try {
      body = mapper.readTree(ctx.bodyAsBytes());
    } catch (java.io.IOException e) {
      throw new InvalidInputException(
          ErrorCode.INVALID_JSON, "Invalid JSON body: " + e.getMessage(), e);
    }
    if (body == null || !body.isObject()) {
      throw new InvalidInputException(
          ErrorCode.INVALID_FAULTS,
          "Expected a JSON object such as {\"failure-rate\": 0.2, \"latency\": \"50ms\"}");
    }
    ConfigNode node = new ConfigNode(body, "").allowOnly("failure-rate", "latency", "jitter");
    Faults current = faults;
    double rate = current.failureRate();
    JsonNode rateNode = body.path("failure-rate");
    if (!rateNode.isMissingNode()) {
      if (!rateNode.isNumber() || !(rateNode.asDouble() >= 0 && rateNode.asDouble() <= 1)) {
        throw new ConfigException("Invalid failure-rate: " + rateNode + " (must be a number 0–1)");
      }
      rate = rateNode.asDouble();
    }
    Duration max = Duration.ofSeconds(60);
    Faults next =
        new Faults(
            node.duration("latency", current.latency(), Duration.ZERO, max),
            node.duration("jitter", current.jitter(), Duration.ZERO, max),
            rate);
    setFaults(next);
    json(ctx, 200, faultsJson());
  }

  private void postChanges(Context ctx) {
    int count = queryInt(ctx, "count", 1, 1, MAX_CHANGES_PER_CALL);
    List<CatalogChange> made = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      made.addAll(changeNow());
    }
    ObjectNode body = mapper.createObjectNode();
    ArrayNode list = body.putArray("changes");
    made.forEach(change -> list.add(ChangePublisher.toJson(mapper, change)));
    json(ctx, 200, body);
  }

  private ObjectNode faultsJson() {
    Faults now = faults;
    ObjectNode body = mapper.createObjectNode();
    body.put("failure-rate", now.failureRate());
    body.put("latency", Units.formatDuration(now.latency()));
    body.put("jitter", Units.formatDuration(now.jitter()));
    return body;
  }

  private ObjectNode statsJson() {
    Stats now = stats();
    ObjectNode body = mapper.createObjectNode();
    body.put("calls", now.calls());
    body.put("injected_failures", now.injectedFailures());
    body.put("changes", now.changes());
    body.put("notifications_published", now.published());
    body.put("notifications_failed", now.failedNotifications());
    body.put("notifications_pending", now.pendingNotifications());
    return body;
  }

  private ObjectNode showJson(Listing show) {
    ObjectNode node = mapper.createObjectNode();
    node.put("show_id", show.showId());
    node.put("title", show.title());
    node.put("category", show.category());
    node.put("language", show.language());
    Creator creator = catalog.creator(show.creatorId()).orElseThrow();
    node.set("creator", creatorJson(creator));
    ObjectNode schedule = node.putObject("schedule");
    schedule.put("start", DateTimeFormatter.ISO_INSTANT.format(show.schedule().start()));
    schedule.put("end", DateTimeFormatter.ISO_INSTANT.format(show.schedule().end()));
    schedule.put("timezone", creator.zone().getId());
    schedule.put("recurrence", show.schedule().recurrence());
    node.put("status", show.status());
    node.put("updated_at", DateTimeFormatter.ISO_INSTANT.format(show.updatedAt()));
    node.put("version", show.version());
    return node;
  }

  private ObjectNode creatorJson(Creator creator) {
    ObjectNode node = mapper.createObjectNode();
    node.put("creator_id", creator.creatorId());
    node.put("name", creator.name());
    node.put("handle", creator.handle());
    node.put("followers", creator.followers());
    return node;
  }

  /** {@code {"error": {"code": ..., "message": ...}}}, as the platform's API answers errors. */
  private ObjectNode error(String code, String message) {
    ObjectNode node = mapper.createObjectNode();
    ObjectNode error = node.putObject("error");
    error.put("code", code);
    error.put("message", message);
    return node;
  }

  private void invalid(InvalidInputException e, Context ctx) {
    json(ctx, 400, error(e.code(), e.getMessage()));
  }

  private static int queryInt(Context ctx, String name, int defaultValue, int min, int max) {
    String text = ctx.queryParam(name);
    if (text == null) {
      return defaultValue;
    }
    try {
      int value = Integer.parseInt(text.trim());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidInputException(
        ErrorCode.INVALID_PARAMETER,
        "Invalid " + name + ": '" + text + "' (must be an integer " + min + "–" + max + ")");
  }

  private void json(Context ctx, int status, JsonNode body) {
    try {
      ctx.status(status).contentType("application/json").result(mapper.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot serialize " + body, e);
    }
  }
}
