package io.tributary.query;

import java.util.stream.Collectors;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/** Maps Iceberg types to the DuckDB types a view declares for columns no data file holds. */
final class DuckDbTypes {
  private DuckDbTypes() {}

  static String of(Type type) {
    return switch (type.typeId()) {
      case BOOLEAN -> "BOOLEAN";
      case INTEGER -> "INTEGER";
      case LONG -> "BIGINT";
      case FLOAT -> "REAL";
      case DOUBLE -> "DOUBLE";
      case DECIMAL -> {
        Types.DecimalType decimal = (Types.DecimalType) type;
        yield "DECIMAL(" + decimal.precision() + "," + decimal.scale() + ")";
      }
      case DATE -> "DATE";
      case TIME -> "TIME";
      case TIMESTAMP ->
          ((Types.TimestampType) type).shouldAdjustToUTC() ? "TIMESTAMPTZ" : "TIMESTAMP";
      case TIMESTAMP_NANO ->
          ((Types.TimestampNanoType) type).shouldAdjustToUTC() ? "TIMESTAMPTZ" : "TIMESTAMP_NS";
      case STRING -> "VARCHAR";
      case UUID -> "UUID";
      case FIXED, BINARY -> "BLOB";
      case STRUCT ->
          type.asStructType().fields().stream()
              .map(field -> Sql.identifier(field.name()) + " " + of(field.type()))
              .collect(Collectors.joining(", ", "STRUCT(", ")"));
      case LIST -> of(type.asListType().elementType()) + "[]";
      case MAP ->
          "MAP(" + of(type.asMapType().keyType()) + ", " + of(type.asMapType().valueType()) + ")";
      default -> "VARCHAR";
    };
  }
}
