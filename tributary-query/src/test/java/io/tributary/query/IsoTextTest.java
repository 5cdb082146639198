package io.tributary.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** The hand-written ISO text is the JDK formatters' text. */
class IsoTextTest {
  @Property(seed = "20261205")
  void localDateTimesAsTheFormatter(
      @ForAll @LongRange(min = -70_000_000_000L, max = 300_000_000_000L) long epochSecond,
      @ForAll @IntRange(min = 0, max = 999_999_999) int nanos,
      @ForAll @IntRange(min = 0, max = 3) int precision) {
    LocalDateTime value = value(epochSecond, nanos, precision);

    assertThat(IsoText.of(value)).isEqualTo(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(value));
  }

  @Property(seed = "20261205")
  void offsetDateTimesAsTheFormatter(
      @ForAll @LongRange(min = -70_000_000_000L, max = 300_000_000_000L) long epochSecond,
      @ForAll @IntRange(min = 0, max = 999_999_999) int nanos,
      @ForAll @IntRange(min = 0, max = 3) int precision,
      @ForAll @IntRange(min = -3, max = 3) int offsetHours) {
    var value = value(epochSecond, nanos, precision).atOffset(ZoneOffset.ofHours(offsetHours));

    assertThat(IsoText.of(value)).isEqualTo(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(value));
  }

  @Property(seed = "20261205")
  void epochMicrosAsTheFormatter(
      @ForAll @LongRange(min = -70_000_000_000_000_000L, max = 300_000_000_000_000_000L)
          long micros) {
    var instant = java.time.Instant.EPOCH.plus(micros, java.time.temporal.ChronoUnit.MICROS);
    var local = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);

    assertThat(IsoText.ofEpochMicros(micros, false))
        .isEqualTo(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(local));
    assertThat(IsoText.ofEpochMicros(micros, true))
        .isEqualTo(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(local.atOffset(ZoneOffset.UTC)));
  }

  /** A date-time whose fraction has 0, 3, 6 or 9 digits, in years -250 to 11,500. */
  private static LocalDateTime value(long epochSecond, int nanos, int precision) {
    int unit = (int) Math.pow(10, 9 - 3 * precision);
    return LocalDateTime.ofEpochSecond(epochSecond, nanos / unit * unit, ZoneOffset.UTC);
  }
}
