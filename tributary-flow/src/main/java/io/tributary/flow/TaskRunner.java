package io.tributary.flow;

/** Runs the tries of one task type. */
@FunctionalInterface
public interface TaskRunner {
  /**
   * Runs one try of {@code action}; returning normally is success.
   *
   * @throws TaskFailedException for a failure, retriable or not
   * @throws Exception any other failure, retried under the task's policy
   */
  void run(TaskAction action, TaskContext context) throws Exception;
}
