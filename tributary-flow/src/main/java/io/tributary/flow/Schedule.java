package io.tributary.flow;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.tributary.core.config.Units;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * When a flow's runs are due: the ticks of a cron expression in a time zone, or of a fixed interval
 * from an anchor. A run's logical date is the start of its data interval, from one tick to the
 * next; the run is due when its interval ends (as in Airflow).
 */
public sealed interface Schedule {
  /** The first tick strictly after {@code instant}. */
  Instant next(Instant instant);

  /** The last tick at or before {@code instant}, if any. */
  Optional<Instant> previous(Instant instant);

  /** The text it was parsed from. */
  String text();

  /**
   * The start of the latest data interval that ended at or before {@code now}: the logical date of
   * the latest due run.
   */
  default Optional<Instant> latestDue(Instant now) {
    return previous(now).flatMap(end -> previous(end.minusSeconds(1)));
  }

  /** Presets accepted in place of a cron expression. */
  Map<String, String> PRESETS =
      Map.of(
          "@hourly", "0 * * * *",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@weekly", "0 0 * * 0",
          "@monthly", "0 0 1 * *",
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *");

  /**
   * Parses a schedule: a preset ({@code @hourly}, {@code @daily}, ...), a five-field cron
   * expression read in {@code zone}, or {@code every <duration>} (e.g. {@code every 15m}) anchored
   * at {@code anchor}.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static Schedule parse(String text, ZoneId zone, Instant anchor) {
    Objects.requireNonNull(text, "text is null");
    String trimmed = text.trim();
    if (trimmed.toLowerCase(Locale.ROOT).startsWith("every ")) {
      Duration every = Units.parseDuration(trimmed.substring("every ".length()));
      return new Every(trimmed, every, anchor);
    }
    String expression = PRESETS.getOrDefault(trimmed.toLowerCase(Locale.ROOT), trimmed);
    if (expression.startsWith("@")) {
      throw new IllegalArgumentException(
          "unknown preset "
              + trimmed
              + " (known: "
              + new java.util.TreeSet<>(PRESETS.keySet())
              + ")");
    }
    Cron cron;
    try {
      cron =
          new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX))
              .parse(expression)
              .validate();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "not a cron expression (minute hour day-of-month month day-of-week): " + e.getMessage(),
          e);
    }
    return new CronSchedule(trimmed, ExecutionTime.forCron(cron), zone);
  }

  /** Ticks of a cron expression in a time zone (minute precision). */
  record CronSchedule(String text, ExecutionTime times, ZoneId zone) implements Schedule {
    @Override
    public Instant next(Instant instant) {
      ZonedDateTime from = instant.atZone(zone);
      return times
          .nextExecution(from)
          .map(ZonedDateTime::toInstant)
          .filter(t -> t.isAfter(instant))
          .orElseThrow(
              () -> new IllegalStateException("Cron " + text + " has no tick after " + instant));
    }

    @Override
    public Optional<Instant> previous(Instant instant) {
      // ticks fall on whole minutes: the last one before the next second is the last one <= instant
      Instant bound = instant.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
      return times
          .lastExecution(bound.atZone(zone))
          .map(ZonedDateTime::toInstant)
          .filter(t -> !t.isAfter(instant));
    }
  }

  /** Ticks every {@code every} from {@code anchor}. */
  record Every(String text, Duration every, Instant anchor) implements Schedule {
    public Every {
      if (every.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("interval " + every + " is shorter than 1s");
      }
    }

    @Override
    public Instant next(Instant instant) {
      long step = every.toMillis();
      long since = instant.toEpochMilli() - anchor.toEpochMilli();
      long ticks = Math.floorDiv(since, step) + 1;
      return anchor.plusMillis(ticks * step);
    }

    @Override
    public Optional<Instant> previous(Instant instant) {
      long step = every.toMillis();
      long since = instant.toEpochMilli() - anchor.toEpochMilli();
      return Optional.of(anchor.plusMillis(Math.floorDiv(since, step) * step));
    }
  }
}
