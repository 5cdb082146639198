package io.tributary.flow;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import io.tributary.core.TableId;
import io.tributary.lake.Lake;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Re-runs one {@code sql} or {@code spark} task of an ended run, now, outside the run's tries: with
 * {@code pinInputs}, every table the task read is read at the snapshot its last successful commit
 * recorded (its lineage; {@code FOR VERSION AS OF} on the embedded engine, {@code VERSION AS OF} on
 * Spark), so the task computes again from the same inputs. The commit it makes records try 0 and
 * the inputs it read.
 */
public final class TaskReplay {
  private final Flows flows;
  private final SqlTaskRunner sqlRunner;
  private final SparkTaskRunner sparkRunner;
  private final Lake lake;

  public TaskReplay(Flows flows, SqlTaskRunner sqlRunner, SparkTaskRunner sparkRunner, Lake lake) {
    this.flows = Objects.requireNonNull(flows, "flows is null");
    this.sqlRunner = Objects.requireNonNull(sqlRunner, "sqlRunner is null");
    this.sparkRunner = Objects.requireNonNull(sparkRunner, "sparkRunner is null");
    this.lake = Objects.requireNonNull(lake, "lake is null");
  }

  /** What a replay did: the inputs it pinned (none if not pinned) and its log. */
  public record Replayed(
      String flow, String runId, String taskId, Map<String, Long> pinnedInputs, List<String> log) {
    public Replayed {
      pinnedInputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(pinnedInputs));
      log = List.copyOf(log);
    }
  }

  /**
   * Runs task {@code taskId} of run {@code runId} of flow {@code flow} again and waits for it.
   *
   * @throws NotFoundException if there is no such flow, run or task
   * @throws InvalidInputException if the run has not ended ({@code RUN_NOT_ENDED}), the task is no
   *     {@code sql} or {@code spark} task, or its inputs cannot be pinned (no lineage, or a table
   *     its SQL does not name plainly as {@code namespace.table}); or the query fails
   */
  public Replayed rerun(String flow, String runId, String taskId, boolean pinInputs) {
    FlowSpec spec = flows.get(flow).orElseThrow(() -> new NotFoundException("flow", flow));
    FlowRun run =
        flows
            .run(flow, runId)
            .orElseThrow(() -> new NotFoundException("flow run", flow + "/" + runId));
    TaskSpec task =
        spec.task(taskId)
            .orElseThrow(() -> new NotFoundException("task", flow + "/" + runId + "/" + taskId));
    if (!run.state().isFinished()) {
      throw new InvalidInputException(
          ErrorCode.RUN_NOT_ENDED,
          "Run "
              + runId
              + " of flow "
              + flow
              + " is "
              + run.state().label()
              + ": only a task of an ended run can be re-run");
    }
    Map<String, String> variables =
        Templates.variables(spec, runId, run.logicalDate(), run.intervalStart(), run.intervalEnd());
    List<String> log = new ArrayList<>();
    TaskContext context = new TaskContext(flow, runId, taskId, 0, variables, log::add);
    Map<String, Long> pinned = new LinkedHashMap<>();
    try {
      if (task.action() instanceof TaskAction.Sql sql) {
        String text = Templates.render(sql.sql(), variables);
        if (pinInputs) {
          pinned.putAll(recordedInputs(sql.target(), runId, taskId));
          text = SnapshotPins.pin(text, pinned, SnapshotPins.EMBEDDED);
        }
        sqlRunner.run(
            new TaskAction.Sql(text, sql.target(), sql.mode(), sql.partitionBy()), context);
      } else if (task.action() instanceof TaskAction.Spark spark) {
        if (pinInputs) {
          pinned.putAll(recordedInputs(spark.target(), runId, taskId));
          sparkRunner.runPinned(spark, context, pinned);
        } else {
          sparkRunner.run(spark, context);
        }
      } else {
        throw new InvalidInputException(
            ErrorCode.INVALID_REQUEST,
            "Task "
                + taskId
                + " of flow "
                + flow
                + " is a "
                + task.action().type()
                + " task: only sql and spark tasks can be re-run on their own");
      }
    } catch (TaskFailedException e) {
      // an sql task's: the flow's owner may no longer read or write what it does
      ErrorCode code =
          task.action() instanceof TaskAction.Sql ? ErrorCode.FORBIDDEN : ErrorCode.QUERY_ERROR;
      throw new InvalidInputException(code, e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while task " + taskId + " ran again", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Replayed(flow, runId, taskId, pinned, log);
  }

  /** The inputs of the newest commit of {@code runId}'s task {@code taskId} to {@code target}. */
  private Map<String, Long> recordedInputs(TableId target, String runId, String taskId) {
    return lake.loadTable(target).map(Lineage::of).orElse(List.of()).stream()
        .filter(e -> e.runId().equals(runId) && e.taskId().equals(taskId) && e.tryNumber() > 0)
        .max(Comparator.comparing(Lineage.Entry::committedAt))
        .map(Lineage.Entry::inputs)
        .orElseThrow(
            () ->
                new InvalidInputException(
                    ErrorCode.INVALID_REQUEST,
                    "No recorded input snapshots for task "
                        + taskId
                        + " of run "
                        + runId
                        + " in "
                        + target
                        + " (the task never committed, or its snapshot was expired)"));
  }
}
