package io.tributary.flow;

import io.tributary.core.TableId;
import io.tributary.flow.internal.ResultRows;
import io.tributary.lake.Committed;
import io.tributary.lake.Lake;
import io.tributary.lake.RowLoad;
import io.tributary.query.QueryEngine;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Runs {@code sql} tasks: the rendered SELECT on the embedded engine, its rows written to the
 * target table through the lake's table writer in one commit whose snapshot summary holds the
 * lineage: flow, run, task, try, and the snapshot id of every table the query read.
 */
public final class SqlTaskRunner implements TaskRunner {
  /** Snapshot summary keys of the lineage. */
  public static final String FLOW = "tributary.flow";

  public static final String RUN_ID = "tributary.flow.run-id";
  public static final String TASK = "tributary.flow.task";
  public static final String TRY = "tributary.flow.try";
  public static final String INPUTS = "tributary.flow.inputs";

  private final QueryEngine engine;
  private final Lake lake;

  private final TaskPrivileges privileges;

  /** A runner whose tasks may read and write every table. */
  public SqlTaskRunner(QueryEngine engine, Lake lake) {
    this(engine, lake, TaskPrivileges.ALL);
  }

  /**
   * @param privileges what each flow's owner may read and write, checked at each try
   */
  public SqlTaskRunner(QueryEngine engine, Lake lake, TaskPrivileges privileges) {
    this.engine = Objects.requireNonNull(engine, "engine is null");
    this.lake = Objects.requireNonNull(lake, "lake is null");
    this.privileges = Objects.requireNonNull(privileges, "privileges is null");
  }

  @Override
  public void run(TaskAction action, TaskContext context) throws TaskFailedException {
    TaskAction.Sql sql = (TaskAction.Sql) action;
    String text = context.render(sql.sql());
    context.log().accept("Query: " + text.strip());
    context.log().accept("Target: " + sql.target() + ", mode " + sql.mode());
    privileges.checkWrite(context.flow(), sql.target());
    Predicate<TableId> readable = privileges.readable(context.flow());
    record Written(Committed committed, long rows, String inputs) {}
    Written written =
        engine.stream(
            text,
            readable,
            stream -> {
              String inputs =
                  stream.snapshots().entrySet().stream()
                      .map(e -> e.getKey() + "@" + e.getValue())
                      .collect(Collectors.joining(","));
              Map<String, String> summary = new LinkedHashMap<>();
              summary.put(FLOW, context.flow());
              summary.put(RUN_ID, context.runId());
              summary.put(TASK, context.taskId());
              summary.put(TRY, Integer.toString(context.tryNumber()));
              summary.put(INPUTS, inputs);
              ResultRows rows = new ResultRows(stream);
              Committed committed =
                  new RowLoad(lake.writer(sql.target()), sql.partitionBy())
                      .write(rows.schema(), rows, sql.mode(), summary);
              return new Written(committed, rows.count(), inputs);
            });
    context
        .log()
        .accept(
            "Wrote "
                + written.rows()
                + " rows to "
                + sql.target()
                + " in snapshot "
                + written.committed().snapshotId()
                + " (inputs: "
                + (written.inputs().isEmpty() ? "none" : written.inputs())
                + ")");
  }
}
