package io.tributary.flow;

import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What a task try knows about itself: its run, its try number (from 1), the run's template
 * variables, and a log whose lines are saved with the try.
 */
public record TaskContext(
    String flow,
    String runId,
    String taskId,
    int tryNumber,
    Map<String, String> variables,
    Consumer<String> log) {
  public TaskContext {
    Objects.requireNonNull(flow, "flow is null");
    Objects.requireNonNull(runId, "runId is null");
    Objects.requireNonNull(taskId, "taskId is null");
    variables = Map.copyOf(variables);
    Objects.requireNonNull(log, "log is null");
  }

  /** {@code text} with the run's variables rendered. */
  public String render(String text) {
    return Templates.render(text, variables);
  }
}
