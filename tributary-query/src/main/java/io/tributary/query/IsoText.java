package io.tributary.query;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * ISO-8601 text of date-times, exactly as {@link DateTimeFormatter#ISO_LOCAL_DATE_TIME} and {@link
 * DateTimeFormatter#ISO_OFFSET_DATE_TIME} write it, but written by hand for years 0 to 9999 and UTC
 * offsets: large results hold a timestamp per row, and the formatters cost several times more.
 */
final class IsoText {
  private IsoText() {}

  /** {@code 2024-05-01T12:00:00.12}: the fraction's trailing zeros dropped, as the formatter. */
  static String of(LocalDateTime value) {
    if (value.getYear() < 0 || value.getYear() > 9999) {
      return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(value);
    }
    return append(new StringBuilder(29), value).toString();
  }

  /** {@code 2024-05-01T12:00:00Z} for UTC, the formatter's text for other offsets. */
  static String of(OffsetDateTime value) {
    LocalDateTime local = value.toLocalDateTime();
    if (!value.getOffset().equals(ZoneOffset.UTC)
        || local.getYear() < 0
        || local.getYear() > 9999) {
      return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(value);
    }
    return append(new StringBuilder(30), local).append('Z').toString();
  }

  /**
   * The text of a DuckDB timestamp, {@code micros} since the epoch: as {@link #of(LocalDateTime)}
   * for a {@code TIMESTAMP}, as {@link #of(OffsetDateTime)} in UTC for a {@code TIMESTAMP WITH TIME
   * ZONE} ({@code utc}).
   */
  static String ofEpochMicros(long micros, boolean utc) {
    LocalDateTime value =
        LocalDateTime.ofEpochSecond(
            Math.floorDiv(micros, 1_000_000L),
            (int) Math.floorMod(micros, 1_000_000L) * 1_000,
            ZoneOffset.UTC);
    return utc ? of(value.atOffset(ZoneOffset.UTC)) : of(value);
  }

  private static StringBuilder append(StringBuilder text, LocalDateTime value) {
    digits(text, value.getYear(), 4).append('-');
    digits(text, value.getMonthValue(), 2).append('-');
    digits(text, value.getDayOfMonth(), 2).append('T');
    digits(text, value.getHour(), 2).append(':');
    digits(text, value.getMinute(), 2).append(':');
    digits(text, value.getSecond(), 2);
    int nanos = value.getNano();
    if (nanos != 0) {
      int width = 9;
      while (nanos % 10 == 0) {
        nanos /= 10;
        width--;
      }
      digits(text.append('.'), nanos, width);
    }
    return text;
  }

  /** {@code value} (0 or more, at most {@code width} digits) zero-padded to {@code width}. */
  private static StringBuilder digits(StringBuilder text, int value, int width) {
    int divisor = 1;
    for (int i = 1; i < width; i++) {
      divisor *= 10;
    }
    for (; divisor > 0; divisor /= 10) {
      text.append((char) ('0' + value / divisor % 10));
    }
    return text;
  }
}
