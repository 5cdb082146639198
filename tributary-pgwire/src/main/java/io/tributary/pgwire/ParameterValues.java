package io.tributary.pgwire;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one Bind parameter, in text or binary format, into the SQL literal put in place of its
 * {@code $n}. Each value is checked against its declared type, so a parameter can only ever be one
 * literal: quotes are doubled, numbers parsed. A parameter of unspecified type is a string literal,
 * which DuckDB casts where it is used.
 */
final class ParameterValues {
  private static final LocalDate EPOCH = LocalDate.of(2000, 1, 1);
  private static final Pattern DATE_WITH_ZONE =
      Pattern.compile("(\\d{4,}-\\d{2}-\\d{2}) [+-]\\d{2}(?::\\d{2}){0,2}");

  private ParameterValues() {}

  /**
   * The literal for a parameter of type {@code oid} (0: unspecified) given as {@code bytes} ({@code
   * null}: SQL NULL).
   *
   * @throws IllegalArgumentException naming the type and value when they do not fit
   */
  static String literal(int oid, boolean binary, byte[] bytes) {
    if (bytes == null) {
      return "NULL";
    }
    PgType type = PgType.ofOid(oid);
    if (oid != 0 && type == null) {
      if (binary) {
        throw new IllegalArgumentException(
            "Binary parameters of type OID " + oid + " are not supported; send them as text");
      }
      return string(text(bytes));
    }
    if (type == null) {
      type = PgType.UNKNOWN;
      String text = text(bytes);
      Matcher dateWithZone = DATE_WITH_ZONE.matcher(text);
      if (!binary && dateWithZone.matches()) {
        return "DATE " + string(dateWithZone.group(1)); // pgJDBC's setDate: '2024-05-01 +02'
      }
    }
    return binary ? fromBinary(type, bytes) : fromText(type, text(bytes));
  }

  private static String fromText(PgType type, String value) {
    try {
      return switch (type) {
        case BOOL -> bool(value);
        case INT2, INT4, INT8 -> signed(Long.toString(Long.parseLong(value.strip())));
        case FLOAT4, FLOAT8 ->
            "CAST(" + string(Double.toString(parseDouble(value))) + " AS DOUBLE)";
        case NUMERIC -> numeric(new BigDecimal(value.strip()));
        case DATE -> "DATE " + string(value);
        case TIME -> "TIME " + string(value);
        case TIMESTAMP -> "TIMESTAMP " + string(value);
        case TIMESTAMPTZ -> "TIMESTAMPTZ " + string(value);
        case UUID ->
            "CAST(" + string(java.util.UUID.fromString(value.strip()).toString()) + " AS UUID)";
        case BYTEA -> blob(parseBytea(value));
        default -> string(value);
      };
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Invalid input for type " + type.name().toLowerCase(Locale.ROOT) + ": \"" + value + "\"",
          e);
    }
  }

  private static String fromBinary(PgType type, byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    if (type.length > 0 && bytes.length != type.length) {
      throw new IllegalArgumentException(
          "Invalid binary "
              + type.name().toLowerCase(Locale.ROOT)
              + " parameter: "
              + bytes.length
              + " bytes (expected "
              + type.length
              + ")");
    }
    return switch (type) {
      case BOOL -> bytes[0] != 0 ? "TRUE" : "FALSE";
      case INT2 -> signed(Short.toString(buffer.getShort()));
      case INT4 -> signed(Integer.toString(buffer.getInt()));
      case INT8 -> signed(Long.toString(buffer.getLong()));
      case FLOAT4 -> "CAST(" + string(Float.toString(buffer.getFloat())) + " AS DOUBLE)";
      case FLOAT8 -> "CAST(" + string(Double.toString(buffer.getDouble())) + " AS DOUBLE)";
      case NUMERIC -> numeric(NumericBinary.decode(buffer));
      case DATE -> "DATE " + string(EPOCH.plusDays(buffer.getInt()).toString());
      case TIME -> "TIME " + string(LocalTime.ofNanoOfDay(buffer.getLong() * 1000).toString());
      case TIMESTAMP -> "TIMESTAMP " + string(timestamp(buffer.getLong()));
      case TIMESTAMPTZ -> "TIMESTAMPTZ " + string(timestamp(buffer.getLong()) + "+00");
      case UUID ->
          "CAST("
              + string(new java.util.UUID(buffer.getLong(), buffer.getLong()).toString())
              + " AS UUID)";
      case BYTEA -> blob(bytes);
      default -> string(text(bytes));
    };
  }

  private static String timestamp(long micros) {
    LocalDateTime timestamp =
        EPOCH
            .atStartOfDay()
            .plusSeconds(Math.floorDiv(micros, 1_000_000L))
            .plusNanos(Math.floorMod(micros, 1_000_000L) * 1000L);
    return timestamp.toLocalDate() + " " + timestamp.toLocalTime();
  }

  private static String text(byte[] bytes) {
    String value = new String(bytes, StandardCharsets.UTF_8);
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("Invalid parameter: text holds a NUL character");
    }
    return value;
  }

  private static String bool(String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "t", "true", "y", "yes", "on", "1" -> "TRUE";
      case "f", "false", "n", "no", "off", "0" -> "FALSE";
      default ->
          throw new IllegalArgumentException("Invalid input for type boolean: \"" + value + "\"");
    };
  }

  private static double parseDouble(String value) {
    String stripped = value.strip();
    return switch (stripped.toLowerCase(Locale.ROOT)) {
      case "nan" -> Double.NaN;
      case "infinity", "+infinity", "inf" -> Double.POSITIVE_INFINITY;
      case "-infinity", "-inf" -> Double.NEGATIVE_INFINITY;
      default -> {
        if (!stripped.matches("[-+]?[0-9.]+([eE][-+]?[0-9]+)?")) {
          throw new NumberFormatException(stripped);
        }
        yield Double.parseDouble(stripped);
      }
    };
  }

  private static String numeric(BigDecimal value) {
    return signed(value.toPlainString());
  }

  private static String signed(String number) {
    return number.startsWith("-") ? "(" + number + ")" : number;
  }

  private static byte[] parseBytea(String value) {
    if (!value.startsWith("\\x")) {
      throw new IllegalArgumentException(
          "Invalid bytea parameter: use the hex format \\x..., not \"" + value + "\"");
    }
    try {
      return HexFormat.of().parseHex(value.substring(2));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Invalid bytea parameter: \"" + value + "\"", e);
    }
  }

  private static String blob(byte[] bytes) {
    StringBuilder literal = new StringBuilder(bytes.length * 4 + 16).append("'");
    for (byte b : bytes) {
      literal.append("\\x").append(HexFormat.of().toHexDigits(b));
    }
    return literal.append("'::BLOB").toString();
  }

  static String string(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
