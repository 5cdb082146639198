package io.tributary.flow;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import io.tributary.core.TableId;
import io.tributary.flow.internal.BackfillStore;
import io.tributary.flow.internal.DefinitionsVersion;
import io.tributary.flow.internal.FlowMetrics;
import io.tributary.flow.internal.FlowScheduler;
import io.tributary.flow.internal.Pools;
import io.tributary.flow.internal.RunEngine;
import io.tributary.flow.internal.RunStore;
import io.tributary.flow.internal.ScheduleTicks;
import io.tributary.lake.Lake;
import io.tributary.lake.SpecTable;
import io.tributary.query.QueryEngine;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flows of the platform: definitions (stored in the metadata database, plus the YAML files of
 * the flows folder, read at start and again when they change; the stored ones reloaded when another
 * node sharing the database changes them through the API), runs created by schedule ticks, table
 * commits and manual requests, and their execution by the {@link RunEngine}. Timing and execution
 * are db-scheduler's ({@link FlowScheduler}), persisted in the same database: a schedule tick per
 * scheduled flow, an execution per task instance. (flow, logical date) is unique in the database,
 * so ticks, manual runs, restarts and other nodes never create a run twice.
 */
public final class Flows implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Flows.class);
  static final int MAX_BACKFILL_RUNS = 10_000;
  private static final Duration POOL_RECHECK = Duration.ofSeconds(2);

  /**
   * Where flow files live, how often the folder and trigger tables are looked at (and the scheduler
   * polls for due executions), how many task tries run at once on this node, the pools of the
   * platform by name with their slots ({@value TaskSpec#DEFAULT_POOL} always among them), and how
   * often a running try's process proves it is alive (4 missed heartbeats: the try is retried).
   */
  public record Settings(
      Path dir,
      Duration tick,
      int workers,
      Map<String, Integer> pools,
      Duration heartbeat,
      String node) {
    /** Slots of the default pool unless configured. */
    public static final int DEFAULT_POOL_SLOTS = 16;

    public Settings {
      Objects.requireNonNull(dir, "dir is null");
      Objects.requireNonNull(tick, "tick is null");
      if (workers < 1) {
        throw new IllegalArgumentException("Invalid flow workers: " + workers + " (must be >= 1)");
      }
      Map<String, Integer> all = new HashMap<>(pools);
      all.putIfAbsent(TaskSpec.DEFAULT_POOL, DEFAULT_POOL_SLOTS);
      all.forEach(
          (pool, slots) -> {
            if (slots < 1) {
              throw new IllegalArgumentException(
                  "Invalid slots of pool " + pool + ": " + slots + " (must be >= 1)");
            }
          });
      pools = Map.copyOf(all);
      Objects.requireNonNull(heartbeat, "heartbeat is null");
      Objects.requireNonNull(node, "node is null");
    }

    /** As node {@code "local"}, alone on its metadata database. */
    public Settings(
        Path dir, Duration tick, int workers, Map<String, Integer> pools, Duration heartbeat) {
      this(dir, tick, workers, pools, heartbeat, "local");
    }

    /** The default pool's slots, a heartbeat every 5 s. */
    public Settings(Path dir, Duration tick, int workers) {
      this(dir, tick, workers, Map.of(), Duration.ofSeconds(5));
    }
  }

  private final RunStore store;
  private final FlowBackfills backfills;
  private final RunActions actions;
  private final RandomGenerator random;
  private final RunEngine engine;
  private final TriggerWatch triggers;
  private final Clock clock;
  private final Map<String, FlowSpec> specs = new ConcurrentHashMap<>();
  private final Pools pools;
  private final ScheduleTicks ticks;
  private final Duration firstTick;
  private final FlowScheduler scheduler;
  private final HikariDataSource connections;
  private final FlowDefinitions definitions;
  private final ScheduledExecutorService definitionsWatch;

  /**
   * @param commits the commits of the tables that trigger flows
   */
  public Flows(
      Supplier<Connection> db,
      FlowParser parser,
      Map<String, TaskRunner> runners,
      TableCommits commits,
      Settings settings,
      MeterRegistry meters,
      Clock clock,
      RandomGenerator random) {
    Objects.requireNonNull(parser, "parser is null");
    this.connections = SchedulerTables.pool(db, settings.workers() + 8, "tributary-flows");
    db = SchedulerTables.connections(connections);
    this.triggers = new TriggerWatch(commits);
    this.clock = Objects.requireNonNull(clock, "clock is null");
    this.store = new RunStore(db, settings.node());
    this.definitionsWatch =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "tributary-flow-definitions");
              thread.setDaemon(true);
              return thread;
            });
    this.random = Objects.requireNonNull(random, "random is null");
    this.pools = new Pools(settings.pools(), specs::values);
    this.firstTick = settings.tick();
    this.scheduler =
        new FlowScheduler(
            db,
            new FlowScheduler.Handlers() {
              @Override
              public RunEngine.Next task(String key, Instant due, long version) {
                return engine.execute(key, due, version);
              }

              @Override
              public Optional<Instant> tick(String flow) {
                return scheduleTick(flow);
              }

              @Override
              public void watch() {
                Flows.this.watch();
              }
            },
            new FlowScheduler.Settings(
                settings.workers(),
                settings.tick(),
                settings.heartbeat(),
                settings.tick(),
                settings.node()),
            clock);
    this.engine =
        new RunEngine(
            store,
            runners,
            name -> Optional.ofNullable(specs.get(name)),
            pools::slots,
            clock,
            random,
            scheduler,
            POOL_RECHECK,
            new FlowMetrics(meters));
    this.backfills = new FlowBackfills(new BackfillStore(db), engine, clock, random);
    this.actions = new RunActions(store, engine, name -> specs.containsKey(name));
    this.ticks = new ScheduleTicks((spec, date) -> engine.ensureRun(spec, date, "scheduled"));
    this.definitions =
        new FlowDefinitions(
            parser,
            new SpecTable(db, "flows", "flow"),
            new SpecTable(db, "flow_pauses", "paused flow"),
            new DefinitionsVersion(db),
            settings.dir(),
            pools,
            specs,
            store,
            new FlowDefinitions.Ticks() {
              @Override
              public void schedule(FlowSpec spec) {
                scheduleTicks(spec);
              }

              @Override
              public void forget(String flow) {
                ticks.forget(flow);
              }

              @Override
              public void cancel(String flow) {
                scheduler.cancelTicks(flow);
              }
            },
            clock);
    try {
      store.claimOnPick();
      definitions.load();
      engine.recover();
      backfills.resume(this::get);
      specs.values().forEach(this::scheduleTicks);
      scheduler.start();
      definitionsWatch.scheduleWithFixedDelay(
          this::watchDefinitions,
          settings.tick().toMillis(),
          settings.tick().toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * The platform's flows: SQL tasks on {@code query} written to {@code lake}, HTTP and maintain
   * tasks, and the task types of {@code more} (by type name), supplied by whoever assembles the
   * platform. Flows are checked against the lake's tables when they are loaded; {@code declared}
   * tells the tables that do not exist yet but will (a stream's, before its first records). {@code
   * references} resolves {@code ${secret:name}} and {@code ${var:key}} in HTTP task settings as
   * they are now (checked when a flow loads, resolved at each try), throwing {@link
   * InvalidInputException} naming one that is not set. Tasks of every type do what {@code
   * privileges} allows their flow's owner, checked at each try ({@link TaskPrivileges#checkTask};
   * SQL tasks also check each table they read and their target).
   */
  public static Flows start(
      Supplier<Connection> db,
      Lake lake,
      QueryEngine query,
      Settings settings,
      MeterRegistry meters,
      Clock clock,
      Map<String, TaskRunner> more,
      Predicate<TableId> declared,
      UnaryOperator<String> references,
      TaskPrivileges privileges) {
    return new Flows(
        db,
        new FlowParser(new LakeChecks(lake, query, declared, references::apply)),
        PlatformRunners.of(lake, query, more, references, privileges),
        new LakeCommits(lake),
        settings,
        meters,
        clock,
        new Random());
  }

  /**
   * This node's look at the flow definitions, every tick: changed files of its flows folder, and
   * the flows other nodes put, deleted, paused or unpaused through the API (when the stored version
   * moved).
   */
  private void watchDefinitions() {
    try {
      definitions.watch();
    } catch (RuntimeException e) {
      if (!definitionsWatch.isShutdown()) { // not stopped by close() in the middle
        LOG.warn("Cannot look at the flow definitions: {}", e.toString());
      }
    }
  }

  /**
   * Its first schedule tick (creating the latest due run) after one watch interval (time to pause a
   * flow just put), or no tick without a schedule.
   */
  private void scheduleTicks(FlowSpec spec) {
    if (spec.schedule().isPresent()) {
      scheduler.tickAt(spec.name(), clock.instant().plus(firstTick));
    } else {
      scheduler.cancelTicks(spec.name());
    }
  }

  /**
   * Validates and stores a flow (YAML or JSON text); the previous version keeps running if it is
   * rejected.
   *
   * @throws FlowDefinitionException naming the line and key at fault
   */
  public FlowSpec put(String name, String text) {
    return definitions.put(name, text);
  }

  public Optional<FlowSpec> get(String name) {
    return definitions.get(name);
  }

  /** The task tries running on this node, as {@code <flow>/<run id>/<task id>}. */
  public List<String> runningTries() {
    return store.runningHere();
  }

  /** Every flow, by name. */
  public List<FlowSpec> list() {
    return definitions.list();
  }

  /** Deletes a flow's definition (its run history stays); false if there was none. */
  public boolean delete(String name) {
    return definitions.delete(name);
  }

  /**
   * Pauses or unpauses a flow: a paused flow gets no scheduled or triggered runs (manual runs still
   * run, and runs in progress go on).
   */
  public void setPaused(String name, boolean pause) {
    definitions.setPaused(name, pause);
  }

  public boolean isPaused(String name) {
    return definitions.isPaused(name);
  }

  private FlowSpec required(String name) {
    return definitions.required(name);
  }

  /**
   * The run of {@code name} for {@code logicalDate} (now if empty), created and started unless it
   * exists: a manual run on the date of a scheduled one is that run.
   */
  public RunEngine.Ensured runNow(String name, Optional<String> logicalDate) {
    FlowSpec spec = required(name);
    Instant date =
        logicalDate
            .map(text -> FlowBackfills.logicalDate(spec, text))
            .orElseGet(() -> clock.instant().truncatedTo(ChronoUnit.SECONDS));
    return engine.ensureRun(spec, date, "manual");
  }

  /**
   * Runs an ended run again, on the flow definition it was created with: its tasks are queued and
   * their tries go on counting.
   *
   * @throws NotFoundException if there is no such run
   * @throws InvalidInputException ({@code RUN_NOT_ENDED}) if the run has not ended
   */
  public FlowRun rerun(String name, String runId) {
    return actions.rerun(name, runId);
  }

  /**
   * Marks a run failed by a user: tries running are interrupted and not retried (a try running on
   * another node runs on, and its end is discarded), tasks not started are settled upstream_failed
   * or skipped by their trigger rules, and the run ends failed. An ended run only becomes failed.
   *
   * @throws NotFoundException if there is no such run
   */
  public FlowRun markRunFailed(String name, String runId) {
    return actions.markRunFailed(name, runId);
  }

  /**
   * Marks one task of a run failed by a user: a running try is interrupted and not retried; in a
   * running run its downstream tasks settle by their trigger rules and the run ends by the usual
   * rules; in an ended run the task and the run become failed and nothing runs again.
   *
   * @throws NotFoundException if there is no such run or task
   */
  public FlowRun markTaskFailed(String name, String runId, String taskId) {
    return actions.markTaskFailed(name, runId, taskId);
  }

  /**
   * Clears one task of an ended run: it is queued again with a new try, in the same run, which runs
   * again and ends by the usual rules.
   *
   * @throws NotFoundException if there is no such run or task
   * @throws InvalidInputException ({@code RUN_NOT_ENDED}) if the run has not ended, or the flow is
   *     deleted
   */
  public FlowRun clearTask(String name, String runId, String taskId) {
    return actions.clear(name, runId, taskId, false);
  }

  /** As {@link #clearTask}, with every task downstream of it. */
  public FlowRun clearTaskAndDownstream(String name, String runId, String taskId) {
    return actions.clear(name, runId, taskId, true);
  }

  /**
   * What a backfill did: its id, the runs it created and those that existed already, oldest first.
   */
  public record Backfill(String id, List<String> created, List<String> existing) {
    public Backfill {
      Objects.requireNonNull(id, "id is null");
      created = List.copyOf(created);
      existing = List.copyOf(existing);
    }
  }

  /**
   * Creates the run of every tick of the flow's schedule whose logical date is in [{@code from},
   * {@code to}] and has no run yet; they start oldest first as max-active-runs allows.
   *
   * @throws InvalidInputException if the flow has no schedule, the dates do not parse, {@code to}
   *     is before {@code from} or the range holds more than {@value #MAX_BACKFILL_RUNS} ticks
   */
  public Backfill backfill(String name, String from, String to) {
    return backfills.create(required(name), from, to);
  }

  /** The flow's backfills, newest first, with their progress. */
  public List<FlowBackfill> backfills(String name, int limit) {
    required(name);
    return backfills.list(name, limit);
  }

  /** The flow's runs, newest logical date first. */
  public List<FlowRun> runs(String name, int limit) {
    required(name);
    return store.runs(name, limit);
  }

  public Optional<FlowRun> run(String name, String runId) {
    return store.run(name, runId);
  }

  /** The log of a task's try (its last try if {@code tryNumber} is empty). */
  public Optional<String> log(
      String name, String runId, String taskId, Optional<Integer> tryNumber) {
    return actions.log(name, runId, taskId, tryNumber);
  }

  /**
   * A schedule tick of {@code flow}: its due intervals become runs (unless paused).
   *
   * @return when its next interval ends, or empty if it has no schedule any more
   */
  private Optional<Instant> scheduleTick(String flow) {
    FlowSpec spec = specs.get(flow);
    if (spec == null || spec.schedule().isEmpty()) {
      return Optional.empty();
    }
    Schedule schedule = spec.schedule().get();
    Instant now = clock.instant();
    if (!definitions.isPaused(flow) && ticks.createDue(spec, schedule, now)) {
      return Optional.of(now); // catchup has more missed intervals than one tick creates
    }
    return Optional.of(schedule.next(now));
  }

  /** New commits of trigger tables become runs (on one node at a time). */
  private void watch() {
    Instant now = clock.instant();
    for (FlowSpec spec : list()) {
      if (definitions.isPaused(spec.name())) {
        triggers.forget(spec.name());
        continue;
      }
      try {
        for (TableTrigger trigger : spec.triggers()) {
          if (triggers.fires(spec.name(), trigger)) {
            LOG.info("Flow {}: table {} got new data", spec.name(), trigger);
            engine.ensureRun(spec, now.truncatedTo(ChronoUnit.SECONDS), "triggered");
          }
        }
      } catch (RuntimeException e) {
        LOG.warn("Flow {}: trigger check failed: {}", spec.name(), e.toString());
      }
    }
  }

  /** Stops: tries in progress are interrupted and left to be retried at the next start. */
  @Override
  public void close() {
    if (definitionsWatch != null) {
      definitionsWatch.shutdownNow();
    }
    if (engine != null) {
      engine.close();
    }
    if (scheduler != null) {
      scheduler.close();
    }
    if (connections != null) {
      connections.close();
    }
  }
}
