package io.tributary.flow;

import io.tributary.lake.Lake;
import io.tributary.query.QueryEngine;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/** The task runners of the platform's flows, each checking the flow owner's privileges first. */
final class PlatformRunners {
  private PlatformRunners() {}

  /**
   * SQL tasks on {@code query} written to {@code lake}, HTTP and maintain tasks, and the task types
   * of {@code more} (by type name); every one runs only what {@code privileges} allows.
   */
  static Map<String, TaskRunner> of(
      Lake lake,
      QueryEngine query,
      Map<String, TaskRunner> more,
      UnaryOperator<String> references,
      TaskPrivileges privileges) {
    Map<String, TaskRunner> runners = new HashMap<>(more);
    runners.put("sql", new SqlTaskRunner(query, lake, privileges));
    runners.put("http", new HttpTaskRunner(references));
    runners.put(
        "maintain",
        (action, context) -> {
          TaskAction.Maintain maintain = (TaskAction.Maintain) action;
          context.log().accept("Maintaining " + maintain.table() + " with " + maintain.options());
          context.log().accept("Done: " + lake.maintain(maintain.table(), maintain.options()));
        });
    Map<String, TaskRunner> checked = new HashMap<>();
    runners.forEach(
        (type, runner) ->
            checked.put(
                type,
                (action, context) -> {
                  privileges.checkTask(action, context);
                  runner.run(action, context);
                }));
    return checked;
  }
}
