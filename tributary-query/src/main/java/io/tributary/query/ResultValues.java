package io.tributary.query;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.duckdb.DuckDBStruct;

/** Turns DuckDB JDBC values into JSON-friendly Java values. */
final class ResultValues {
  private ResultValues() {}

  /** The value of column {@code column} of the current row. */
  static Object read(ResultSet result, int column) throws SQLException {
    Object value = result.getObject(column);
    return isConvertible(value) ? convert(value) : result.getString(column);
  }

  private static boolean isConvertible(Object value) {
    return value == null
        || value instanceof String
        || value instanceof Boolean
        || value instanceof Number
        || value instanceof Timestamp
        || value instanceof OffsetDateTime
        || value instanceof LocalDate
        || value instanceof LocalTime
        || value instanceof OffsetTime
        || value instanceof UUID
        || value instanceof Array
        || value instanceof DuckDBStruct
        || value instanceof Map;
  }

  private static Object convert(Object value) throws SQLException {
    if (value == null
        || value instanceof String
        || value instanceof Boolean
        || value instanceof Integer
        || value instanceof Long
        || value instanceof Double
        || value instanceof BigDecimal) {
      return value;
    }
    if (value instanceof Byte || value instanceof Short) {
      return ((Number) value).intValue();
    }
    if (value instanceof Float f) {
      return Double.valueOf(f.toString());
    }
    if (value instanceof BigInteger big) {
      return big.bitLength() < Long.SIZE ? (Object) big.longValue() : new BigDecimal(big);
    }
    if (value instanceof Number number) {
      return number.toString();
    }
    if (value instanceof Timestamp timestamp) {
      return IsoText.of(timestamp.toLocalDateTime());
    }
    if (value instanceof OffsetDateTime timestamp) {
      return IsoText.of(timestamp);
    }
    if (value instanceof LocalTime time) {
      return DateTimeFormatter.ISO_LOCAL_TIME.format(time);
    }
    if (value instanceof OffsetTime time) {
      return DateTimeFormatter.ISO_OFFSET_TIME.format(time);
    }
    if (value instanceof Array array) {
      List<Object> list = new ArrayList<>();
      for (Object element : (Object[]) array.getArray()) {
        list.add(element(element));
      }
      return list;
    }
    if (value instanceof DuckDBStruct struct) {
      return map(struct.getMap());
    }
    if (value instanceof Map<?, ?> map) {
      return map(map);
    }
    return value.toString(); // LocalDate, UUID
  }

  private static Map<String, Object> map(Map<?, ?> map) throws SQLException {
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      copy.put(String.valueOf(element(entry.getKey())), element(entry.getValue()));
    }
    return copy;
  }

  private static Object element(Object value) throws SQLException {
    return isConvertible(value) ? convert(value) : value.toString();
  }
}
