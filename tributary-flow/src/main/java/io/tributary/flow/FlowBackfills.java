package io.tributary.flow;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.flow.internal.BackfillStore;
import io.tributary.flow.internal.RunEngine;
import io.tributary.flow.internal.RunIds;
import io.tributary.flow.internal.ScheduleTicks;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backfills of {@link Flows}: the runs of every tick of a schedule's range, recorded first, so
 * that a restart in the middle creates the rest.
 */
final class FlowBackfills {
  private static final Logger LOG = LoggerFactory.getLogger(FlowBackfills.class);

  private final BackfillStore store;
  private final RunEngine engine;
  private final Clock clock;
  private final RandomGenerator random;

  FlowBackfills(BackfillStore store, RunEngine engine, Clock clock, RandomGenerator random) {
    this.store = Objects.requireNonNull(store, "store is null");
    this.engine = Objects.requireNonNull(engine, "engine is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
    this.random = Objects.requireNonNull(random, "random is null");
  }

  /** As {@link Flows#backfill}, for {@code spec}. */
  Flows.Backfill create(FlowSpec spec, String from, String to) {
    String name = spec.name();
    Schedule schedule =
        spec.schedule()
            .orElseThrow(
                () ->
                    new InvalidInputException(
                        ErrorCode.INVALID_REQUEST,
                        "Flow " + name + " has no schedule: a backfill needs its intervals"));
    Instant start = logicalDate(spec, from);
    Instant end = logicalDate(spec, to);
    if (end.isBefore(start)) {
      throw new InvalidInputException(
          ErrorCode.INVALID_REQUEST,
          "Invalid backfill: to '" + to + "' is before from '" + from + "'");
    }
    List<Instant> dates = new ArrayList<>();
    for (Instant date = ScheduleTicks.first(schedule, start);
        !date.isAfter(end);
        date = schedule.next(date)) {
      if (dates.size() == Flows.MAX_BACKFILL_RUNS) {
        throw new InvalidInputException(
            ErrorCode.INVALID_REQUEST,
            "Invalid backfill of flow "
                + name
                + " from "
                + from
                + " to "
                + to
                + ": more than "
                + Flows.MAX_BACKFILL_RUNS
                + " runs");
      }
      dates.add(date);
    }
    String id = "bf" + RunIds.of(clock.instant()) + String.format("%04x", random.nextInt(0x10000));
    store.create(id, name, from, to, dates, clock.instant());
    List<String> created = new ArrayList<>();
    List<String> existing = new ArrayList<>();
    for (Instant date : dates) {
      RunEngine.Ensured ensured = engine.ensureRun(spec, date, "backfill");
      (ensured.created() ? created : existing).add(ensured.run().runId());
    }
    store.move(id, BackfillState.CREATING, BackfillState.RUNNING);
    LOG.info(
        "Flow {}: backfill {} from {} to {} created {} runs ({} existed)",
        name,
        id,
        from,
        to,
        created.size(),
        existing.size());
    return new Flows.Backfill(id, created, existing);
  }

  /** The flow's backfills, newest first, with their progress. */
  List<FlowBackfill> list(String name, int limit) {
    return store.list(name, limit);
  }

  /**
   * Creates the runs of backfills the platform stopped creating (they then start as max-active-runs
   * allows, like every queued run).
   */
  void resume(Function<String, Optional<FlowSpec>> specs) {
    for (BackfillStore.Creating backfill : store.creating()) {
      Optional<FlowSpec> spec = specs.apply(backfill.flow());
      if (spec.isEmpty()) {
        LOG.warn(
            "Backfill {}: flow {} is gone; its runs stay as they are",
            backfill.id(),
            backfill.flow());
        continue;
      }
      backfill.dates().forEach(date -> engine.ensureRun(spec.get(), date, "backfill"));
      store.move(backfill.id(), BackfillState.CREATING, BackfillState.RUNNING);
      LOG.info("Flow {}: backfill {} resumed", backfill.flow(), backfill.id());
    }
  }

  /** A logical date given as text, in the flow's timezone. */
  static Instant logicalDate(FlowSpec spec, String text) {
    try {
      return FlowParser.instant(text, spec.timezone());
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          ErrorCode.INVALID_REQUEST, "Invalid logical-date '" + text + "': " + e.getMessage());
    }
  }
}
