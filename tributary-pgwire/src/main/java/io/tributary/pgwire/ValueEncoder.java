package io.tributary.pgwire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns the query engine's row values into PostgreSQL's text and binary formats for a column's
 * {@link PgType}: timestamps as {@code 2024-05-01 12:00:00+00}, booleans as {@code t}/{@code f},
 * bytea as {@code \x..}, lists and structs as JSON.
 */
final class ValueEncoder {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final LocalDate EPOCH = LocalDate.of(2000, 1, 1);
  private static final LocalDateTime EPOCH_TIME = EPOCH.atStartOfDay();
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSS]");
  private static final Pattern TRAILING_ZEROS = Pattern.compile("\\.?0+$");

  private ValueEncoder() {}

  /** The text format of {@code value}; {@code value} is not null. */
  static String text(PgType type, Object value) {
    if (isInfiniteTimestamp(type, value)) {
      return value.toString();
    }
    return switch (type) {
      case BOOL -> (Boolean) value ? "t" : "f";
      case BYTEA -> "\\x" + HexFormat.of().formatHex((byte[]) value);
      case FLOAT4, FLOAT8 -> floatText(((Number) value).doubleValue());
      case NUMERIC ->
          value instanceof BigDecimal decimal ? decimal.toPlainString() : value.toString();
      case TIMESTAMP -> localTimestampText(value.toString());
      case TIMESTAMPTZ -> utcTimestampText(value.toString());
      case TEXT, JSON, VARCHAR, UNKNOWN -> json(value);
      default -> value.toString();
    };
  }

  /** The binary format of {@code value}; {@code value} is not null. */
  static byte[] binary(PgType type, Object value) {
    if (isInfiniteTimestamp(type, value)) {
      return ByteBuffer.allocate(8)
          .putLong(value.equals("infinity") ? Long.MAX_VALUE : Long.MIN_VALUE)
          .array();
    }
    return switch (type) {
      case BOOL -> new byte[] {(byte) ((Boolean) value ? 1 : 0)};
      case INT2 -> ByteBuffer.allocate(2).putShort(((Number) value).shortValue()).array();
      case INT4 -> ByteBuffer.allocate(4).putInt(((Number) value).intValue()).array();
      case INT8 -> ByteBuffer.allocate(8).putLong(((Number) value).longValue()).array();
      case FLOAT4 -> ByteBuffer.allocate(4).putFloat(((Number) value).floatValue()).array();
      case FLOAT8 -> ByteBuffer.allocate(8).putDouble(((Number) value).doubleValue()).array();
      case NUMERIC -> NumericBinary.encode(new BigDecimal(value.toString()));
      case DATE ->
          ByteBuffer.allocate(4)
              .putInt((int) ChronoUnit.DAYS.between(EPOCH, LocalDate.parse(value.toString())))
              .array();
      case TIME ->
          ByteBuffer.allocate(8)
              .putLong(LocalTime.parse(value.toString()).toNanoOfDay() / 1000)
              .array();
      case TIMESTAMP -> micros(LocalDateTime.parse(value.toString()));
      case TIMESTAMPTZ -> micros(utc(value.toString()));
      case BYTEA -> (byte[]) value;
      case UUID -> {
        java.util.UUID uuid = java.util.UUID.fromString(value.toString());
        yield ByteBuffer.allocate(16)
            .putLong(uuid.getMostSignificantBits())
            .putLong(uuid.getLeastSignificantBits())
            .array();
      }
      default -> text(type, value).getBytes(StandardCharsets.UTF_8);
    };
  }

  /** The engine's text of DuckDB's infinite timestamps, which PostgreSQL writes the same. */
  private static boolean isInfiniteTimestamp(PgType type, Object value) {
    return (type == PgType.TIMESTAMP || type == PgType.TIMESTAMPTZ)
        && ("infinity".equals(value) || "-infinity".equals(value));
  }

  private static LocalDateTime utc(String isoOffsetDateTime) {
    return OffsetDateTime.parse(isoOffsetDateTime)
        .withOffsetSameInstant(ZoneOffset.UTC)
        .toLocalDateTime();
  }

  /**
   * The text of an ISO local date-time ({@code 2024-05-01T12:00:00.5}) as PostgreSQL writes it
   * ({@code 2024-05-01 12:00:00.5}): rewritten in place when it has a 4-digit year and seconds, the
   * engine's usual form, else parsed and formatted.
   */
  private static String localTimestampText(String iso) {
    return isPlainIso(iso, iso.length())
        ? plainTimestampText(iso, iso.length())
        : timestampText(LocalDateTime.parse(iso));
  }

  /** As {@link #localTimestampText} for an ISO date-time with offset, shifted to UTC. */
  private static String utcTimestampText(String iso) {
    int utcEnd =
        iso.endsWith("Z")
            ? iso.length() - 1
            : iso.endsWith("+00:00") ? iso.length() - "+00:00".length() : -1;
    return utcEnd > 0 && isPlainIso(iso, utcEnd)
        ? plainTimestampText(iso, utcEnd) + "+00"
        : timestampText(utc(iso)) + "+00";
  }

  /** Whether {@code iso[0, end)} reads {@code yyyy-MM-ddTHH:mm:ss} then an optional fraction. */
  private static boolean isPlainIso(String iso, int end) {
    if (end < 19 || iso.charAt(4) != '-' || iso.charAt(10) != 'T' || iso.charAt(16) != ':') {
      return false;
    }
    if (end > 19 && iso.charAt(19) != '.') {
      return false;
    }
    for (int i = 20; i < end; i++) {
      if (iso.charAt(i) < '0' || iso.charAt(i) > '9') {
        return false;
      }
    }
    return Character.isDigit(iso.charAt(0));
  }

  /** {@code iso[0, end)} with a space for the T, the fraction cut to micros and its zeros. */
  private static String plainTimestampText(String iso, int end) {
    int fractionEnd = Math.min(end, 26); // 19 + '.' + 6 digits
    while (fractionEnd > 20 && iso.charAt(fractionEnd - 1) == '0') {
      fractionEnd--;
    }
    if (fractionEnd <= 20) {
      fractionEnd = 19; // no fraction left: drop the point
    }
    StringBuilder text = new StringBuilder(fractionEnd);
    return text.append(iso, 0, 10).append(' ').append(iso, 11, fractionEnd).toString();
  }

  private static String timestampText(LocalDateTime timestamp) {
    String text = TIMESTAMP.format(timestamp.truncatedTo(ChronoUnit.MICROS));
    return TRAILING_ZEROS.matcher(text).replaceFirst("");
  }

  private static byte[] micros(LocalDateTime timestamp) {
    long micros = ChronoUnit.MICROS.between(EPOCH_TIME, timestamp);
    return ByteBuffer.allocate(8).putLong(micros).array();
  }

  private static String floatText(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "Infinity" : "-Infinity";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    String text = Double.toString(value);
    return text.replace("E-", "e-").replace("E", "e+");
  }

  private static String json(Object value) {
    if (value instanceof String text) {
      return text;
    }
    if (value instanceof List<?> || value instanceof Map<?, ?>) {
      try {
        return JSON.writeValueAsString(value);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("Cannot write a value as JSON: " + e.getMessage(), e);
      }
    }
    if (value instanceof byte[] bytes) {
      return "\\x" + HexFormat.of().formatHex(bytes);
    }
    return value.toString();
  }
}
