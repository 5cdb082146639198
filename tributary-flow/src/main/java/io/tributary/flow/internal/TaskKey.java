package io.tributary.flow.internal;

import java.util.Objects;

/** A task instance, (flow, run, task), and its key in the scheduler: {@code flow/run/task}. */
record TaskKey(String flow, String runId, String taskId) {
  TaskKey {
    Objects.requireNonNull(flow, "flow is null");
    Objects.requireNonNull(runId, "runId is null");
    Objects.requireNonNull(taskId, "taskId is null");
  }

  static String of(String flow, String runId, String taskId) {
    return flow + "/" + runId + "/" + taskId;
  }

  static TaskKey parse(String key) {
    String[] parts = key.split("/", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("Invalid task instance key '" + key + "'");
    }
    return new TaskKey(parts[0], parts[1], parts[2]);
  }
}
