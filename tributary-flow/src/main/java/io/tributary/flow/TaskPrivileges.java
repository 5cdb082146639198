package io.tributary.flow;

import io.tributary.core.TableId;
import java.util.function.Predicate;

/**
 * What a flow's tasks may do: a flow runs with its owner's privileges (the user who saved it, or
 * the admin for flow files), checked at each try so a removed owner or a revoked grant stops the
 * next try. Assembled where the platform is, over its access control.
 */
public interface TaskPrivileges {
  /**
   * The tables flow {@code flow}'s owner may read now.
   *
   * @throws TaskFailedException (retried under the task's policy) if the owner no longer exists
   */
  Predicate<TableId> readable(String flow) throws TaskFailedException;

  /**
   * Checks that flow {@code flow}'s owner may write {@code table} now.
   *
   * @throws TaskFailedException (retried under the task's policy) naming the owner and the missing
   *     privilege
   */
  void checkWrite(String flow, TableId table) throws TaskFailedException;

  /**
   * Checks, before a try of {@code action} runs, what its task type needs of the flow's owner now
   * beyond what its runner checks itself (an {@code sql} task checks its reads and write as it
   * plans): {@code run} on a crawler, {@code manage} on a table to maintain, {@code write} on a
   * Spark target, hosts an {@code http} task may call.
   *
   * @throws TaskFailedException naming the owner and the missing privilege (retried under the
   *     task's policy: the grant may come back)
   */
  void checkTask(TaskAction action, TaskContext context) throws TaskFailedException;

  /** No access control: every table may be read and written. */
  TaskPrivileges ALL =
      new TaskPrivileges() {
        @Override
        public Predicate<TableId> readable(String flow) {
          return table -> true;
        }

        @Override
        public void checkWrite(String flow, TableId table) {}

        @Override
        public void checkTask(TaskAction action, TaskContext context) {}
      };
}
