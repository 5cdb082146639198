package io.tributary.datasets;

import io.tributary.core.InvalidInputException;
import io.tributary.flow.TaskAction;
import io.tributary.flow.TaskContext;
import io.tributary.flow.TaskFailedException;
import io.tributary.flow.TaskPrivileges;
import io.tributary.flow.TaskRunner;
import java.util.Objects;

/**
 * Runs {@code recommend} tasks: the {@link Recommender} on the task's dataset, as the flow's owner
 * (read on the dataset, write on the target and its evaluation table). The figures go to the try's
 * log.
 */
public final class RecommendTaskRunner implements TaskRunner {
  private final Recommender recommender;
  private final TaskPrivileges privileges;

  public RecommendTaskRunner(Recommender recommender, TaskPrivileges privileges) {
    this.recommender = Objects.requireNonNull(recommender, "recommender is null");
    this.privileges = Objects.requireNonNull(privileges, "privileges is null");
  }

  @Override
  public void run(TaskAction action, TaskContext context) throws TaskFailedException {
    TaskAction.Recommend recommend = (TaskAction.Recommend) action;
    privileges.checkWrite(context.flow(), recommend.target());
    privileges.checkWrite(context.flow(), Recommender.evaluationTable(recommend.target()));
    context.log().accept("Training on " + recommend.dataset() + ", holdout " + recommend.holdout());
    Recommender.Result result;
    try {
      result = recommender.run(recommend, privileges.readable(context.flow()));
    } catch (InvalidInputException e) {
      throw new TaskFailedException("recommend: " + e.getMessage(), false, e);
    }
    context
        .log()
        .accept(
            "Wrote "
                + result.rows()
                + " recommendations to "
                + result.target()
                + " in snapshot "
                + result.snapshotId());
    for (String line : result.summary().split("\n")) {
      context.log().accept(line);
    }
  }
}
