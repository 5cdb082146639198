package io.tributary.flow.internal;

import io.tributary.flow.FlowParser;
import io.tributary.flow.FlowRun;
import io.tributary.flow.FlowSpec;
import io.tributary.flow.RunState;
import io.tributary.flow.TaskRun;
import io.tributary.flow.TaskRunner;
import io.tributary.flow.TaskSpec;
import io.tributary.flow.TaskState;
import io.tributary.flow.TriggerRule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves runs forward on top of the persistent scheduler: admits queued runs under {@code
 * max-active-runs}, hands every task whose trigger rule is met to the scheduler as soon as its
 * upstream tasks end (on the thread that ended them, no poll), runs the tries the scheduler
 * executes, records each try's outcome, log and retry, and ends the run.
 *
 * <p>The scheduler executes each task instance at least once, so every step here is idempotent: a
 * try starts only by moving its row from queued to running (and only with a free slot in its pool),
 * on SQLite usually inside the scheduler's own pick of the execution ({@link TryClaims}); an
 * execution that finds its task running, not claimed by its own pick, belongs to a process that
 * died during the try (the scheduler revived it after its heartbeats stopped), so that try is
 * counted as failed and retried; an execution that finds its task ended only moves the run forward.
 */
public final class RunEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunEngine.class);
  private static final FlowParser STORED = new FlowParser(sql -> {});

  /** Where the engine hands task instances to the persistent scheduler. */
  public interface Dispatcher {
    /** Schedules the execution of {@code key} at {@code at}, unless it exists. */
    void dispatch(String key, Instant at);

    /** Schedules the executions of {@code keys} at {@code at}, those that do not exist. */
    void dispatchAll(List<String> keys, Instant at);

    /** Moves the waiting execution of {@code key} to now; false if it is executing or gone. */
    boolean wake(String key);
  }

  private final RunStore store;
  private final Function<String, Optional<FlowSpec>> currentSpec;
  private final Function<String, Integer> poolSlots;
  private final Clock clock;
  private final RandomGenerator random;
  private final Dispatcher dispatcher;
  private final Duration poolRecheck;
  private final TryRunner tries;
  private final PoolWaiters waiters = new PoolWaiters();
  private final Map<String, FlowSpec> runSpecs = new ConcurrentHashMap<>();
  private final Set<String> dispatched = ConcurrentHashMap.newKeySet();
  private final FlowMetrics metrics;

  /**
   * @param poolSlots the slots of a pool, by name
   * @param poolRecheck how long an execution waiting for a pool slot sleeps if no slot frees on
   *     this node (slots freed by other nodes)
   */
  public RunEngine(
      RunStore store,
      Map<String, TaskRunner> runners,
      Function<String, Optional<FlowSpec>> currentSpec,
      Function<String, Integer> poolSlots,
      Clock clock,
      RandomGenerator random,
      Dispatcher dispatcher,
      Duration poolRecheck,
      FlowMetrics metrics) {
    this.store = Objects.requireNonNull(store, "store is null");
    this.currentSpec = Objects.requireNonNull(currentSpec, "currentSpec is null");
    this.poolSlots = Objects.requireNonNull(poolSlots, "poolSlots is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
    this.random = Objects.requireNonNull(random, "random is null");
    this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher is null");
    this.poolRecheck = Objects.requireNonNull(poolRecheck, "poolRecheck is null");
    this.metrics = Objects.requireNonNull(metrics, "metrics is null");
    this.tries = new TryRunner(runners, clock, metrics);
  }

  /** The run of (flow, logical date) and whether this call created it. */
  public record Ensured(FlowRun run, boolean created) {}

  /**
   * Creates the run of {@code spec} for {@code logicalDate} unless it exists, then admits queued
   * runs of the flow.
   */
  public Ensured ensureRun(FlowSpec spec, Instant logicalDate, String runType) {
    Instant intervalEnd =
        spec.schedule().map(schedule -> schedule.next(logicalDate)).orElse(logicalDate);
    String runId = RunIds.of(logicalDate);
    Map<String, String> pools = new LinkedHashMap<>();
    spec.tasks().forEach(task -> pools.put(task.id(), task.pool()));
    boolean created =
        store.create(
            new RunStore.NewRun(
                spec.name(),
                runId,
                logicalDate,
                logicalDate,
                intervalEnd,
                runType,
                spec.source(),
                pools),
            clock.instant());
    if (created) {
      runSpecs.put(key(spec.name(), runId), spec);
      LOG.info("Flow {}: {} run {} created", spec.name(), runType, runId);
    }
    admit(spec.name());
    FlowRun run =
        store
            .run(spec.name(), runId)
            .orElseThrow(() -> new IllegalStateException("Run " + runId + " vanished"));
    return new Ensured(run, created);
  }

  /** Queues an ended run again (a re-run of its logical date); false if it is not ended. */
  public boolean rerun(String flow, String runId) {
    boolean cleared = store.clear(flow, runId);
    if (cleared) {
      LOG.info("Flow {}: run {} cleared for a re-run", flow, runId);
      admit(flow);
    }
    return cleared;
  }

  /** The error a task marked failed by a user records. */
  public static final String MARKED_FAILED = "Marked failed by a user";

  /**
   * Marks a run failed: its running tasks are marked failed (a try running on this node is
   * interrupted; one on another node runs on, and its end is discarded), its tasks not started are
   * settled upstream_failed where their trigger rule says so and skipped otherwise, and the run
   * ends failed. An ended run only changes state. False if there is no such run.
   */
  public boolean markRunFailed(String flow, String runId) {
    Optional<FlowRun> found = store.run(flow, runId);
    if (found.isEmpty()) {
      return false;
    }
    Instant now = clock.instant();
    FlowRun run = found.get();
    if (run.state().isFinished()) {
      store.failRun(flow, runId, now);
      LOG.info("Flow {}: ended run {} marked failed", flow, runId);
      return true;
    }
    synchronized (this) {
      // first the run: no new try starts in a run that is not running
      store.failRun(flow, runId, now);
      FlowSpec spec = specOf(flow, runId);
      Map<String, TaskState> states = new HashMap<>();
      for (TaskRun task : store.run(flow, runId).orElse(run).tasks()) {
        TaskState state = task.state();
        if (state == TaskState.RUNNING) {
          failRunning(flow, runId, spec, task.taskId(), now);
          state = TaskState.FAILED;
        }
        states.put(task.taskId(), state);
      }
      boolean changed = true;
      while (changed) {
        changed = false;
        for (TaskSpec task : spec.tasks()) {
          if (states.get(task.id()) != TaskState.QUEUED) {
            continue;
          }
          List<TaskState> upstream = task.dependsOn().stream().map(states::get).toList();
          TriggerRule.Decision decision = task.triggerRule().decide(upstream);
          if (decision == TriggerRule.Decision.WAIT) {
            continue; // an upstream task is still to settle
          }
          TaskState state =
              decision == TriggerRule.Decision.UPSTREAM_FAILED
                  ? TaskState.UPSTREAM_FAILED
                  : TaskState.SKIPPED;
          changed |= settle(flow, runId, task, state, states, now);
        }
      }
      for (TaskSpec task : spec.tasks()) {
        if (states.get(task.id()) == TaskState.QUEUED) {
          settle(flow, runId, task, TaskState.SKIPPED, states, now);
        }
      }
      spec.tasks().forEach(task -> dispatched.remove(TaskKey.of(flow, runId, task.id())));
      runSpecs.remove(key(flow, runId));
    }
    metrics.runEnded(flow, RunState.FAILED.label());
    LOG.info("Flow {}: run {} marked failed", flow, runId);
    admit(flow);
    return true;
  }

  /**
   * Marks one task of a run failed: a running try is interrupted (on this node; one on another node
   * runs on, and its end is discarded) and not retried. In a running run its downstream tasks then
   * settle by their trigger rules; in an ended run only the task and the run's state change. False
   * if there is no such run or task.
   */
  public boolean markTaskFailed(String flow, String runId, String taskId) {
    Optional<FlowRun> found = store.run(flow, runId, List.of(taskId));
    if (found.isEmpty() || found.get().tasks().isEmpty()) {
      return false;
    }
    Instant now = clock.instant();
    FlowRun run = found.get();
    if (run.state().isFinished()) {
      store.failTask(flow, runId, taskId, MARKED_FAILED, now);
      store.failRun(flow, runId, now);
      LOG.info("Flow {}: task {} of ended run {} marked failed", flow, taskId, runId);
      return true;
    }
    FlowSpec spec = specOf(flow, runId);
    synchronized (this) {
      if (run.tasks().get(0).state() == TaskState.RUNNING) {
        failRunning(flow, runId, spec, taskId, now);
      } else {
        store.failTask(flow, runId, taskId, MARKED_FAILED, now);
        tries.interrupt(TaskKey.of(flow, runId, taskId)); // claimed since it was read
      }
      dispatched.remove(TaskKey.of(flow, runId, taskId));
    }
    LOG.info("Flow {}: task {} of run {} marked failed", flow, taskId, runId);
    evaluate(flow, runId);
    return true;
  }

  private void failRunning(String flow, String runId, FlowSpec spec, String taskId, Instant now) {
    store.failTask(flow, runId, taskId, MARKED_FAILED, now);
    tries.interrupt(TaskKey.of(flow, runId, taskId));
    spec.task(taskId).ifPresent(task -> waiters.wakeOne(task.pool(), dispatcher));
  }

  /**
   * Clears tasks of an ended run: {@code taskIds} go back to queued (each gets a new try, their
   * tries go on counting), the run is queued again and runs them by the usual rules. False if the
   * run is not ended.
   */
  public boolean clearTasks(String flow, String runId, List<String> taskIds) {
    boolean cleared = store.clearTasks(flow, runId, taskIds);
    if (cleared) {
      taskIds.forEach(taskId -> dispatched.remove(TaskKey.of(flow, runId, taskId)));
      LOG.info("Flow {}: tasks {} of run {} cleared", flow, taskIds, runId);
      admit(flow);
    }
    return cleared;
  }

  /**
   * The tasks downstream of {@code taskId} in the spec run {@code runId} was created with, nearest
   * first.
   */
  public List<String> downstream(String flow, String runId, String taskId) {
    FlowSpec spec = specOf(flow, runId);
    List<String> found = new ArrayList<>();
    List<String> frontier = new ArrayList<>(List.of(taskId));
    while (!frontier.isEmpty()) {
      String next = frontier.remove(0);
      for (TaskSpec task : spec.tasks()) {
        if (task.dependsOn().contains(next) && !found.contains(task.id())) {
          found.add(task.id());
          frontier.add(task.id());
        }
      }
    }
    return found;
  }

  /** Starts queued runs of {@code flow}, oldest first, while fewer than max-active-runs run. */
  public void admit(String flow) {
    List<String> started = new ArrayList<>();
    synchronized (this) {
      List<FlowRun> running = filter(store.runsIn(RunState.RUNNING), flow);
      List<FlowRun> queued = filter(store.runsIn(RunState.QUEUED), flow);
      if (queued.isEmpty()) {
        return;
      }
      int maxActive =
          currentSpec
              .apply(flow)
              .orElseGet(() -> specOf(flow, queued.get(0).runId()))
              .maxActiveRuns();
      int slots = maxActive - running.size();
      for (int i = 0; i < queued.size() && i < slots; i++) {
        FlowRun run = queued.get(i);
        Instant now = clock.instant();
        if (store.startRun(flow, run.runId(), now)) {
          started.add(run.runId());
          if (run.runType().equals("scheduled")) {
            metrics.schedulingDelay(flow, Duration.between(run.intervalEnd(), now));
          }
        }
      }
    }
    started.forEach(runId -> evaluate(flow, runId));
  }

  private static List<FlowRun> filter(List<FlowRun> runs, String flow) {
    return runs.stream().filter(run -> run.flow().equals(flow)).toList();
  }

  /**
   * Resumes after a start: every running run is evaluated (its ready tasks handed to the scheduler
   * again, which keeps one execution per task), a task left running gets an execution if it has
   * none (that execution counts the lost try), and queued runs are admitted.
   */
  public void recover() {
    Instant now = clock.instant();
    for (FlowRun run : store.runsIn(RunState.RUNNING)) {
      for (TaskRun task : run.tasks()) {
        if (task.state() == TaskState.RUNNING) {
          dispatcher.dispatch(TaskKey.of(run.flow(), run.runId(), task.taskId()), now);
        }
      }
      evaluate(run.flow(), run.runId());
    }
    store.runsIn(RunState.QUEUED).stream().map(FlowRun::flow).distinct().forEach(this::admit);
  }

  private FlowSpec specOf(String flow, String runId) {
    return runSpecs.computeIfAbsent(
        key(flow, runId),
        k -> STORED.parse(store.spec(flow, runId), "run " + runId + " of flow " + flow, flow));
  }

  /** The spec of the run, empty if there is no such run. */
  private Optional<FlowSpec> knownSpec(String flow, String runId) {
    FlowSpec cached = runSpecs.get(key(flow, runId));
    if (cached != null) {
      return Optional.of(cached);
    }
    return store.spec(flow, runId) == null ? Optional.empty() : Optional.of(specOf(flow, runId));
  }

  private static String key(String flow, String runId) {
    return flow + "/" + runId;
  }

  /** Settles what cannot run, hands what can run to the scheduler, and ends the run if done. */
  void evaluate(String flow, String runId) {
    List<String> ready = new ArrayList<>();
    Map<String, Instant> later = new HashMap<>();
    boolean ended = false;
    synchronized (this) {
      Optional<FlowRun> found = store.run(flow, runId);
      if (found.isEmpty() || found.get().state() != RunState.RUNNING) {
        return;
      }
      FlowRun run = found.get();
      FlowSpec spec = specOf(flow, runId);
      Map<String, TaskState> states = new HashMap<>();
      Map<String, TaskRun> byId = new HashMap<>();
      run.tasks().forEach(t -> byId.put(t.taskId(), t));
      run.tasks().forEach(t -> states.put(t.taskId(), t.state()));
      Instant now = clock.instant();
      boolean changed = true;
      while (changed) {
        changed = false;
        for (TaskSpec task : spec.tasks()) {
          TaskRun taskRun = byId.get(task.id());
          if (taskRun == null || states.get(task.id()) != TaskState.QUEUED) {
            continue;
          }
          List<TaskState> upstream = task.dependsOn().stream().map(states::get).toList();
          switch (task.triggerRule().decide(upstream)) {
            default -> {} // WAIT
            case SKIP -> changed |= settle(flow, runId, task, TaskState.SKIPPED, states, now);
            case UPSTREAM_FAILED ->
                changed |= settle(flow, runId, task, TaskState.UPSTREAM_FAILED, states, now);
            case RUN -> {
              String key = TaskKey.of(flow, runId, task.id());
              if (dispatched.add(key)) {
                Optional<Instant> next = taskRun.nextTryAt();
                if (next.isPresent() && next.get().isAfter(now)) {
                  later.put(key, next.get());
                } else {
                  ready.add(key);
                }
              }
            }
          }
        }
      }
      if (states.values().stream().allMatch(TaskState::isFinished)) {
        boolean failed =
            states.values().stream()
                .anyMatch(s -> s == TaskState.FAILED || s == TaskState.UPSTREAM_FAILED);
        RunState state = failed ? RunState.FAILED : RunState.SUCCESS;
        ended = store.finishRun(flow, runId, state, now);
        if (ended) {
          metrics.runEnded(flow, state.label());
          runSpecs.remove(key(flow, runId));
          LOG.info("Flow {} run {} ended: {}", flow, runId, state.label());
        }
      }
    }
    if (!ready.isEmpty()) {
      dispatcher.dispatchAll(ready, clock.instant());
    }
    later.forEach(dispatcher::dispatch);
    if (ended) {
      admit(flow);
    }
  }

  private boolean settle(
      String flow,
      String runId,
      TaskSpec task,
      TaskState state,
      Map<String, TaskState> states,
      Instant now) {
    store.settle(flow, runId, task.id(), state, now);
    states.put(task.id(), state);
    return true;
  }

  /**
   * What the scheduler does with an execution once it ran: execute it again at {@code again}, or
   * remove it (unless {@code removed}: its row went with the try's end, in the same commit).
   */
  public record Next(Optional<Instant> again, boolean removed) {
    public Next {
      Objects.requireNonNull(again, "again is null");
      if (again.isPresent() && removed) {
        throw new IllegalArgumentException("A removed execution cannot run again at " + again);
      }
    }

    /** Again at {@code again}, or removed by the scheduler if empty. */
    public static Next of(Optional<Instant> again) {
      return new Next(again, false);
    }
  }

  private static final Next DONE = Next.of(Optional.empty());

  /**
   * Executes the scheduler's execution of a task instance, due at {@code due}, picked at row
   * version {@code version} of the scheduler's table.
   *
   * @return when to execute it again (a retry's back-off, a wait for a pool slot), or that it is
   *     done with
   * @throws StoppedException if the platform stopped during the try (left running, recovered at the
   *     next start)
   */
  public Next execute(String key, Instant due, long version) {
    TaskKey id = TaskKey.parse(key);
    Optional<FlowSpec> known = knownSpec(id.flow(), id.runId());
    if (known.isEmpty()) {
      dispatched.remove(key);
      return DONE; // no such run
    }
    FlowSpec spec = known.get();
    Optional<TaskSpec> task = spec.task(id.taskId());
    List<String> read = new ArrayList<>(List.of(id.taskId()));
    task.ifPresent(t -> read.addAll(t.dependsOn()));
    Optional<RunStore.ExecutionRead> found =
        store.forExecution(id.flow(), id.runId(), id.taskId(), read);
    if (found.isEmpty() || found.get().run().state() != RunState.RUNNING) {
      dispatched.remove(key);
      runSpecs.remove(key(id.flow(), id.runId()));
      return DONE;
    }
    FlowRun run = found.get().run();
    Optional<TaskRun> taskRun =
        run.tasks().stream().filter(t -> t.taskId().equals(id.taskId())).findFirst();
    if (task.isEmpty() || taskRun.isEmpty()) {
      dispatched.remove(key);
      return DONE;
    }
    Instant now = clock.instant();
    TaskRun state = taskRun.get();
    if (state.state() == TaskState.RUNNING) {
      if (found.get().claimedAt().equals(Optional.of(version))) { // claimed by this pick
        return startedTry(spec, run, task.get(), state.tries(), key, due, version, now);
      }
      return Next.of(lostTry(run, task.get(), state.tries(), now));
    }
    if (state.state().isFinished()) {
      dispatched.remove(key);
      evaluate(id.flow(), id.runId());
      return DONE;
    }
    if (state.nextTryAt().isPresent() && state.nextTryAt().get().isAfter(now)) {
      return Next.of(state.nextTryAt());
    }
    String pool = task.get().pool();
    int slots = poolSlots.apply(pool);
    RunStore.Claim claim = claim(run, id.taskId(), state.tries(), pool, slots, now);
    if (claim == RunStore.Claim.POOL_FULL) {
      waiters.add(pool, key);
      claim = claim(run, id.taskId(), state.tries(), pool, slots, now);
      if (claim == RunStore.Claim.POOL_FULL) {
        return Next.of(Optional.of(waiters.takeWoken(key) ? now : now.plus(poolRecheck)));
      }
      waiters.remove(pool, key);
    }
    if (claim == RunStore.Claim.NOT_QUEUED) {
      return DONE;
    }
    return startedTry(spec, run, task.get(), state.tries() + 1, key, due, version, now);
  }

  /** Runs try {@code tryNumber}, claimed (started in the database) for the execution. */
  private Next startedTry(
      FlowSpec spec,
      FlowRun run,
      TaskSpec task,
      int tryNumber,
      String key,
      Instant due,
      long version,
      Instant now) {
    if (tryNumber == 1) {
      metrics.taskSchedulingDelay(run.flow(), Duration.between(due, now));
      upstreamEnd(task, run)
          .ifPresent(end -> metrics.taskToTask(run.flow(), Duration.between(end, now)));
    }
    return runTry(spec, run, task, tryNumber, new RunStore.PickedExecution(key, version));
  }

  private RunStore.Claim claim(
      FlowRun run, String taskId, int tries, String pool, int slots, Instant now) {
    return store.claim(run.flow(), run.runId(), taskId, tries, pool, slots, now);
  }

  /** When the last upstream task of {@code task} ended. */
  private static Optional<Instant> upstreamEnd(TaskSpec task, FlowRun run) {
    return run.tasks().stream()
        .filter(t -> task.dependsOn().contains(t.taskId()))
        .map(TaskRun::endedAt)
        .flatMap(Optional::stream)
        .max(Instant::compareTo);
  }

  /** A try whose process died: counted as a failed try, retried at once if tries are left. */
  private Optional<Instant> lostTry(FlowRun run, TaskSpec task, int tryNumber, Instant now) {
    String error = "The platform stopped during try " + tryNumber;
    boolean retry = tryNumber < task.retries().attempts();
    boolean ended =
        store
            .endTry(
                run.flow(),
                run.runId(),
                task.id(),
                tryNumber,
                retry ? TaskState.QUEUED : TaskState.FAILED,
                retry ? now : null,
                error,
                line(now, error),
                now,
                Optional.empty())
            .isPresent();
    LOG.info(
        "Flow {} run {}: task {} was running in a process that stopped; {}",
        run.flow(),
        run.runId(),
        task.id(),
        retry ? "retrying it" : "no try left");
    if (ended) {
      waiters.wakeOne(task.pool(), dispatcher);
    }
    if (retry) {
      return Optional.of(now);
    }
    dispatched.remove(TaskKey.of(run.flow(), run.runId(), task.id()));
    evaluate(run.flow(), run.runId());
    return Optional.empty();
  }

  private String line(Instant at, String text) {
    return at + " " + text + "\n";
  }

  private Next runTry(
      FlowSpec spec, FlowRun run, TaskSpec task, int tryNumber, RunStore.PickedExecution picked) {
    TryRunner.Outcome outcome = tries.run(spec, run, task, tryNumber);
    if (outcome.stopped()) {
      throw new StoppedException(
          "The platform stopped during try " + tryNumber + " of task " + task.id());
    }
    Instant now = clock.instant();
    TaskState state;
    Instant nextTry = null;
    String last;
    String error = outcome.error();
    if (error == null) {
      state = TaskState.SUCCESS;
      last = "Succeeded";
    } else if (outcome.retriable() && tryNumber < task.retries().attempts()) {
      state = TaskState.QUEUED;
      Duration backoff = task.retries().backoff(tryNumber, random);
      nextTry = now.plus(backoff);
      last = "Failed: " + error + "; retrying in " + backoff.toMillis() + " ms";
    } else {
      state = TaskState.FAILED;
      last = "Failed: " + error;
    }
    Optional<RunStore.Ended> ended =
        store.endTry(
            run.flow(),
            run.runId(),
            task.id(),
            tryNumber,
            state,
            nextTry,
            error,
            outcome.log() + line(now, last),
            now,
            nextTry == null ? Optional.of(picked) : Optional.empty());
    waiters.wakeOne(task.pool(), dispatcher);
    if (nextTry != null && ended.isPresent()) { // not when its end was discarded (marked failed)
      return Next.of(Optional.of(nextTry));
    }
    dispatched.remove(TaskKey.of(run.flow(), run.runId(), task.id()));
    List<TaskSpec> successors = successors(spec, task);
    int unfinished = ended.map(RunStore.Ended::unfinished).orElse(0);
    if (ended.isPresent() && unfinished > 0 && onlyUpstreamOf(successors, task, state)) {
      // they wait for this task alone and it ended as they need: ready, without reading the run
      List<String> ready =
          successors.stream()
              .map(t -> TaskKey.of(run.flow(), run.runId(), t.id()))
              .filter(dispatched::add)
              .toList();
      if (!ready.isEmpty()) {
        dispatcher.dispatchAll(ready, clock.instant());
      }
    } else if (!successors.isEmpty() || unfinished == 0) {
      evaluate(run.flow(), run.runId()); // a leaf task in a run with work left changes nothing
    }
    return new Next(Optional.empty(), ended.filter(RunStore.Ended::executionRemoved).isPresent());
  }

  private static List<TaskSpec> successors(FlowSpec spec, TaskSpec task) {
    return spec.tasks().stream().filter(t -> t.dependsOn().contains(task.id())).toList();
  }

  /**
   * Whether every one of {@code successors} depends on {@code task} alone and runs on its state.
   */
  private static boolean onlyUpstreamOf(List<TaskSpec> successors, TaskSpec task, TaskState state) {
    return !successors.isEmpty()
        && successors.stream()
            .allMatch(
                t ->
                    t.dependsOn().equals(List.of(task.id()))
                        && t.triggerRule().decide(List.of(state)) == TriggerRule.Decision.RUN);
  }

  /** Thrown when the platform stops during a try: the scheduler executes it again later. */
  public static final class StoppedException extends RuntimeException {
    StoppedException(String message) {
      super(message);
    }
  }

  /** Interrupts the tries still running; they are recovered at the next start. */
  @Override
  public void close() {
    tries.close();
  }
}
