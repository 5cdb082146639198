package io.tributary.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** The in-place text of ISO timestamps agrees with parsing and formatting them. */
class TimestampTextTest {
  private static final DateTimeFormatter POSTGRES =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSS]");

  @Property(seed = "20261205")
  void localTimestampsMatchTheFormatter(
      @ForAll @LongRange(min = -30_000_000_000L, max = 250_000_000_000L) long epochSecond,
      @ForAll @IntRange(min = 0, max = 999_999_999) int nanos,
      @ForAll @IntRange(min = 0, max = 3) int precision) {
    LocalDateTime timestamp = timestamp(epochSecond, nanos, precision);
    String iso = DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(timestamp);

    assertThat(ValueEncoder.text(PgType.TIMESTAMP, iso)).isEqualTo(expected(timestamp));
  }

  @Property(seed = "20261205")
  void utcTimestampsMatchTheFormatter(
      @ForAll @LongRange(min = -30_000_000_000L, max = 250_000_000_000L) long epochSecond,
      @ForAll @IntRange(min = 0, max = 999_999_999) int nanos,
      @ForAll @IntRange(min = 0, max = 3) int precision,
      @ForAll @IntRange(min = -2, max = 2) int offsetHours) {
    LocalDateTime timestamp = timestamp(epochSecond, nanos, precision);
    String iso =
        DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
            timestamp
                .atOffset(ZoneOffset.UTC)
                .withOffsetSameInstant(ZoneOffset.ofHours(offsetHours)));

    assertThat(ValueEncoder.text(PgType.TIMESTAMPTZ, iso)).isEqualTo(expected(timestamp) + "+00");
  }

  /** A timestamp whose fraction has 0, 3, 6 or 9 digits. */
  private static LocalDateTime timestamp(long epochSecond, int nanos, int precision) {
    int unit = (int) Math.pow(10, 9 - 3 * precision);
    return LocalDateTime.ofEpochSecond(epochSecond, nanos / unit * unit, ZoneOffset.UTC);
  }

  private static String expected(LocalDateTime timestamp) {
    return POSTGRES.format(timestamp.truncatedTo(ChronoUnit.MICROS)).replaceFirst("\\.?0+$", "");
  }
}
