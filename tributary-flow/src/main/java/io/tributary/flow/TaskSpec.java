package io.tributary.flow;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One task of a flow.
 *
 * @param timeout how long one try may run before it is interrupted and counted as failed
 * @param pool the named concurrency limit its tries take a slot of ({@value #DEFAULT_POOL} if none
 *     is named)
 */
public record TaskSpec(
    String id,
    TaskAction action,
    List<String> dependsOn,
    TriggerRule triggerRule,
    RetryPolicy retries,
    Duration timeout,
    String pool) {
  /** The pool of tasks that name none. */
  public static final String DEFAULT_POOL = "default";

  static final Pattern ID = Pattern.compile("[a-z_][a-z0-9_]{0,99}");

  public TaskSpec {
    Objects.requireNonNull(id, "id is null");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("Invalid task id '" + id + "': use [a-z_][a-z0-9_]*");
    }
    Objects.requireNonNull(action, "action is null");
    dependsOn = List.copyOf(dependsOn);
    Objects.requireNonNull(triggerRule, "triggerRule is null");
    Objects.requireNonNull(retries, "retries is null");
    Objects.requireNonNull(timeout, "timeout is null");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("Invalid timeout of task " + id + ": " + timeout);
    }
    Objects.requireNonNull(pool, "pool is null");
    if (!ID.matcher(pool).matches()) {
      throw new IllegalArgumentException(
          "Invalid pool '" + pool + "' of task " + id + ": use [a-z_][a-z0-9_]*");
    }
  }

  /** A task in the default pool. */
  public TaskSpec(
      String id,
      TaskAction action,
      List<String> dependsOn,
      TriggerRule triggerRule,
      RetryPolicy retries,
      Duration timeout) {
    this(id, action, dependsOn, triggerRule, retries, timeout, DEFAULT_POOL);
  }
}
