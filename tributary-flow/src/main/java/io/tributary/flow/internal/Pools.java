package io.tributary.flow.internal;

import io.tributary.flow.FlowDefinitionException;
import io.tributary.flow.FlowSpec;
import io.tributary.flow.TaskSpec;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The pools (named concurrency limits) tasks take slots of: those of the platform's configuration
 * ({@value TaskSpec#DEFAULT_POOL} among them) and those flows declare.
 */
public final class Pools {
  private final Map<String, Integer> configured;
  private final Supplier<Collection<FlowSpec>> specs;

  /**
   * @param configured the platform's pools and their slots
   * @param specs the flows loaded now
   */
  public Pools(Map<String, Integer> configured, Supplier<Collection<FlowSpec>> specs) {
    this.configured = Map.copyOf(configured);
    this.specs = Objects.requireNonNull(specs, "specs is null");
    if (!this.configured.containsKey(TaskSpec.DEFAULT_POOL)) {
      throw new IllegalArgumentException("The pools have no " + TaskSpec.DEFAULT_POOL + " pool");
    }
  }

  /**
   * Every task's pool is the default one, one of the platform's or one the flow declares.
   *
   * @throws FlowDefinitionException naming the task and the pool
   */
  public void check(FlowSpec spec) {
    for (TaskSpec task : spec.tasks()) {
      if (!configured.containsKey(task.pool()) && !spec.pools().containsKey(task.pool())) {
        throw new FlowDefinitionException(
            "Invalid flow "
                + spec.name()
                + ": task '"
                + task.id()
                + "' uses unknown pool '"
                + task.pool()
                + "' (declare it under pools:, or in the platform's flows.pools; known: "
                + new java.util.TreeSet<>(configured.keySet())
                + ")");
      }
    }
  }

  /** Every pool known now (the platform's and those flows declare) with its slots. */
  public Map<String, Integer> all() {
    Map<String, Integer> all = new java.util.TreeMap<>();
    configured.keySet().forEach(pool -> all.put(pool, slots(pool)));
    specs.get().forEach(spec -> spec.pools().keySet().forEach(pool -> all.put(pool, slots(pool))));
    return all;
  }

  /**
   * The slots of a pool: the platform's configuration wins; otherwise the fewest that a flow
   * declaring it asks for.
   */
  public int slots(String pool) {
    Integer slots = configured.get(pool);
    if (slots != null) {
      return slots;
    }
    return specs.get().stream()
        .map(spec -> spec.pools().get(pool))
        .filter(Objects::nonNull)
        .min(Integer::compare)
        .orElse(configured.get(TaskSpec.DEFAULT_POOL));
  }
}
