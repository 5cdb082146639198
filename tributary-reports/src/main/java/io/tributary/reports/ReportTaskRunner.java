package io.tributary.reports;

import io.tributary.core.NotFoundException;
import io.tributary.flow.TaskAction;
import io.tributary.flow.TaskContext;
import io.tributary.flow.TaskFailedException;
import io.tributary.flow.TaskPrivileges;
import io.tributary.flow.TaskRunner;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Objects;

/**
 * Runs {@code report} tasks: the named report for the flow run's logical date ({@code ds}), reading
 * what the flow's owner may read. A report that cannot be produced (its failure notice sent) or a
 * target not reached after its tries fails the task for good: the deliveries were already retried.
 */
public final class ReportTaskRunner implements TaskRunner {
  private final Reports reports;
  private final TaskPrivileges privileges;

  public ReportTaskRunner(Reports reports, TaskPrivileges privileges) {
    this.reports = Objects.requireNonNull(reports, "reports is null");
    this.privileges = Objects.requireNonNull(privileges, "privileges is null");
  }

  @Override
  public void run(TaskAction action, TaskContext context)
      throws TaskFailedException, InterruptedException {
    String name = ((TaskAction.Report) action).report();
    LocalDate ds;
    try {
      ds = LocalDate.parse(context.variables().get("ds"));
    } catch (DateTimeException | NullPointerException e) {
      throw new TaskFailedException("No logical date (ds) for report " + name, false, e);
    }
    context.log().accept("Report " + name + " for " + ds);
    ReportRun run;
    try {
      run =
          reports.run(
              name,
              ds,
              context.variables(),
              privileges.readable(context.flow()),
              "flow " + context.flow() + " run " + context.runId() + " task " + context.taskId());
    } catch (NotFoundException e) {
      throw new TaskFailedException("Unknown report '" + name + "'", false, e);
    }
    for (DeliveryOutcome delivery : run.deliveries()) {
      context
          .log()
          .accept(
              delivery.target()
                  + ": "
                  + delivery.status().label()
                  + " after "
                  + delivery.attempts()
                  + " tries"
                  + delivery.error().map(e -> " (" + e + ")").orElse("")
                  + delivery.path().map(p -> " -> " + p).orElse(""));
    }
    context.log().accept("Outcome: " + run.outcome().label() + " (run " + run.runId() + ")");
    switch (run.outcome()) {
      case FAILED -> throw new TaskFailedException(run.error().orElse("Report failed"), false);
      case DELIVERY_FAILED ->
          throw new TaskFailedException(
              "Report " + name + " not delivered: " + run.error().orElse("?"), false);
      default -> {}
    }
  }
}
