package io.tributary.query;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class DuckDbTypesTest {
  @Test
  void mapsPrimitiveTypes() {
    assertThat(DuckDbTypes.of(Types.BooleanType.get())).isEqualTo("BOOLEAN");
    assertThat(DuckDbTypes.of(Types.IntegerType.get())).isEqualTo("INTEGER");
    assertThat(DuckDbTypes.of(Types.LongType.get())).isEqualTo("BIGINT");
    assertThat(DuckDbTypes.of(Types.FloatType.get())).isEqualTo("REAL");
    assertThat(DuckDbTypes.of(Types.DoubleType.get())).isEqualTo("DOUBLE");
    assertThat(DuckDbTypes.of(Types.DecimalType.of(12, 3))).isEqualTo("DECIMAL(12,3)");
    assertThat(DuckDbTypes.of(Types.DateType.get())).isEqualTo("DATE");
    assertThat(DuckDbTypes.of(Types.TimeType.get())).isEqualTo("TIME");
    assertThat(DuckDbTypes.of(Types.TimestampType.withoutZone())).isEqualTo("TIMESTAMP");
    assertThat(DuckDbTypes.of(Types.TimestampType.withZone())).isEqualTo("TIMESTAMPTZ");
    assertThat(DuckDbTypes.of(Types.StringType.get())).isEqualTo("VARCHAR");
    assertThat(DuckDbTypes.of(Types.UUIDType.get())).isEqualTo("UUID");
    assertThat(DuckDbTypes.of(Types.BinaryType.get())).isEqualTo("BLOB");
    assertThat(DuckDbTypes.of(Types.FixedType.ofLength(16))).isEqualTo("BLOB");
  }

  @Test
  void mapsNestedTypes() {
    assertThat(
            DuckDbTypes.of(
                Types.StructType.of(
                    Types.NestedField.optional(1, "a \"b\"", Types.IntegerType.get()),
                    Types.NestedField.optional(
                        2, "tags", Types.ListType.ofOptional(3, Types.StringType.get())),
                    Types.NestedField.optional(
                        4,
                        "props",
                        Types.MapType.ofOptional(
                            5, 6, Types.StringType.get(), Types.LongType.get())))))
        .isEqualTo(
            "STRUCT(\"a \"\"b\"\"\" INTEGER, \"tags\" VARCHAR[], \"props\" MAP(VARCHAR, BIGINT))");
  }
}
