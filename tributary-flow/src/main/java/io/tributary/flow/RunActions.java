package io.tributary.flow;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import io.tributary.flow.internal.RunEngine;
import io.tributary.flow.internal.RunStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What users do to runs of {@link Flows} that exist: re-run them, mark them or a task failed, clear
 * tasks, read a try's log. Each names the run or task it could not find.
 */
final class RunActions {
  private final RunStore store;
  private final RunEngine engine;
  private final Predicate<String> defined;

  /**
   * @param defined whether a flow is defined now
   */
  RunActions(RunStore store, RunEngine engine, Predicate<String> defined) {
    this.store = Objects.requireNonNull(store, "store is null");
    this.engine = Objects.requireNonNull(engine, "engine is null");
    this.defined = Objects.requireNonNull(defined, "defined is null");
  }

  private FlowRun existing(String name, String runId) {
    return store
        .run(name, runId)
        .orElseThrow(() -> new NotFoundException("flow run", name + "/" + runId));
  }

  FlowRun rerun(String name, String runId) {
    FlowRun run = existing(name, runId);
    if (!engine.rerun(name, runId)) {
      throw new InvalidInputException(
          ErrorCode.RUN_NOT_ENDED,
          "Run "
              + runId
              + " of flow "
              + name
              + " is "
              + run.state().label()
              + ": only an ended run can be re-run");
    }
    return store.run(name, runId).orElse(run);
  }

  FlowRun markRunFailed(String name, String runId) {
    if (!engine.markRunFailed(name, runId)) {
      throw new NotFoundException("flow run", name + "/" + runId);
    }
    return store.run(name, runId).orElseThrow();
  }

  FlowRun markTaskFailed(String name, String runId, String taskId) {
    if (!engine.markTaskFailed(name, runId, taskId)) {
      throw new NotFoundException("task of flow run", name + "/" + runId + "/" + taskId);
    }
    return store.run(name, runId).orElseThrow();
  }

  /** Clears a task of an ended run, with every task downstream of it if {@code downstream}. */
  FlowRun clear(String name, String runId, String taskId, boolean downstream) {
    FlowRun run = existing(name, runId);
    if (run.tasks().stream().noneMatch(t -> t.taskId().equals(taskId))) {
      throw new NotFoundException("task of flow run", name + "/" + runId + "/" + taskId);
    }
    if (!defined.test(name)) {
      throw new InvalidInputException(
          ErrorCode.RUN_NOT_ENDED,
          "Cannot clear task " + taskId + " of run " + runId + ": flow " + name + " is deleted");
    }
    List<String> tasks = new ArrayList<>(List.of(taskId));
    if (downstream) {
      tasks.addAll(engine.downstream(name, runId, taskId));
    }
    if (!engine.clearTasks(name, runId, tasks)) {
      throw new InvalidInputException(
          ErrorCode.RUN_NOT_ENDED,
          "Cannot clear task "
              + taskId
              + " of run "
              + runId
              + " of flow "
              + name
              + ": the run is "
              + store.run(name, runId).orElse(run).state().label()
              + "; only a task of an ended run can be cleared");
    }
    return store.run(name, runId).orElse(run);
  }

  /** The log of a task's try (its last try if {@code tryNumber} is empty). */
  Optional<String> log(String name, String runId, String taskId, Optional<Integer> tryNumber) {
    Optional<FlowRun> run = store.run(name, runId);
    if (run.isEmpty()) {
      return Optional.empty();
    }
    Optional<TaskRun> task =
        run.get().tasks().stream().filter(t -> t.taskId().equals(taskId)).findFirst();
    if (task.isEmpty()) {
      return Optional.empty();
    }
    int number = tryNumber.orElse(task.get().tries());
    return store.log(name, runId, taskId, number);
  }
}
