package io.tributary.lake;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.OffsetDateTime;
import java.time.Year;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Set;
import org.apache.avro.util.Utf8;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.DateTimeUtil;

/** The rules mapping row values to Iceberg column types: inference, compatibility, conversion. */
final class ColumnValues {
  /** What kind of value a row holds, for inference. */
  enum Kind {
    LONG,
    DOUBLE,
    BOOLEAN,
    INSTANT,
    INSTANT_TEXT,
    TEXT,
    UNSUPPORTED
  }

  private static final long MAX_EPOCH_SECOND = Long.MAX_VALUE / 1_000_000 - 1;
  private static final int MAX_SHOWN = 80;

  private ColumnValues() {}

  static Kind kindOf(Object value) {
    if (isIntegral(value)) {
      return Kind.LONG;
    }
    if (isFloating(value)) {
      return Kind.DOUBLE;
    }
    if (value instanceof Boolean) {
      return Kind.BOOLEAN;
    }
    if (value instanceof Instant instant) {
      return inRange(instant) ? Kind.INSTANT : Kind.UNSUPPORTED;
    }
    if (value instanceof String text) {
      return parseInstant(text) != null ? Kind.INSTANT_TEXT : Kind.TEXT;
    }
    return Kind.UNSUPPORTED;
  }

  /**
   * The column type for the kinds of non-null values seen in a batch, or {@code null} when there is
   * nothing to infer from.
   */
  static Type infer(Set<Kind> kinds) {
    if (kinds.isEmpty()) {
      return null;
    }
    if (Set.of(Kind.LONG).containsAll(kinds)) {
      return Types.LongType.get();
    }
    if (Set.of(Kind.LONG, Kind.DOUBLE).containsAll(kinds)) {
      return Types.DoubleType.get();
    }
    if (Set.of(Kind.BOOLEAN).containsAll(kinds)) {
      return Types.BooleanType.get();
    }
    if (Set.of(Kind.INSTANT, Kind.INSTANT_TEXT).containsAll(kinds)) {
      return Types.TimestampType.withZone();
    }
    return Types.StringType.get();
  }

  /** Whether {@code value} is integral and outside the {@code int} range. */
  static boolean needsLong(Object value) {
    return value instanceof Long l && (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE);
  }

  /**
   * Why {@code value} (not null) cannot go into a column of {@code type}, or {@code null} if it
   * can.
   */
  static String mismatch(String column, Type type, Object value) {
    return fits(type, value)
        ? null
        : "column '" + column + "' is " + type + ", got " + describe(value);
  }

  static boolean fits(Type type, Object value) {
    return switch (type.typeId()) {
      case STRING ->
          isIntegral(value)
              || isFloating(value)
              || value instanceof Boolean
              || value instanceof String
              || (value instanceof Instant instant && inRange(instant));
      case LONG -> isIntegral(value);
      case INTEGER -> isIntegral(value) && !needsLong(value);
      case DOUBLE, FLOAT -> isIntegral(value) || isFloating(value);
      case BOOLEAN -> value instanceof Boolean;
      case TIMESTAMP -> instant(value) != null;
      default -> false;
    };
  }

  /**
   * Converts {@code value} (not null) to Iceberg's internal representation for {@code type} (what
   * {@link DataFileWriter} writes), or {@code null} if it does not fit (see {@link #mismatch}).
   */
  static Object convertIfFits(Type type, Object value) {
    if (type.typeId() == Type.TypeID.TIMESTAMP) {
      Instant instant = instant(value);
      return instant == null ? null : DateTimeUtil.microsFromInstant(instant);
    }
    return fits(type, value) ? convert(type, value) : null;
  }

  /** The instant of an in-range {@code Instant} or an ISO-8601 string; {@code null} otherwise. */
  private static Instant instant(Object value) {
    if (value instanceof Instant instant) {
      return inRange(instant) ? instant : null;
    }
    return value instanceof String text ? parseInstant(text) : null;
  }

  /** Converts an acceptable value (not a timestamp) to Iceberg's internal representation. */
  private static Object convert(Type type, Object value) {
    return switch (type.typeId()) {
      case STRING -> new Utf8(value.toString()); // its bytes go to Parquet as they are
      case LONG -> value instanceof Long ? value : ((Number) value).longValue(); // no new box
      case INTEGER -> ((Number) value).intValue();
      case DOUBLE -> value instanceof Double ? value : ((Number) value).doubleValue();
      case FLOAT -> ((Number) value).floatValue();
      case BOOLEAN -> value;
      default -> throw new IllegalArgumentException("Cannot write to a column of type " + type);
    };
  }

  /** Parses an ISO-8601 date-time with an offset or {@code Z}; {@code null} if it is not one. */
  static Instant parseInstant(String text) {
    // cheap pre-check: yyyy-mm-ddThh:mm...; keeps years to 4 digits (in range for micros)
    if (text.length() < 17
        || text.length() > 40
        || text.charAt(4) != '-'
        || (text.charAt(10) != 'T' && text.charAt(10) != 't')) {
      return null;
    }
    Instant common = parseCommonInstant(text);
    if (common != null) {
      return common;
    }
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * The instant of {@code yyyy-MM-ddTHH:mm[:ss[.f...]]} followed by {@code Z} or {@code ±HH:mm},
   * checked as strictly as {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME}; {@code null} for other
   * shapes or values (which the formatter then decides on).
   */
  static Instant parseCommonInstant(String text) {
    int length = text.length();
    if (length < 17 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(13) != ':') {
      return null;
    }
    char t = text.charAt(10);
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    if ((t != 'T' && t != 't') || year < 0 || month < 1 || month > 12 || day < 1 || hour < 0) {
      return null;
    }
    if (hour > 23 || minute < 0 || minute > 59 || day > Month.of(month).length(Year.isLeap(year))) {
      return null;
    }
    int second = 0;
    int nanos = 0;
    int at = 16;
    if (at < length && text.charAt(at) == ':') {
      second = digits(text, at + 1, 2);
      if (second < 0 || second > 59) {
        return null;
      }
      at += 3;
      if (at < length && text.charAt(at) == '.') {
        int start = ++at;
        while (at < length && at - start < 9 && isDigit(text.charAt(at))) {
          nanos = nanos * 10 + (text.charAt(at) - '0');
          at++;
        }
        if (at == start || (at < length && isDigit(text.charAt(at)))) {
          return null;
        }
        for (int i = at - start; i < 9; i++) {
          nanos *= 10;
        }
      }
    }
    int offsetSeconds;
    if (at == length - 1 && (text.charAt(at) == 'Z' || text.charAt(at) == 'z')) {
      offsetSeconds = 0;
    } else if (at == length - 6
        && (text.charAt(at) == '+' || text.charAt(at) == '-')
        && text.charAt(at + 3) == ':') {
      int offsetHours = digits(text, at + 1, 2);
      int offsetMinutes = digits(text, at + 4, 2);
      if (offsetHours < 0 || offsetHours > 17 || offsetMinutes < 0 || offsetMinutes > 59) {
        return null;
      }
      offsetSeconds = (text.charAt(at) == '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
    } else {
      return null;
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    long seconds = epochDay * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds;
    return Instant.ofEpochSecond(seconds, nanos);
  }

  /** The value of {@code count} ASCII digits at {@code start}, or -1 if they are not. */
  private static int digits(String text, int start, int count) {
    if (start + count > text.length()) {
      return -1;
    }
    int value = 0;
    for (int i = start; i < start + count; i++) {
      char c = text.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isIntegral(Object value) {
    return value instanceof Long || value instanceof Integer || value instanceof Short;
  }

  private static boolean isFloating(Object value) {
    return value instanceof Double || value instanceof Float;
  }

  private static boolean inRange(Instant instant) {
    return Math.abs(instant.getEpochSecond()) < MAX_EPOCH_SECOND;
  }

  static String describe(Object value) {
    if (value instanceof String text) {
      String shown = text.length() > MAX_SHOWN ? text.substring(0, MAX_SHOWN) + "..." : text;
      return "string \"" + shown + "\"";
    }
    return switch (kindOf(value)) {
      case LONG -> "long " + value;
      case DOUBLE -> "double " + value;
      case BOOLEAN -> "boolean " + value;
      case INSTANT -> "timestamp " + value;
      default -> "unsupported value of " + value.getClass().getName();
    };
  }
}
