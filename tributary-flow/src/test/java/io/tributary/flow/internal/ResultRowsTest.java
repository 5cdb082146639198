package io.tributary.flow.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class ResultRowsTest {
  @Test
  void mapsDuckDbTypesToIcebergTypes() {
    assertThat(ResultRows.typeOf("BIGINT")).isEqualTo(Types.LongType.get());
    assertThat(ResultRows.typeOf("HUGEINT")).isEqualTo(Types.LongType.get());
    assertThat(ResultRows.typeOf("INTEGER")).isEqualTo(Types.IntegerType.get());
    assertThat(ResultRows.typeOf("DOUBLE")).isEqualTo(Types.DoubleType.get());
    assertThat(ResultRows.typeOf("DECIMAL(18,3)")).isEqualTo(Types.DecimalType.of(18, 3));
    assertThat(ResultRows.typeOf("DATE")).isEqualTo(Types.DateType.get());
    assertThat(ResultRows.typeOf("TIMESTAMP")).isEqualTo(Types.TimestampType.withoutZone());
    assertThat(ResultRows.typeOf("TIMESTAMP WITH TIME ZONE"))
        .isEqualTo(Types.TimestampType.withZone());
    assertThat(ResultRows.typeOf("VARCHAR")).isEqualTo(Types.StringType.get());
    assertThat(ResultRows.typeOf("INTEGER[]")).isEqualTo(Types.StringType.get());
    assertThat(ResultRows.typeOf("STRUCT(a INTEGER)")).isEqualTo(Types.StringType.get());
  }
}
