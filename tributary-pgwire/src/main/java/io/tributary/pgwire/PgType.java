package io.tributary.pgwire;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PostgreSQL types results are described with: an OID, the length {@code pg_type} gives it and
 * a type modifier. DuckDB types PostgreSQL lacks (lists, structs, maps, unsigned and huge integers,
 * intervals) are sent as {@code text}, lists and structs in JSON.
 */
enum PgType {
  BOOL(16, 1),
  BYTEA(17, -1),
  INT8(20, 8),
  INT2(21, 2),
  INT4(23, 4),
  TEXT(25, -1),
  JSON(114, -1),
  FLOAT4(700, 4),
  FLOAT8(701, 8),
  VARCHAR(1043, -1),
  DATE(1082, 4),
  TIME(1083, 8),
  TIMESTAMP(1114, 8),
  TIMESTAMPTZ(1184, 8),
  NUMERIC(1700, -1),
  UUID(2950, 16),
  UNKNOWN(705, -2);

  private static final Pattern DECIMAL = Pattern.compile("DECIMAL\\((\\d+),\\s*(\\d+)\\)");

  final int oid;
  final int length;

  PgType(int oid, int length) {
    this.oid = oid;
    this.length = length;
  }

  /** The PostgreSQL type of a DuckDB result column type such as {@code DECIMAL(18,3)}. */
  static PgType ofDuckDb(String duckDbType) {
    String type = duckDbType.toUpperCase(Locale.ROOT);
    return switch (type) {
      case "BOOLEAN" -> BOOL;
      case "TINYINT", "SMALLINT", "UTINYINT" -> INT2;
      case "INTEGER", "USMALLINT" -> INT4;
      case "BIGINT", "UINTEGER" -> INT8;
      case "UBIGINT", "HUGEINT", "UHUGEINT" -> NUMERIC;
      case "FLOAT" -> FLOAT4;
      case "DOUBLE" -> FLOAT8;
      case "DATE" -> DATE;
      case "TIME" -> TIME;
      case "TIMESTAMP", "TIMESTAMP_MS", "TIMESTAMP_NS", "TIMESTAMP_S" -> TIMESTAMP;
      case "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ" -> TIMESTAMPTZ;
      case "BLOB" -> BYTEA;
      case "UUID" -> UUID;
      case "VARCHAR" -> TEXT;
      case "JSON" -> JSON;
      default -> type.startsWith("DECIMAL") ? NUMERIC : TEXT;
    };
  }

  /** The type modifier PostgreSQL gives a column of {@code duckDbType}, or -1. */
  static int typeModifier(String duckDbType) {
    Matcher decimal = DECIMAL.matcher(duckDbType.toUpperCase(Locale.ROOT));
    if (decimal.matches()) {
      return (Integer.parseInt(decimal.group(1)) << 16) + Integer.parseInt(decimal.group(2)) + 4;
    }
    return -1;
  }

  /** The type with OID {@code oid}, or {@code null} when the endpoint does not know it. */
  static PgType ofOid(int oid) {
    for (PgType type : values()) {
      if (type.oid == oid) {
        return type;
      }
    }
    return null;
  }
}
