package io.tributary.flow.internal;

import io.tributary.flow.FlowSpec;
import io.tributary.flow.Schedule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * What a schedule tick creates: the run of the latest interval that ended or, with catchup, of
 * every interval since {@code start-date} not created yet (the scheduler does not promise every
 * tick: catchup is ours). Remembers per flow the latest logical date created, so that a tick only
 * asks for the new ones; creating a run that exists is harmless (its logical date is unique).
 */
public final class ScheduleTicks {
  private static final int MAX_CATCHUP_PER_TICK = 1000;

  private final BiConsumer<FlowSpec, Instant> create;
  private final Map<String, Instant> scheduledUpTo = new ConcurrentHashMap<>();

  /**
   * @param create creates the scheduled run of a flow for a logical date, unless it exists
   */
  public ScheduleTicks(BiConsumer<FlowSpec, Instant> create) {
    this.create = Objects.requireNonNull(create, "create is null");
  }

  /** Forgets what was created for {@code flow} (its definition changed, or it was unpaused). */
  public void forget(String flow) {
    scheduledUpTo.remove(flow);
  }

  /**
   * Creates the runs of the due intervals not created yet (with catchup, at most {@value
   * #MAX_CATCHUP_PER_TICK}).
   *
   * @return whether due intervals are left for the next tick
   */
  public boolean createDue(FlowSpec spec, Schedule schedule, Instant now) {
    Optional<Instant> latest = schedule.latestDue(now);
    if (latest.isEmpty()) {
      return false;
    }
    Instant due = latest.get();
    if (spec.startDate().isPresent() && due.isBefore(spec.startDate().get())) {
      return false;
    }
    Instant upTo = scheduledUpTo.get(spec.name());
    if (upTo != null && !due.isAfter(upTo)) {
      return false;
    }
    List<Instant> dates = new ArrayList<>();
    if (spec.catchup() && spec.startDate().isPresent()) {
      Instant from = upTo != null ? schedule.next(upTo) : first(schedule, spec.startDate().get());
      for (Instant date = from;
          !date.isAfter(due) && dates.size() < MAX_CATCHUP_PER_TICK;
          date = schedule.next(date)) {
        dates.add(date);
      }
    } else {
      dates.add(due);
    }
    for (Instant date : dates) {
      create.accept(spec, date);
      scheduledUpTo.put(spec.name(), date);
    }
    return dates.get(dates.size() - 1).isBefore(due);
  }

  /** The first tick at or after {@code start}. */
  public static Instant first(Schedule schedule, Instant start) {
    return schedule
        .previous(start)
        .filter(t -> t.equals(start))
        .orElseGet(() -> schedule.next(start));
  }
}
