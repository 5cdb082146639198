package io.tributary.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Seeded properties of schedules: the next logical dates of cron expressions and intervals. */
class SchedulePropertyTest {
  @Provide
  Arbitrary<ZoneId> zones() {
    return Arbitraries.of("UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata")
        .map(ZoneId::of);
  }

  @Property(tries = 300, seed = "20261204")
  void dailyCronTicksOnceADayAtItsTime(
      @ForAll @IntRange(min = 0, max = 59) int minute,
      @ForAll @IntRange(min = 0, max = 23) int hour,
      @ForAll("zones") ZoneId zone,
      @ForAll @LongRange(min = 1577836800L, max = 1893456000L) long seconds) {
    Schedule schedule = Schedule.parse(minute + " " + hour + " * * *", zone, Instant.EPOCH);
    Instant now = Instant.ofEpochSecond(seconds);

    Instant next = schedule.next(now);
    assertThat(next).isAfter(now);
    assertThat(Duration.between(now, next)).isLessThanOrEqualTo(Duration.ofHours(25));
    ZonedDateTime local = next.atZone(zone);
    assertThat(local.getMinute()).isEqualTo(minute);
    assertThat(local.getSecond()).isZero();
    assertThat(schedule.previous(next)).contains(next);
    Instant previous = schedule.previous(now).orElseThrow();
    assertThat(previous).isBeforeOrEqualTo(now);
    assertThat(schedule.next(previous)).isEqualTo(next);
    Instant due = schedule.latestDue(now).orElseThrow();
    assertThat(schedule.next(due)).isEqualTo(previous);
  }

  @Property(tries = 300, seed = "20261204")
  void intervalsTickFromTheirAnchor(
      @ForAll @IntRange(min = 1, max = 100_000) int everySeconds,
      @ForAll @LongRange(min = 1577836800L, max = 1893456000L) long anchorSeconds,
      @ForAll @LongRange(min = -100_000_000L, max = 100_000_000L) long offsetSeconds) {
    Instant anchor = Instant.ofEpochSecond(anchorSeconds);
    Schedule schedule = Schedule.parse("every " + everySeconds + "s", ZoneId.of("UTC"), anchor);
    Instant now = anchor.plusSeconds(offsetSeconds);

    Instant next = schedule.next(now);
    Instant previous = schedule.previous(now).orElseThrow();
    assertThat(next).isAfter(now);
    assertThat(previous).isBeforeOrEqualTo(now);
    assertThat(Duration.between(previous, next)).isEqualTo(Duration.ofSeconds(everySeconds));
    assertThat(Duration.between(anchor, next).getSeconds() % everySeconds).isZero();
    assertThat(schedule.latestDue(now)).contains(previous.minusSeconds(everySeconds));
  }

  @Property(tries = 100, seed = "20261204")
  void presetsMatchTheirCron(
      @ForAll @LongRange(min = 1577836800L, max = 1893456000L) long seconds,
      @ForAll("zones") ZoneId zone) {
    Instant now = Instant.ofEpochSecond(seconds);
    assertThat(Schedule.parse("@hourly", zone, Instant.EPOCH).next(now))
        .isEqualTo(Schedule.parse("0 * * * *", zone, Instant.EPOCH).next(now));
    Instant daily = Schedule.parse("@daily", zone, Instant.EPOCH).next(now);
    assertThat(daily.atZone(zone).toLocalTime().toSecondOfDay()).isZero();
  }
}
