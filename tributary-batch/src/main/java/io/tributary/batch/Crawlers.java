package io.tributary.batch;

import io.tributary.batch.internal.CrawlJob;
import io.tributary.batch.internal.DuckDbLoader;
import io.tributary.batch.internal.Ledger;
import io.tributary.batch.internal.RunStore;
import io.tributary.core.NotFoundException;
import io.tributary.core.config.CrawlerSpec;
import io.tributary.lake.Lake;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs crawlers: on request ({@link #start}, {@link #run}), on their schedule, and about a second
 * after files of their source land (event mode). One run per crawler at a time across the nodes
 * sharing the metadata database: a run starts on the node that claims the crawler's lease there
 * (see {@link RunStore#claim}); a trigger during a run on this node makes it run again afterwards,
 * a scheduled trigger while another node runs the crawler is skipped, and an event trigger is tried
 * again later. Runs are recorded in the metadata database with the node running them.
 */
public final class Crawlers implements CrawlerRegistry.Listener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Crawlers.class);
  private static final DateTimeFormatter RUN_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

  /** How long event mode waits after the last landing event of a source before crawling. */
  public static final Duration DEBOUNCE = Duration.ofSeconds(1);

  /** The node id of a process alone on its metadata database. */
  public static final String LOCAL_NODE = "local";

  /** How often {@link #run} looks whether another node's run of the crawler ended. */
  private static final Duration ELSEWHERE_POLL = Duration.ofMillis(250);

  /** How often a running crawler's lease is renewed. */
  private static final Duration RENEW = RunStore.LEASE.dividedBy(3);

  private final CrawlerRegistry registry;
  private final RunStore runs;
  private final CrawlJob.Context context;
  private final Clock clock;
  private final ExecutorService runners;
  private final ExecutorService workers;
  private final ScheduledExecutorService timers;
  private final DuckDbLoader duckdb;
  private final Map<String, Slot> slots = new ConcurrentHashMap<>();
  private final Map<String, ScheduledFuture<?>> schedules = new ConcurrentHashMap<>();
  private final Map<String, ScheduledFuture<?>> debounced = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** The state of one crawler's runs. */
  private static final class Slot {
    CrawlJob job;
    String runId;
    CompletableFuture<CrawlRun> done;
    ScheduledFuture<?> renewal;
    boolean again;
  }

  /** Crawlers over {@code landing} into {@code lake}, with two loader threads. */
  public Crawlers(
      Lake lake,
      LandingZone landing,
      CrawlerRegistry registry,
      Supplier<Connection> metadataDb,
      Clock clock) {
    this(
        lake,
        landing,
        registry,
        metadataDb,
        clock,
        LOCAL_NODE,
        2,
        LoadPath.DUCKDB_WHEN_CLEAN,
        CrawlJob.CrashPoints.NONE);
  }

  /** How files become Parquet. */
  public enum LoadPath {
    /**
     * DuckDB converts clean CSV and JSON-lines files with the inferred types; a file with a value
     * DuckDB refuses, and every other format, goes through the row reader.
     */
    DUCKDB_WHEN_CLEAN,
    /** Every file through the Java row reader and Iceberg's Parquet writer. */
    ROW_READER
  }

  /** As above, with {@code parallelism} loader threads and the given load path. */
  public Crawlers(
      Lake lake,
      LandingZone landing,
      CrawlerRegistry registry,
      Supplier<Connection> metadataDb,
      Clock clock,
      int parallelism,
      LoadPath loadPath) {
    this(
        lake,
        landing,
        registry,
        metadataDb,
        clock,
        LOCAL_NODE,
        parallelism,
        loadPath,
        CrawlJob.CrashPoints.NONE);
  }

  /**
   * As above, as node {@code node} of the nodes sharing {@code metadataDb}, with {@code
   * parallelism} loader threads and {@code crashPoints} called at the commit steps of every run
   * (tests make them fail).
   */
  public Crawlers(
      Lake lake,
      LandingZone landing,
      CrawlerRegistry registry,
      Supplier<Connection> metadataDb,
      Clock clock,
      String node,
      int parallelism,
      LoadPath loadPath,
      CrawlJob.CrashPoints crashPoints) {
    this.registry = Objects.requireNonNull(registry, "registry is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
    this.runs = new RunStore(metadataDb, node, clock);
    Ledger ledger = new Ledger(metadataDb);
    this.runners = Executors.newCachedThreadPool(daemon("crawl-run"));
    this.workers = Executors.newFixedThreadPool(parallelism, daemon("crawl-worker"));
    this.timers = Executors.newSingleThreadScheduledExecutor(daemon("crawl-timer"));
    this.duckdb =
        loadPath == LoadPath.DUCKDB_WHEN_CLEAN ? new DuckDbLoader(parallelism, 512L << 20) : null;
    this.context =
        new CrawlJob.Context(
            lake,
            landing,
            ledger,
            workers,
            parallelism,
            clock,
            crashPoints,
            duckdb,
            this::leaseHeld);
    registry.addListener(this);
    registry.list().forEach(this::crawlerPut);
  }

  private static ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  /**
   * Starts a run of crawler {@code name} in the background, or returns the run in progress (on this
   * node or another one).
   *
   * @throws NotFoundException if there is no such crawler
   */
  public CrawlRun start(String name) {
    return tryStart(name).orElseGet(() -> elsewhere(name));
  }

  /** Starts a run here, or returns the one running here; empty if another node runs it. */
  private Optional<CrawlRun> tryStart(String name) {
    CrawlerSpec spec = registry.get(name).orElseThrow(() -> new NotFoundException("crawler", name));
    Slot slot = slots.computeIfAbsent(name, k -> new Slot());
    synchronized (slot) {
      if (slot.job != null) {
        return Optional.of(slot.job.snapshot(CrawlRun.Status.RUNNING, null, null));
      }
      String id =
          RUN_TIME.format(clock.instant()) + "-" + UUID.randomUUID().toString().substring(0, 8);
      if (!runs.claim(name, id)) {
        return Optional.empty();
      }
      CrawlJob job = new CrawlJob(context, spec, id, clock.instant(), progress -> {});
      CrawlRun first = job.snapshot(CrawlRun.Status.RUNNING, null, null);
      try {
        runs.save(first);
      } catch (RuntimeException e) {
        runs.release(name, id);
        throw e;
      }
      slot.job = job;
      slot.runId = id;
      slot.done = new CompletableFuture<>();
      slot.renewal =
          timers.scheduleAtFixedRate(
              () -> renew(name, id), RENEW.toMillis(), RENEW.toMillis(), TimeUnit.MILLISECONDS);
      CompletableFuture<CrawlRun> done = slot.done;
      runners.submit(() -> execute(name, slot, job, done));
      return Optional.of(first);
    }
  }

  /** The run of {@code name} another node holds the lease for (claiming again if it just ended). */
  private CrawlRun elsewhere(String name) {
    for (int attempt = 0; attempt < 3; attempt++) {
      Optional<CrawlRun> other = runs.holder(name).flatMap(runs::get);
      if (other.isPresent()) {
        return other.get();
      }
      Optional<CrawlRun> here = tryStart(name);
      if (here.isPresent()) {
        return here.get();
      }
    }
    throw new IllegalStateException(
        "Crawler " + name + " is being started on another node: try again");
  }

  /** Renews the run's lease now, before a commit: false if it has lost it. */
  private boolean leaseHeld(String name, String id) {
    if (runs.renew(name, id)) {
      return true;
    }
    LOG.warn("Crawler {}: run {} lost its lease on node {}; stopping it", name, id, runs.node());
    return false;
  }

  private void renew(String name, String id) {
    try {
      if (!runs.renew(name, id)) {
        LOG.warn("Crawler {}: run {} lost its lease on node {}", name, id, runs.node());
      }
    } catch (RuntimeException e) {
      LOG.warn("Crawler {}: cannot renew the lease of run {}: {}", name, id, e.toString());
    }
  }

  /** The crawlers running on this node, with their run ids. */
  public Map<String, String> running() {
    Map<String, String> result = new TreeMap<>();
    slots.forEach(
        (name, slot) -> {
          synchronized (slot) {
            if (slot.runId != null) {
              result.put(name, slot.runId);
            }
          }
        });
    return result;
  }

  private void execute(String name, Slot slot, CrawlJob job, CompletableFuture<CrawlRun> done) {
    CrawlRun result;
    try {
      result = job.run();
    } catch (Exception | LinkageError e) {
      LOG.warn("Crawler {} failed: {}", name, e.toString(), e);
      result =
          job.snapshot(
              closed ? CrawlRun.Status.INTERRUPTED : CrawlRun.Status.FAILED,
              clock.instant(),
              e.getMessage() == null ? e.toString() : e.getMessage());
    }
    try {
      runs.save(result);
    } catch (RuntimeException e) {
      LOG.warn("Cannot record crawl run {}: {}", result.id(), e.toString());
    }
    boolean again;
    synchronized (slot) {
      slot.renewal.cancel(false);
      try {
        runs.release(name, result.id());
      } catch (RuntimeException e) {
        LOG.warn("Cannot release the lease of crawl run {}: {}", result.id(), e.toString());
      }
      slot.renewal = null;
      slot.job = null;
      slot.runId = null;
      again = slot.again && !closed;
      slot.again = false;
    }
    done.complete(result);
    if (again && registry.get(name).isPresent()) {
      start(name);
    }
  }

  /**
   * Runs crawler {@code name} now and waits for the result; a run in progress, on this node or
   * another one, is waited for first, so the result covers every file present when this was called.
   */
  public CrawlRun run(String name) {
    while (true) {
      while (true) {
        CompletableFuture<CrawlRun> current = inProgress(name);
        if (current == null) {
          break;
        }
        await(current);
      }
      CrawlRun started = start(name);
      CompletableFuture<CrawlRun> done;
      Slot slot = slots.get(name);
      synchronized (slot) {
        done = started.id().equals(slot.runId) ? slot.done : null;
      }
      if (done != null) {
        return await(done);
      }
      // another node's run, which may have begun before this call: once it ends (it may have
      // already), run again (here or there) to cover every file present
      awaitElsewhere(name, started.id());
    }
  }

  /** Waits while another node holds {@code name}'s lease for run {@code id}. */
  private void awaitElsewhere(String name, String id) {
    while (runs.holder(name).filter(id::equals).isPresent()) {
      try {
        Thread.sleep(ELSEWHERE_POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for crawl run " + id, e);
      }
    }
  }

  private CompletableFuture<CrawlRun> inProgress(String name) {
    Slot slot = slots.get(name);
    if (slot == null) {
      return null;
    }
    synchronized (slot) {
      return slot.job == null ? null : slot.done;
    }
  }

  private static CrawlRun await(CompletableFuture<CrawlRun> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for a crawl", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * The run {@code id} of crawler {@code name}, with live progress while it runs.
   *
   * @throws NotFoundException if there is no such crawler
   */
  public Optional<CrawlRun> find(String name, String id) {
    registry.get(name).orElseThrow(() -> new NotFoundException("crawler", name));
    Slot slot = slots.get(name);
    if (slot != null) {
      synchronized (slot) {
        if (slot.job != null && id.equals(slot.runId)) {
          return Optional.of(slot.job.snapshot(CrawlRun.Status.RUNNING, null, null));
        }
      }
    }
    return runs.get(id).filter(run -> run.crawler().equals(name));
  }

  /**
   * The newest {@code limit} runs of crawler {@code name}, newest first.
   *
   * @throws NotFoundException if there is no such crawler
   */
  public List<CrawlRun> runs(String name, int limit) {
    registry.get(name).orElseThrow(() -> new NotFoundException("crawler", name));
    List<CrawlRun> result = new ArrayList<>(runs.list(name, limit));
    Slot slot = slots.get(name);
    if (slot != null) {
      synchronized (slot) {
        if (slot.job != null) {
          for (int i = 0; i < result.size(); i++) {
            if (result.get(i).id().equals(slot.runId)) {
              result.set(i, slot.job.snapshot(CrawlRun.Status.RUNNING, null, null));
            }
          }
        }
      }
    }
    return result;
  }

  /** Event mode: crawls the event's source about {@link #DEBOUNCE} after its last event. */
  public void landed(LandingEvent event) {
    for (CrawlerSpec spec : registry.list()) {
      if (spec.mode() == CrawlerSpec.Mode.EVENT && spec.source().equals(event.source())) {
        trigger(spec.name(), DEBOUNCE);
      }
    }
  }

  private void trigger(String name, Duration delay) {
    if (closed) {
      return;
    }
    debounced.compute(
        name,
        (k, previous) -> {
          if (previous != null) {
            previous.cancel(false);
          }
          return timers.schedule(
              () -> triggered(name, true), delay.toMillis(), TimeUnit.MILLISECONDS);
        });
  }

  /**
   * A scheduled or event trigger: runs {@code name} here unless another node runs it; then a
   * scheduled run is skipped and an event run ({@code retryElsewhere}) is tried again after a lease
   * renewal period, so files that landed during the other node's run are crawled.
   */
  private void triggered(String name, boolean retryElsewhere) {
    Slot slot = slots.computeIfAbsent(name, k -> new Slot());
    synchronized (slot) {
      if (slot.job != null) {
        slot.again = true;
        return;
      }
    }
    try {
      if (tryStart(name).isEmpty() && retryElsewhere) {
        trigger(name, RENEW);
      }
    } catch (RuntimeException e) {
      LOG.warn("Cannot start crawler {}: {}", name, e.toString());
    }
  }

  @Override
  public void crawlerPut(CrawlerSpec spec) {
    ScheduledFuture<?> previous = schedules.remove(spec.name());
    if (previous != null) {
      previous.cancel(false);
    }
    if (closed) {
      return;
    }
    if (spec.mode() == CrawlerSpec.Mode.SCHEDULE) {
      long millis = spec.schedule().toMillis();
      schedules.put(
          spec.name(),
          timers.scheduleWithFixedDelay(
              () -> triggered(spec.name(), false), millis, millis, TimeUnit.MILLISECONDS));
    } else if (spec.mode() == CrawlerSpec.Mode.EVENT) {
      trigger(spec.name(), DEBOUNCE); // catch up with files that landed while it was not running
    }
  }

  @Override
  public void crawlerDeleted(String name) {
    ScheduledFuture<?> previous = schedules.remove(name);
    if (previous != null) {
      previous.cancel(false);
    }
  }

  /** Stops timers and interrupts runs in progress (they are recorded as interrupted). */
  @Override
  public void close() {
    closed = true;
    timers.shutdownNow();
    runners.shutdownNow();
    workers.shutdownNow();
    try {
      runners.awaitTermination(10, TimeUnit.SECONDS);
      workers.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (duckdb != null) {
      duckdb.close();
    }
  }
}
