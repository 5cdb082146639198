package io.tributary.batch.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TypeInferenceTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      nullValues = "NONE",
      value = {
        "true|boolean",
        "FALSE|boolean",
        "0|int",
        "-42|int",
        "+7|int",
        "2147483648|long",
        "9223372036854775808|decimal(19, 0)",
        "007|string",
        "12.50|decimal(18, 2)",
        "0.5|decimal(18, 1)",
        "-1234567890123456789012.5|decimal(23, 1)",
        "1.5e3|double",
        "1E-7|double",
        ".5|double",
        "5.|double",
        "2026-11-26|date",
        "2026/11/26|date",
        "26.11.2026|date",
        "26/11/2026|string",
        "11/26/2026|string",
        "2026-02-30|string",
        "2026-11-26 10:00|timestamp",
        "2026-11-26T10:00:00.123456|timestamp",
        "2026-11-26T10:00:00Z|timestamptz",
        "2026-11-26 10:00:00 +01:00|timestamptz",
        "2026-11-26T10:00:00+0530|timestamptz",
        "2026-11-26T10:00:00 UTC|timestamptz",
        "2026-11-26T25:00:00|string",
        "NaN|string",
        "yes|string",
        "'  12 '|int",
        "''|NONE",
        "NULL|NONE",
        "\\N|NONE"
      })
  void typeOfOneValue(String text, String expected) {
    Type t = TypeInference.typeOf(text, false);
    assertThat(t == null ? null : t.toString()).isEqualTo(expected);
  }

  @Test
  void decimalCommaOnlyWhenAsked() {
    assertThat(TypeInference.typeOf("12,50", true)).isEqualTo(Types.DecimalType.of(18, 2));
    assertThat(TypeInference.typeOf("12,50", false)).isEqualTo(Types.StringType.get());
    assertThat(TextValues.parse("12,50", Types.DecimalType.of(18, 2), true))
        .isEqualTo(new BigDecimal("12.50"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "int|long|long",
        "int|decimal(18, 2)|decimal(18, 2)",
        "long|decimal(18, 2)|decimal(21, 2)",
        "decimal(18, 2)|decimal(20, 2)|decimal(20, 2)",
        "decimal(18, 2)|decimal(18, 1)|double",
        "decimal(38, 0)|decimal(18, 2)|double",
        "long|double|double",
        "date|timestamp|timestamp",
        "date|timestamptz|timestamptz",
        "timestamp|timestamptz|timestamptz",
        "boolean|int|string",
        "date|int|string",
        "string|int|string"
      })
  void widening(String a, String b, String expected) {
    assertThat(TypeInference.widen(parse(a), parse(b)).toString()).isEqualTo(expected);
    assertThat(TypeInference.widen(parse(b), parse(a)).toString()).isEqualTo(expected);
  }

  @Test
  void nestedWidening() {
    Type a =
        Types.StructType.of(
            Types.NestedField.optional(1, "x", Types.IntegerType.get()),
            Types.NestedField.optional(
                2, "tags", Types.ListType.ofOptional(3, Types.IntegerType.get())));
    Type b =
        Types.StructType.of(
            Types.NestedField.optional(1, "y", Types.StringType.get()),
            Types.NestedField.optional(2, "x", Types.LongType.get()),
            Types.NestedField.optional(
                3, "tags", Types.ListType.ofOptional(4, Types.DoubleType.get())));
    Type w = TypeInference.widen(a, b);
    assertThat(w.asStructType().field("x").type()).isEqualTo(Types.LongType.get());
    assertThat(w.asStructType().field("tags").type().asListType().elementType())
        .isEqualTo(Types.DoubleType.get());
    assertThat(w.asStructType().fields())
        .extracting(Types.NestedField::name)
        .containsExactly("x", "tags", "y");
    assertThat(TypeInference.widen(a, Types.IntegerType.get())).isEqualTo(Types.StringType.get());
    assertThat(TypeInference.widen(null, a)).isEqualTo(a);
  }

  @Test
  void schemasWidenWithFreshIds() {
    org.apache.iceberg.Schema a =
        new org.apache.iceberg.Schema(
            Types.NestedField.optional(5, "id", Types.IntegerType.get()),
            Types.NestedField.optional(9, "day", Types.DateType.get()));
    org.apache.iceberg.Schema b =
        new org.apache.iceberg.Schema(
            Types.NestedField.optional(1, "day", Types.TimestampType.withZone()),
            Types.NestedField.optional(2, "id", Types.LongType.get()),
            Types.NestedField.optional(3, "note", Types.StringType.get()));

    org.apache.iceberg.Schema w = TypeInference.widen(a, b);

    assertThat(w.asStruct().toString())
        .isEqualTo(
            "struct<1: id: optional long, 2: day: optional timestamptz, 3: note: optional string>");
  }

  @Test
  void parsesAsTheColumnType() {
    assertThat(TextValues.parse("2026-11-26", Types.TimestampType.withZone(), false))
        .isEqualTo(OffsetDateTime.of(2026, 11, 26, 0, 0, 0, 0, ZoneOffset.UTC));
    assertThat(
            TextValues.parse("2026-11-26T10:00:00+01:00", Types.TimestampType.withoutZone(), false))
        .isEqualTo(LocalDateTime.of(2026, 11, 26, 9, 0));
    assertThat(TextValues.parse("26.11.2026", Types.DateType.get(), false))
        .isEqualTo(LocalDate.of(2026, 11, 26));
    assertThat(TextValues.parse("1764151200", Types.TimestampType.withZone(), false))
        .isEqualTo(OffsetDateTime.of(2025, 11, 26, 10, 0, 0, 0, ZoneOffset.UTC));
    assertThat(TextValues.parse("1764151200000", Types.TimestampType.withZone(), false))
        .isEqualTo(OffsetDateTime.of(2025, 11, 26, 10, 0, 0, 0, ZoneOffset.UTC));
    assertThat(TextValues.parse("12.345", Types.DecimalType.of(18, 2), false))
        .isSameAs(TextValues.INVALID);
    assertThat(TextValues.parse("12.3", Types.DecimalType.of(3, 2), false))
        .isSameAs(TextValues.INVALID);
    assertThat(TextValues.parse("abc", Types.DoubleType.get(), false)).isSameAs(TextValues.INVALID);
    assertThat(TextValues.parse("1d", Types.DoubleType.get(), false)).isSameAs(TextValues.INVALID);
    assertThat(TextValues.parse("99999999999", Types.IntegerType.get(), false))
        .isSameAs(TextValues.INVALID);
  }

  @Test
  void epochRule() {
    assertThat(TypeInference.suggestsTime("created_at")).isTrue();
    assertThat(TypeInference.suggestsTime("event_time")).isTrue();
    assertThat(TypeInference.suggestsTime("ts")).isTrue();
    assertThat(TypeInference.suggestsTime("count")).isFalse();
    assertThat(TypeInference.plausibleEpoch(1_764_151_200L, 1_764_151_300L)).isTrue();
    assertThat(TypeInference.plausibleEpoch(1_764_151_200_000L, 1_764_151_300_000L)).isTrue();
    assertThat(TypeInference.plausibleEpoch(12, 1_764_151_300L)).isFalse();
  }

  // ---- properties ----

  /** Every value parses as its own inferred type, and as the widening with any other value's. */
  @Property(seed = "20261126", tries = 1000)
  void inferredTypesAlwaysConvert(@ForAll("values") String a, @ForAll("values") String b) {
    Type ta = TypeInference.typeOf(a, false);
    Type tb = TypeInference.typeOf(b, false);
    Type both = TypeInference.widen(ta, tb);
    if (ta != null) {
      assertThat(TextValues.parse(a, ta, false)).isNotSameAs(TextValues.INVALID);
      assertThat(TextValues.parse(a, both, false))
          .as("%s as %s", a, both)
          .isNotSameAs(TextValues.INVALID);
    }
    if (tb != null) {
      assertThat(TextValues.parse(b, both, false))
          .as("%s as %s", b, both)
          .isNotSameAs(TextValues.INVALID);
    }
  }

  @Property(seed = "20261126", tries = 1000)
  void anyTextHasATypeAndNeverThrows(@ForAll String text) {
    Type t = TypeInference.typeOf(text, text.length() % 2 == 0);
    if (t != null) {
      assertThat(TextValues.parse(text, t, text.length() % 2 == 0)).isNotSameAs(TextValues.INVALID);
    }
  }

  @Property(seed = "20261126", tries = 1000)
  void wideningIsCommutativeAndAssociative(
      @ForAll("types") Type a, @ForAll("types") Type b, @ForAll("types") Type c) {
    assertThat(TypeInference.widen(a, b)).isEqualTo(TypeInference.widen(b, a));
    assertThat(TypeInference.widen(TypeInference.widen(a, b), c))
        .isEqualTo(TypeInference.widen(a, TypeInference.widen(b, c)));
    assertThat(TypeInference.widen(a, a)).isEqualTo(a);
  }

  @Provide
  Arbitrary<Type> types() {
    return Arbitraries.of(
        Types.BooleanType.get(),
        Types.IntegerType.get(),
        Types.LongType.get(),
        Types.DecimalType.of(18, 2),
        Types.DecimalType.of(20, 2),
        Types.DecimalType.of(18, 1),
        Types.DecimalType.of(38, 0),
        Types.DoubleType.get(),
        Types.DateType.get(),
        Types.TimestampType.withoutZone(),
        Types.TimestampType.withZone(),
        Types.StringType.get());
  }

  @Provide
  Arbitrary<String> values() {
    Arbitrary<String> ints = Arbitraries.longs().map(Object::toString);
    Arbitrary<String> smallInts = Arbitraries.integers().between(-1000, 1000).map(Object::toString);
    Arbitrary<String> decimals =
        Arbitraries.bigDecimals()
            .ofScale(2)
            .between(new BigDecimal("-1e20"), new BigDecimal("1e20"))
            .map(BigDecimal::toPlainString);
    Arbitrary<String> decimals1 =
        Arbitraries.bigDecimals()
            .ofScale(1)
            .between(BigDecimal.valueOf(-1e6), BigDecimal.valueOf(1e6))
            .map(BigDecimal::toPlainString);
    Arbitrary<String> doubles = Arbitraries.doubles().map(d -> String.format("%.4e", d));
    Arbitrary<String> big =
        Arbitraries.strings().numeric().ofMinLength(19).ofMaxLength(45).map(s -> "9" + s);
    Arbitrary<String> dates =
        Arbitraries.longs()
            .between(0, 3_000_000)
            .map(d -> LocalDate.ofEpochDay(d - 700_000).toString());
    Arbitrary<String> dotted =
        Arbitraries.longs()
            .between(0, 40_000)
            .map(
                d -> {
                  LocalDate x = LocalDate.ofEpochDay(d);
                  return String.format(
                      "%02d.%02d.%04d", x.getDayOfMonth(), x.getMonthValue(), x.getYear());
                });
    Arbitrary<String> timestamps =
        Arbitraries.longs()
            .between(0, 4_000_000_000L)
            .map(s -> LocalDateTime.ofEpochSecond(s, 0, ZoneOffset.UTC).toString());
    Arbitrary<String> zoned =
        Arbitraries.longs()
            .between(0, 4_000_000_000L)
            .map(
                s ->
                    OffsetDateTime.ofInstant(
                            java.time.Instant.ofEpochSecond(s), ZoneOffset.ofHours((int) (s % 13)))
                        .toString());
    Arbitrary<String> words =
        Arbitraries.of(
            "true", "False", "", "NULL", "abc", " 12 ", "007", "1e5", "2026-13-01", "-", "+", ".");
    return Arbitraries.oneOf(
        List.of(
            ints,
            smallInts,
            decimals,
            decimals1,
            doubles,
            big,
            dates,
            dotted,
            timestamps,
            zoned,
            words,
            Arbitraries.strings().ofMaxLength(12)));
  }

  private static Type parse(String name) {
    switch (name) {
      case "int":
        return Types.IntegerType.get();
      case "long":
        return Types.LongType.get();
      case "double":
        return Types.DoubleType.get();
      case "boolean":
        return Types.BooleanType.get();
      case "date":
        return Types.DateType.get();
      case "timestamp":
        return Types.TimestampType.withoutZone();
      case "timestamptz":
        return Types.TimestampType.withZone();
      case "string":
        return Types.StringType.get();
      default:
        return Types.fromPrimitiveString(name.replace(" ", ""));
    }
  }
}
