package io.tributary.flow;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A validated flow: when it runs (a schedule and/or tables whose new commits trigger it) and its
 * tasks, whose {@code depends-on} edges form a graph without cycles.
 *
 * @param source the YAML text it was read from, kept so that a run executes the version it was
 *     created with
 * @param pools the pools its tasks may use that the platform's configuration does not declare, by
 *     name, with their slots
 */
public record FlowSpec(
    String name,
    Optional<Schedule> schedule,
    ZoneId timezone,
    List<TableTrigger> triggers,
    Optional<Instant> startDate,
    boolean catchup,
    int maxActiveRuns,
    Map<String, String> params,
    List<TaskSpec> tasks,
    String source,
    Map<String, Integer> pools) {
  static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,99}");

  public FlowSpec {
    Objects.requireNonNull(name, "name is null");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("Invalid flow name '" + name + "': use [a-z_][a-z0-9_]*");
    }
    Objects.requireNonNull(schedule, "schedule is null");
    Objects.requireNonNull(timezone, "timezone is null");
    triggers = List.copyOf(triggers);
    Objects.requireNonNull(startDate, "startDate is null");
    if (maxActiveRuns < 1) {
      throw new IllegalArgumentException(
          "Invalid max-active-runs of flow " + name + ": " + maxActiveRuns + " (must be >= 1)");
    }
    params = Map.copyOf(params);
    tasks = List.copyOf(tasks);
    Objects.requireNonNull(source, "source is null");
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("Flow " + name + " has no tasks");
    }
    checkGraph(tasks);
    pools = Map.copyOf(pools);
    pools.forEach(
        (pool, slots) -> {
          if (!NAME.matcher(pool).matches() || slots < 1) {
            throw new IllegalArgumentException(
                "Invalid pool '" + pool + "' of flow " + name + ": " + slots + " slots");
          }
        });
  }

  /** The task of {@code id}. */
  public Optional<TaskSpec> task(String id) {
    return tasks.stream().filter(t -> t.id().equals(id)).findFirst();
  }

  /**
   * Checks that task ids are unique, every {@code depends-on} names a task, and there is no cycle.
   *
   * @throws IllegalArgumentException naming the task
   */
  static void checkGraph(List<TaskSpec> tasks) {
    Map<String, TaskSpec> byId = new LinkedHashMap<>();
    for (TaskSpec task : tasks) {
      if (byId.put(task.id(), task) != null) {
        throw new IllegalArgumentException("Task id '" + task.id() + "' is used twice");
      }
    }
    for (TaskSpec task : tasks) {
      for (String upstream : task.dependsOn()) {
        if (!byId.containsKey(upstream)) {
          throw new IllegalArgumentException(
              "Task '" + task.id() + "' depends on unknown task '" + upstream + "'");
        }
      }
    }
    Map<String, Integer> state = new HashMap<>(); // 1 visiting, 2 done
    for (TaskSpec task : tasks) {
      List<String> path = new ArrayList<>();
      visit(task.id(), byId, state, path, new HashSet<>());
    }
  }

  private static void visit(
      String id,
      Map<String, TaskSpec> byId,
      Map<String, Integer> state,
      List<String> path,
      Set<String> onPath) {
    Integer seen = state.get(id);
    if (seen != null && seen == 2) {
      return;
    }
    path.add(id);
    if (!onPath.add(id)) {
      List<String> cycle = path.subList(path.indexOf(id), path.size());
      throw new IllegalArgumentException(
          "Tasks depend on each other in a cycle: " + String.join(" -> ", cycle));
    }
    state.put(id, 1);
    for (String upstream : byId.get(id).dependsOn()) {
      visit(upstream, byId, state, path, onPath);
    }
    onPath.remove(id);
    path.remove(path.size() - 1);
    state.put(id, 2);
  }
}
