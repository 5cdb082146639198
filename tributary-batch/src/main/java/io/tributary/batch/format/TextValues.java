package io.tributary.batch.format;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Parsing of text values (CSV fields, JSON strings) by the same rules as {@link TypeInference}:
 * whatever inference typed as T parses as T. Parsing is lenient where the type is given: a {@code
 * long} column takes {@code 007}; a {@code double} column takes any number, {@code NaN} and {@code
 * Infinity}. No regular expressions: this is the hot path of reading.
 */
final class TextValues {
  /** Returned by {@link #parse} when the text does not fit the type. */
  static final Object INVALID = new Object();

  private TextValues() {}

  /** {@code s} without leading and trailing spaces and tabs. */
  static String trim(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
      start++;
    }
    while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
      end--;
    }
    return start == 0 && end == s.length() ? s : s.substring(start, end);
  }

  /** {@code NULL}, {@code null} or {@code \N} (PostgreSQL/MySQL exports). */
  static boolean isNullToken(String t) {
    return t.equals("NULL") || t.equals("null") || t.equals("\\N");
  }

  /** Whether {@code text} is a null value: empty, blank, or a null token. */
  static boolean isNull(String text) {
    if (text == null || text.isEmpty()) {
      return true;
    }
    String t = trim(text);
    return t.isEmpty() || isNullToken(t);
  }

  /**
   * Parses {@code text} (not null) as a value of the primitive {@code type}, or returns {@link
   * #INVALID}. A null value must be checked before ({@link #isNull}).
   */
  static Object parse(String text, Type type, boolean decimalComma) {
    if (type.typeId() == Type.TypeID.STRING) {
      return text;
    }
    String t = trim(text);
    try {
      switch (type.typeId()) {
        case BOOLEAN:
          if (t.equalsIgnoreCase("true")) {
            return Boolean.TRUE;
          }
          return t.equalsIgnoreCase("false") ? Boolean.FALSE : INVALID;
        case INTEGER:
          return isPlainInteger(t) ? Integer.valueOf(Integer.parseInt(t)) : INVALID;
        case LONG:
          return isPlainInteger(t) ? Long.valueOf(Long.parseLong(t)) : INVALID;
        case FLOAT:
          return isFloatingText(t, decimalComma)
              ? Float.valueOf(Float.parseFloat(decimalComma ? t.replace(',', '.') : t))
              : INVALID;
        case DOUBLE:
          return isFloatingText(t, decimalComma)
              ? Double.valueOf(Double.parseDouble(decimalComma ? t.replace(',', '.') : t))
              : INVALID;
        case DECIMAL:
          return parseDecimal(t, (Types.DecimalType) type, decimalComma);
        case DATE:
          {
            Object v = parseTemporal(t);
            return v instanceof LocalDate ? v : INVALID;
          }
        case TIMESTAMP:
          return parseTimestamp(t, ((Types.TimestampType) type).shouldAdjustToUTC());
        default:
          return INVALID;
      }
    } catch (NumberFormatException | ArithmeticException | DateTimeException e) {
      return INVALID;
    }
  }

  private static boolean isPlainInteger(String t) {
    int n = t.length();
    int i = n > 0 && (t.charAt(0) == '-' || t.charAt(0) == '+') ? 1 : 0;
    if (i == n || n - i > 19) {
      return false;
    }
    for (; i < n; i++) {
      if (!TypeInference.isDigit(t.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isFloatingText(String t, boolean decimalComma) {
    int n = t.length();
    if (n == 0) {
      return false;
    }
    if (t.equals("NaN") || t.equals("Infinity") || t.equals("-Infinity") || t.equals("+Infinity")) {
      return true;
    }
    boolean digit = false;
    for (int i = 0; i < n; i++) {
      char c = t.charAt(i);
      if (TypeInference.isDigit(c)) {
        digit = true;
      } else if (!(c == '.'
          || c == '-'
          || c == '+'
          || c == 'e'
          || c == 'E'
          || (c == ',' && decimalComma))) {
        return false;
      }
    }
    return digit;
  }

  private static Object parseDecimal(String t, Types.DecimalType type, boolean decimalComma) {
    if (!isFloatingText(t, decimalComma) || t.indexOf('N') >= 0 || t.indexOf('I') >= 0) {
      return INVALID;
    }
    BigDecimal d = new BigDecimal(decimalComma ? t.replace(',', '.') : t);
    return fitDecimal(d, type);
  }

  /** {@code d} at the type's scale, or {@link #INVALID} if that rounds or overflows. */
  static Object fitDecimal(BigDecimal d, Types.DecimalType type) {
    BigDecimal scaled;
    try {
      scaled = d.setScale(type.scale());
    } catch (ArithmeticException e) {
      return INVALID; // more fraction digits than the scale
    }
    return scaled.precision() > type.precision() ? INVALID : scaled;
  }

  private static Object parseTimestamp(String t, boolean withZone) {
    Object v = parseTemporal(t);
    if (v == null) {
      if (withZone && isPlainInteger(t)) {
        return fromEpoch(Long.parseLong(t));
      }
      return INVALID;
    }
    if (v instanceof LocalDate) {
      LocalDateTime midnight = ((LocalDate) v).atStartOfDay();
      return withZone ? midnight.atOffset(ZoneOffset.UTC) : midnight;
    }
    if (v instanceof LocalDateTime) {
      return withZone ? ((LocalDateTime) v).atOffset(ZoneOffset.UTC) : v;
    }
    OffsetDateTime zoned = (OffsetDateTime) v;
    return withZone ? zoned : zoned.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
  }

  /**
   * An epoch number as a UTC timestamp: seconds when its magnitude is below 10^11 (until the year
   * 5138), else milliseconds.
   */
  static OffsetDateTime fromEpoch(long v) {
    Instant instant =
        Math.abs(v) < 100_000_000_000L ? Instant.ofEpochSecond(v) : Instant.ofEpochMilli(v);
    return instant.atOffset(ZoneOffset.UTC);
  }

  /** The Iceberg type of a value returned by {@link #parseTemporal}. */
  static Type typeOfTemporal(Object v) {
    if (v instanceof LocalDate) {
      return Types.DateType.get();
    }
    return v instanceof LocalDateTime
        ? Types.TimestampType.withoutZone()
        : Types.TimestampType.withZone();
  }

  /**
   * A date ({@code yyyy-MM-dd}, {@code yyyy/MM/dd}, {@code dd.MM.yyyy}), a timestamp ({@code
   * yyyy-MM-dd[T ]HH:mm[:ss[.fraction]]}) or a timestamp with zone (the same followed by an
   * optional space and {@code Z}, {@code UTC}, {@code ±HH:mm}, {@code ±HHmm} or {@code ±HH}), as
   * {@link LocalDate}, {@link LocalDateTime} or {@link OffsetDateTime}; null if {@code t} is none.
   * Ambiguous forms such as {@code 11/12/2026} are not dates.
   */
  static Object parseTemporal(String t) {
    int n = t.length();
    if (n < 10) {
      return null;
    }
    LocalDate date;
    if (t.charAt(2) == '.' && t.charAt(5) == '.') {
      if (n != 10 || !digits(t, 0, 2) || !digits(t, 3, 5) || !digits(t, 6, 10)) {
        return null;
      }
      return safeDate(num(t, 6, 10), num(t, 3, 5), num(t, 0, 2));
    }
    char sep = t.charAt(4);
    if ((sep != '-' && sep != '/')
        || t.charAt(7) != sep
        || !digits(t, 0, 4)
        || !digits(t, 5, 7)
        || !digits(t, 8, 10)) {
      return null;
    }
    date = safeDate(num(t, 0, 4), num(t, 5, 7), num(t, 8, 10));
    if (date == null || n == 10) {
      return date;
    }
    char tsep = t.charAt(10);
    if (sep != '-' || (tsep != 'T' && tsep != 't' && tsep != ' ') || n < 16) {
      return null;
    }
    if (!digits(t, 11, 13) || t.charAt(13) != ':' || !digits(t, 14, 16)) {
      return null;
    }
    int hour = num(t, 11, 13);
    int minute = num(t, 14, 16);
    int second = 0;
    int nanos = 0;
    int i = 16;
    if (i < n && t.charAt(i) == ':') {
      if (i + 3 > n || !digits(t, i + 1, i + 3)) {
        return null;
      }
      second = num(t, i + 1, i + 3);
      i += 3;
      if (i < n && t.charAt(i) == '.') {
        int start = ++i;
        while (i < n && TypeInference.isDigit(t.charAt(i))) {
          i++;
        }
        int len = i - start;
        if (len == 0 || len > 9) {
          return null;
        }
        nanos = num(t, start, i);
        for (int k = len; k < 9; k++) {
          nanos *= 10;
        }
      }
    }
    if (hour > 23 || minute > 59 || second > 59) {
      return null;
    }
    LocalDateTime local =
        LocalDateTime.of(
            date.getYear(),
            date.getMonthValue(),
            date.getDayOfMonth(),
            hour,
            minute,
            second,
            nanos);
    if (i == n) {
      return local;
    }
    if (t.charAt(i) == ' ') {
      i++;
    }
    ZoneOffset offset = parseOffset(t, i);
    return offset == null ? null : local.atOffset(offset);
  }

  private static ZoneOffset parseOffset(String t, int i) {
    int n = t.length();
    if (i >= n) {
      return null;
    }
    int restLength = n - i;
    if ((restLength == 1 && (t.charAt(i) == 'Z' || t.charAt(i) == 'z'))
        || (restLength == 3 && t.startsWith("UTC", i))) {
      return ZoneOffset.UTC;
    }
    char sign = t.charAt(i);
    if (sign != '+' && sign != '-') {
      return null;
    }
    int len = n - i - 1;
    int hours;
    int minutes = 0;
    if (len == 2 && digits(t, i + 1, n)) {
      hours = num(t, i + 1, n);
    } else if (len == 4 && digits(t, i + 1, n)) {
      hours = num(t, i + 1, i + 3);
      minutes = num(t, i + 3, n);
    } else if (len == 5
        && t.charAt(i + 3) == ':'
        && digits(t, i + 1, i + 3)
        && digits(t, i + 4, n)) {
      hours = num(t, i + 1, i + 3);
      minutes = num(t, i + 4, n);
    } else {
      return null;
    }
    if (hours > 18 || minutes > 59) {
      return null;
    }
    int total = hours * 3600 + minutes * 60;
    try {
      return ZoneOffset.ofTotalSeconds(sign == '-' ? -total : total);
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static LocalDate safeDate(int year, int month, int day) {
    if (year < 1 || month < 1 || month > 12 || day < 1 || day > 31) {
      return null;
    }
    try {
      return LocalDate.of(year, month, day);
    } catch (DateTimeException e) {
      return null; // 2026-02-30
    }
  }

  private static boolean digits(String t, int from, int to) {
    if (to > t.length()) {
      return false;
    }
    for (int i = from; i < to; i++) {
      if (!TypeInference.isDigit(t.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static int num(String t, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      v = v * 10 + (t.charAt(i) - '0');
    }
    return v;
  }
}
