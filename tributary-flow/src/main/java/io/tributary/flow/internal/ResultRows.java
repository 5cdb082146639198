package io.tributary.flow.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.query.QueryResult;
import io.tributary.query.ResultStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * A query result as rows for the lake: the Iceberg schema of its DuckDB column types (all fields
 * optional; lists, structs, maps and other types become JSON or text strings) and its rows in
 * Iceberg's internal representation. Counts the rows it hands out.
 */
public final class ResultRows implements Iterator<StructLike> {
  private static final Pattern DECIMAL = Pattern.compile("DECIMAL\\((\\d+),\\s*(\\d+)\\)");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final OffsetDateTime EPOCH =
      OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

  private final ResultStream rows;
  private final Schema schema;
  private final Type[] types;
  private Boolean hasNext;
  private long count;

  public ResultRows(ResultStream rows) {
    this.rows = rows;
    List<Types.NestedField> fields = new ArrayList<>();
    List<QueryResult.Column> columns = rows.columns();
    this.types = new Type[columns.size()];
    for (int i = 0; i < columns.size(); i++) {
      types[i] = typeOf(columns.get(i).type());
      fields.add(Types.NestedField.optional(i + 1, columns.get(i).name(), types[i]));
    }
    this.schema = new Schema(fields);
  }

  /** The Iceberg type for a DuckDB type name. */
  static Type typeOf(String duckDbType) {
    Matcher decimal = DECIMAL.matcher(duckDbType);
    if (decimal.matches()) {
      return Types.DecimalType.of(
          Integer.parseInt(decimal.group(1)), Integer.parseInt(decimal.group(2)));
    }
    return switch (duckDbType) {
      case "BOOLEAN" -> Types.BooleanType.get();
      case "TINYINT", "SMALLINT", "INTEGER", "UTINYINT", "USMALLINT" -> Types.IntegerType.get();
      case "BIGINT", "UINTEGER", "HUGEINT", "UBIGINT" -> Types.LongType.get();
      case "FLOAT" -> Types.FloatType.get();
      case "DOUBLE" -> Types.DoubleType.get();
      case "DATE" -> Types.DateType.get();
      case "TIME" -> Types.TimeType.get();
      case "TIMESTAMP" -> Types.TimestampType.withoutZone();
      case "TIMESTAMP WITH TIME ZONE" -> Types.TimestampType.withZone();
      default -> Types.StringType.get();
    };
  }

  public Schema schema() {
    return schema;
  }

  /** Rows handed out so far. */
  public long count() {
    return count;
  }

  @Override
  public boolean hasNext() {
    if (hasNext == null) {
      try {
        hasNext = rows.next();
      } catch (SQLException e) {
        throw new IllegalStateException("Cannot read the query result: " + e.getMessage(), e);
      }
    }
    return hasNext;
  }

  @Override
  public StructLike next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    hasNext = null;
    Object[] values = new Object[types.length];
    try {
      for (int i = 0; i < types.length; i++) {
        values[i] = internal(rows.value(i), types[i], schema.columns().get(i).name());
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the query result: " + e.getMessage(), e);
    }
    count++;
    return new Row(values);
  }

  private static Object internal(Object value, Type type, String column) {
    if (value == null) {
      return null;
    }
    return switch (type.typeId()) {
      case INTEGER -> ((Number) value).intValue();
      case LONG -> exactLong(value, column);
      case FLOAT -> ((Number) value).floatValue();
      case DOUBLE -> ((Number) value).doubleValue();
      case DECIMAL ->
          new BigDecimal(value.toString())
              .setScale(((Types.DecimalType) type).scale(), RoundingMode.UNNECESSARY);
      case DATE -> (int) ((LocalDate) value).toEpochDay();
      case TIME -> ((LocalTime) value).toNanoOfDay() / 1000;
      case TIMESTAMP ->
          value instanceof OffsetDateTime offset
              ? ChronoUnit.MICROS.between(EPOCH, offset)
              : ChronoUnit.MICROS.between(EPOCH, ((LocalDateTime) value).atOffset(ZoneOffset.UTC));
      case BOOLEAN -> value;
      default -> text(value);
    };
  }

  private static long exactLong(Object value, String column) {
    if (value instanceof Long l) {
      return l;
    }
    if (value instanceof Integer i) {
      return i;
    }
    BigInteger big = new BigDecimal(value.toString()).toBigIntegerExact();
    if (big.bitLength() >= Long.SIZE) {
      throw new IllegalStateException(
          "Column " + column + ": value " + value + " does not fit a 64-bit integer");
    }
    return big.longValue();
  }

  private static String text(Object value) {
    if (value instanceof String s) {
      return s;
    }
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      return value.toString();
    }
  }

  private record Row(Object[] values) implements StructLike {
    @Override
    public int size() {
      return values.length;
    }

    @Override
    public <T> T get(int pos, Class<T> javaClass) {
      return javaClass.cast(values[pos]);
    }

    @Override
    public <T> void set(int pos, T value) {
      values[pos] = value;
    }
  }
}
