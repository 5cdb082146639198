package io.tributary.flow.internal;

import io.tributary.flow.FlowParser;
import io.tributary.flow.FlowRun;
import io.tributary.flow.FlowSpec;
import io.tributary.flow.RunState;
import io.tributary.flow.TaskContext;
import io.tributary.flow.TaskFailedException;
import io.tributary.flow.TaskRun;
import io.tributary.flow.TaskRunner;
import io.tributary.flow.TaskSpec;
import io.tributary.flow.TaskState;
import io.tributary.flow.Templates;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves runs forward: admits queued runs under {@code max-active-runs}, starts every task whose
 * trigger rule is met as soon as its upstream tasks end (on the thread that ended them, no poll),
 * records each try's outcome, log and retry, and ends the run. After a restart, {@link #recover}
 * counts the tries that were running as failed tries and retries them under their policy.
 */
public final class RunEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunEngine.class);
  private static final FlowParser STORED = new FlowParser(sql -> {});

  private final RunStore store;
  private final Map<String, TaskRunner> runners;
  private final Function<String, Optional<FlowSpec>> currentSpec;
  private final Clock clock;
  private final RandomGenerator random;
  private final ExecutorService workers;
  private final ScheduledExecutorService timer;
  private final Map<String, FlowSpec> runSpecs = new ConcurrentHashMap<>();
  private final FlowMetrics metrics;

  public RunEngine(
      RunStore store,
      Map<String, TaskRunner> runners,
      Function<String, Optional<FlowSpec>> currentSpec,
      Clock clock,
      RandomGenerator random,
      int workerThreads,
      FlowMetrics metrics) {
    this.store = Objects.requireNonNull(store, "store is null");
    this.runners = Map.copyOf(runners);
    this.currentSpec = Objects.requireNonNull(currentSpec, "currentSpec is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
    this.random = Objects.requireNonNull(random, "random is null");
    this.metrics = Objects.requireNonNull(metrics, "metrics is null");
    this.workers = Executors.newFixedThreadPool(workerThreads, threads("tributary-flow-task"));
    this.timer = Executors.newSingleThreadScheduledExecutor(threads("tributary-flow-timer"));
  }

  private static ThreadFactory threads(String name) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** The run of (flow, logical date) and whether this call created it. */
  public record Ensured(FlowRun run, boolean created) {}

  /**
   * Creates the run of {@code spec} for {@code logicalDate} unless it exists, then admits queued
   * runs of the flow.
   */
  public Ensured ensureRun(FlowSpec spec, Instant logicalDate, String runType) {
    Instant intervalStart = logicalDate;
    Instant intervalEnd =
        spec.schedule().map(schedule -> schedule.next(logicalDate)).orElse(logicalDate);
    String runId = RunIds.of(logicalDate);
    boolean created =
        store.create(
            new RunStore.NewRun(
                spec.name(),
                runId,
                logicalDate,
                intervalStart,
                intervalEnd,
                runType,
                spec.source(),
                spec.tasks().stream().map(TaskSpec::id).toList()),
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
   * Recovers after a restart: tries left running by a stopped process count as failed tries
   * (retried if tries are left), then every running run is evaluated and queued runs admitted.
   */
  public void recover() {
    Instant now = clock.instant();
    for (FlowRun run : store.runsIn(RunState.RUNNING)) {
      FlowSpec spec = specOf(run.flow(), run.runId());
      for (TaskRun task : run.tasks()) {
        if (task.state() != TaskState.RUNNING) {
          continue;
        }
        int attempts = spec.task(task.taskId()).map(t -> t.retries().attempts()).orElse(1);
        String error = "The platform stopped during try " + task.tries();
        boolean retry = task.tries() < attempts;
        store.endTry(
            run.flow(),
            run.runId(),
            task.taskId(),
            task.tries(),
            retry ? TaskState.QUEUED : TaskState.FAILED,
            retry ? now : null,
            error,
            now);
        store.saveLog(run.flow(), run.runId(), task.taskId(), task.tries(), error + "\n");
        LOG.info(
            "Flow {} run {}: task {} was running when the platform stopped; {}",
            run.flow(),
            run.runId(),
            task.taskId(),
            retry ? "retrying it" : "no try left");
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

  private static String key(String flow, String runId) {
    return flow + "/" + runId;
  }

  private record Start(FlowSpec spec, FlowRun run, TaskSpec task, int tryNumber) {}

  /** Starts what can start in a running run, settles what cannot run, and ends the run if done. */
  void evaluate(String flow, String runId) {
    List<Start> starts = new ArrayList<>();
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
              Optional<Instant> next = taskRun.nextTryAt();
              if (next.isPresent() && next.get().isAfter(now)) {
                wakeAt(flow, runId, next.get());
              } else if (store.claim(flow, runId, task.id(), taskRun.tries(), now)) {
                states.put(task.id(), TaskState.RUNNING);
                upstreamEnd(task, byId)
                    .ifPresent(end -> metrics.taskToTask(flow, Duration.between(end, now)));
                starts.add(new Start(spec, run, task, taskRun.tries() + 1));
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
    starts.forEach(this::submit);
    if (ended) {
      admit(flow);
    }
  }

  /** When the last upstream task of {@code task} ended (none for a first try without upstream). */
  private static Optional<Instant> upstreamEnd(TaskSpec task, Map<String, TaskRun> byId) {
    if (byId.get(task.id()).tries() > 0) {
      return Optional.empty(); // a retry waits for its back-off, not for upstream tasks
    }
    return task.dependsOn().stream()
        .map(byId::get)
        .map(TaskRun::endedAt)
        .flatMap(Optional::stream)
        .max(Instant::compareTo);
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

  private void wakeAt(String flow, String runId, Instant at) {
    long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
    try {
      timer.schedule(() -> safely(() -> evaluate(flow, runId)), delay, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      LOG.debug("Flow engine closed; run {} resumes after a restart", runId);
    }
  }

  private void submit(Start start) {
    try {
      workers.execute(() -> safely(() -> execute(start)));
    } catch (RejectedExecutionException e) {
      LOG.debug("Flow engine closed; task {} resumes after a restart", start.task().id());
    }
  }

  private static void safely(Runnable work) {
    try {
      work.run();
    } catch (RuntimeException e) {
      LOG.error("Flow engine step failed", e);
    }
  }

  private void execute(Start start) {
    FlowRun run = start.run();
    TaskSpec task = start.task();
    StringBuffer log = new StringBuffer();
    TaskContext context =
        new TaskContext(
            run.flow(),
            run.runId(),
            task.id(),
            start.tryNumber(),
            Templates.variables(
                start.spec(),
                run.runId(),
                run.logicalDate(),
                run.intervalStart(),
                run.intervalEnd()),
            line -> log.append(clock.instant()).append(' ').append(line).append('\n'));
    context
        .log()
        .accept(
            "Task "
                + task.id()
                + " ("
                + task.action().type()
                + "), try "
                + start.tryNumber()
                + " of "
                + task.retries().attempts());
    Thread thread = Thread.currentThread();
    AtomicBoolean timedOut = new AtomicBoolean();
    ScheduledFuture<?> timeout;
    try {
      timeout =
          timer.schedule(
              () -> {
                timedOut.set(true);
                thread.interrupt();
              },
              task.timeout().toMillis(),
              TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      LOG.debug("Flow engine closed; task {} is tried again after a restart", task.id());
      return; // left running: the next start counts it as a failed try and retries it
    }
    String error = null;
    boolean retriable = true;
    long started = System.nanoTime();
    try {
      TaskRunner runner = runners.get(task.action().type());
      if (runner == null) {
        throw new TaskFailedException("No runner for task type " + task.action().type(), false);
      }
      runner.run(task.action(), context);
    } catch (TaskFailedException e) {
      error = e.getMessage();
      retriable = e.isRetriable();
    } catch (InterruptedException e) {
      error = "Interrupted";
    } catch (Exception e) {
      error = e.getMessage() == null ? e.toString() : e.getMessage();
    } finally {
      timeout.cancel(false);
      Thread.interrupted(); // clear a timeout's interrupt before the database writes
    }
    if (timedOut.get()) {
      error = "Timed out after " + task.timeout().toMillis() + " ms";
      retriable = true;
    }
    metrics.tryEnded(
        run.flow(),
        task.action().type(),
        error == null ? "success" : "failure",
        Duration.ofNanos(System.nanoTime() - started));
    finish(start, error, retriable, log, context);
  }

  private void finish(
      Start start, String error, boolean retriable, StringBuffer log, TaskContext context) {
    FlowRun run = start.run();
    TaskSpec task = start.task();
    Instant now = clock.instant();
    TaskState state;
    Instant nextTry = null;
    if (error == null) {
      state = TaskState.SUCCESS;
      context.log().accept("Succeeded");
    } else if (retriable && start.tryNumber() < task.retries().attempts()) {
      state = TaskState.QUEUED;
      Duration backoff = task.retries().backoff(start.tryNumber(), random);
      nextTry = now.plus(backoff);
      context.log().accept("Failed: " + error + "; retrying in " + backoff.toMillis() + " ms");
    } else {
      state = TaskState.FAILED;
      context.log().accept("Failed: " + error);
    }
    store.saveLog(run.flow(), run.runId(), task.id(), start.tryNumber(), log.toString());
    store.endTry(run.flow(), run.runId(), task.id(), start.tryNumber(), state, nextTry, error, now);
    if (nextTry != null) {
      wakeAt(run.flow(), run.runId(), nextTry);
    } else {
      evaluate(run.flow(), run.runId());
    }
  }

  /** Stops the workers; tries still running are recovered at the next start. */
  @Override
  public void close() {
    timer.shutdownNow();
    workers.shutdownNow();
    try {
      workers.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
