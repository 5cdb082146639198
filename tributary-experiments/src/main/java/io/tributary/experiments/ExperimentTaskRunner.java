package io.tributary.experiments;

import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import io.tributary.core.TableId;
import io.tributary.experiments.ExperimentResults.Difference;
import io.tributary.experiments.ExperimentResults.MetricResult;
import io.tributary.experiments.ExperimentResults.VariantExposures;
import io.tributary.experiments.ExperimentResults.VariantValue;
import io.tributary.flow.SqlTaskRunner;
import io.tributary.flow.TaskAction;
import io.tributary.flow.TaskContext;
import io.tributary.flow.TaskFailedException;
import io.tributary.flow.TaskPrivileges;
import io.tributary.flow.TaskRunner;
import io.tributary.lake.Committed;
import io.tributary.lake.Lake;
import io.tributary.lake.RowLoad;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Runs {@code experiment} tasks: the experiment's results computed on the lake, appended through
 * the lake's table writer to {@link #TABLE} (one row per metric and variant), in one commit whose
 * snapshot summary holds the flow's lineage and the snapshot id of every table read.
 */
public final class ExperimentTaskRunner implements TaskRunner {
  /** Where the results go. */
  public static final TableId TABLE = TableId.parse("transformed.experiment_results");

  private static final List<Types.NestedField> FIELDS =
      List.of(
          field(1, "experiment", Types.StringType.get()),
          field(2, "computed_at", Types.TimestampType.withZone()),
          field(3, "run_id", Types.StringType.get()),
          field(4, "verdict", Types.StringType.get()),
          field(5, "srm_p_value", Types.DoubleType.get()),
          field(6, "metric", Types.StringType.get()),
          field(7, "kind", Types.StringType.get()),
          field(8, "guardrail", Types.BooleanType.get()),
          field(9, "variant", Types.StringType.get()),
          field(10, "exposures", Types.LongType.get()),
          field(11, "units", Types.LongType.get()),
          field(12, "value", Types.DoubleType.get()),
          field(13, "abs_diff", Types.DoubleType.get()),
          field(14, "abs_low", Types.DoubleType.get()),
          field(15, "abs_high", Types.DoubleType.get()),
          field(16, "rel_diff", Types.DoubleType.get()),
          field(17, "rel_low", Types.DoubleType.get()),
          field(18, "rel_high", Types.DoubleType.get()),
          field(19, "p_value", Types.DoubleType.get()),
          field(20, "metric_verdict", Types.StringType.get()),
          field(21, "snapshots", Types.StringType.get()));
  private static final Schema SCHEMA = new Schema(FIELDS);

  private final Experiments experiments;
  private final Lake lake;
  private final TaskPrivileges privileges;

  public ExperimentTaskRunner(Experiments experiments, Lake lake, TaskPrivileges privileges) {
    this.experiments = Objects.requireNonNull(experiments, "experiments is null");
    this.lake = Objects.requireNonNull(lake, "lake is null");
    this.privileges = Objects.requireNonNull(privileges, "privileges is null");
  }

  private static Types.NestedField field(int id, String name, Type type) {
    return Types.NestedField.optional(id, name, type);
  }

  @Override
  public void run(TaskAction action, TaskContext context) throws TaskFailedException {
    String name = ((TaskAction.Experiment) action).experiment();
    privileges.checkWrite(context.flow(), TABLE);
    ExperimentResults results;
    try {
      results = experiments.results(name, privileges.readable(context.flow()));
    } catch (NotFoundException e) {
      throw new TaskFailedException("Unknown experiment '" + name + "'", false, e);
    } catch (InvalidInputException e) {
      throw new TaskFailedException("Experiment " + name + ": " + e.getMessage(), false, e);
    }
    String snapshots =
        results.snapshots().entrySet().stream()
            .map(e -> e.getKey() + "@" + e.getValue())
            .collect(Collectors.joining(","));
    List<StructLike> rows = rows(results, context.runId(), snapshots);
    Map<String, String> summary = new LinkedHashMap<>();
    summary.put(SqlTaskRunner.FLOW, context.flow());
    summary.put(SqlTaskRunner.RUN_ID, context.runId());
    summary.put(SqlTaskRunner.TASK, context.taskId());
    summary.put(SqlTaskRunner.TRY, Integer.toString(context.tryNumber()));
    summary.put(SqlTaskRunner.INPUTS, snapshots);
    Committed committed =
        new RowLoad(lake.writer(TABLE), List.of())
            .write(SCHEMA, rows.iterator(), RowLoad.Mode.APPEND, summary);
    context
        .log()
        .accept(
            "Experiment "
                + name
                + ": "
                + results.verdict().label()
                + " ("
                + results.summary()
                + "); wrote "
                + rows.size()
                + " rows to "
                + TABLE
                + " in snapshot "
                + committed.snapshotId()
                + " (inputs: "
                + (snapshots.isEmpty() ? "none" : snapshots)
                + ")");
  }

  static List<StructLike> rows(ExperimentResults results, String runId, String snapshots) {
    long micros =
        results.computedAt().getEpochSecond() * 1_000_000L + results.computedAt().getNano() / 1000;
    Map<String, Long> exposures = new LinkedHashMap<>();
    for (VariantExposures e : results.exposures()) {
      exposures.put(e.variant(), e.units());
    }
    List<StructLike> rows = new ArrayList<>();
    for (MetricResult metric : results.metrics()) {
      for (VariantValue value : metric.values()) {
        Difference difference =
            metric.differences().stream()
                .filter(d -> d.variant().equals(value.variant()))
                .findFirst()
                .orElse(null);
        Object[] row = new Object[FIELDS.size()];
        row[0] = results.experiment();
        row[1] = micros;
        row[2] = runId;
        row[3] = results.verdict().label();
        row[4] = results.sampleRatio().pValue();
        row[5] = metric.metric();
        row[6] = metric.kind();
        row[7] = metric.guardrail();
        row[8] = value.variant();
        row[9] = exposures.getOrDefault(value.variant(), 0L);
        row[10] = value.units();
        row[11] = value.value();
        if (difference != null) {
          row[12] = difference.absolute().estimate();
          row[13] = difference.absolute().low();
          row[14] = difference.absolute().high();
          if (difference.relative() != null) {
            row[15] = difference.relative().estimate();
            row[16] = difference.relative().low();
            row[17] = difference.relative().high();
          }
          row[18] = difference.pValue();
          row[19] = difference.verdict().label();
        }
        row[20] = snapshots;
        rows.add(new Row(row));
      }
    }
    return rows;
  }

  /** One row in Iceberg's internal representation. */
  private record Row(Object[] values) implements StructLike {
    @Override
    public int size() {
      return values.length;
    }

    @Override
    public <T> T get(int pos, Class<T> javaClass) {
      return javaClass.cast(values[pos]);
    }

    @Override
    public <T> void set(int pos, T value) {
      values[pos] = value;
    }
  }
}
