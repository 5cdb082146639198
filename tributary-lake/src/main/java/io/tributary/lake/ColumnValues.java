package io.tributary.lake;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Set;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

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
    boolean fits =
        switch (type.typeId()) {
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
          case TIMESTAMP ->
              value instanceof Instant instant
                  ? inRange(instant)
                  : value instanceof String text && parseInstant(text) != null;
          default -> false;
        };
    return fits ? null : "column '" + column + "' is " + type + ", got " + describe(value);
  }

  /** Converts an acceptable value to the Java type Iceberg's generic writer expects. */
  static Object convert(Type type, Object value) {
    if (value == null) {
      return null;
    }
    return switch (type.typeId()) {
      case STRING -> value.toString();
      case LONG -> ((Number) value).longValue();
      case INTEGER -> ((Number) value).intValue();
      case DOUBLE -> ((Number) value).doubleValue();
      case FLOAT -> ((Number) value).floatValue();
      case BOOLEAN -> value;
      case TIMESTAMP -> {
        OffsetDateTime time =
            value instanceof Instant instant
                ? instant.atOffset(ZoneOffset.UTC)
                : parseInstant((String) value).atOffset(ZoneOffset.UTC);
        yield ((Types.TimestampType) type).shouldAdjustToUTC()
            ? time
            : LocalDateTime.ofInstant(time.toInstant(), ZoneOffset.UTC);
      }
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
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
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
