package io.tributary.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class ColumnValuesTest {
  private static Instant formatter(String text) {
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  @Test
  void parsesTheCommonShapesQuickly() {
    assertThat(ColumnValues.parseCommonInstant("2026-11-26T07:42:00Z"))
        .isEqualTo(Instant.parse("2026-11-26T07:42:00Z"));
    assertThat(ColumnValues.parseCommonInstant("2026-11-26t07:42:00.123456789+01:30"))
        .isEqualTo(Instant.parse("2026-11-26T06:12:00.123456789Z"));
    assertThat(ColumnValues.parseCommonInstant("2024-02-29T23:59z"))
        .isEqualTo(Instant.parse("2024-02-29T23:59:00Z"));
    assertThat(ColumnValues.parseCommonInstant("2023-02-29T00:00:00Z")).isNull();
    assertThat(ColumnValues.parseInstant("2023-02-29T00:00:00Z")).isNull();
    assertThat(ColumnValues.parseInstant("2026-11-26T07:42:00+0100"))
        .isEqualTo(formatter("2026-11-26T07:42:00+0100"));
  }

  @Property(seed = "20261128", tries = 3000)
  void parsingEqualsTheIsoFormatter(@ForAll("timestamps") String text) {
    Instant expected = formatter(text);
    assertThat(ColumnValues.parseInstant(text)).isEqualTo(expected);
    Instant common = ColumnValues.parseCommonInstant(text);
    if (common != null) {
      assertThat(common).isEqualTo(expected);
    }
  }

  @Provide
  Arbitrary<String> timestamps() {
    Arbitrary<String> date =
        Combinators.combine(
                Arbitraries.integers().between(0, 9999),
                Arbitraries.integers().between(0, 13),
                Arbitraries.integers().between(0, 32))
            .as((y, m, d) -> String.format("%04d-%02d-%02d", y, m, d));
    Arbitrary<String> time =
        Combinators.combine(
                Arbitraries.integers().between(0, 25),
                Arbitraries.integers().between(0, 61),
                Arbitraries.of("", ":00", ":59", ":60", ":7", ":30"),
                Arbitraries.of("", ".", ".1", ".123", ".123456", ".123456789", ".1234567890", ",5"))
            .as((h, m, s, f) -> String.format("%02d:%02d", h, m) + s + (s.length() == 3 ? f : ""));
    Arbitrary<String> offset =
        Arbitraries.oneOf(
            Arbitraries.of("Z", "z", "", "+00:00", "-00:00", "+18:00", "-18:00", "+0100", "+01"),
            Combinators.combine(
                    Arbitraries.of("+", "-"),
                    Arbitraries.integers().between(0, 19),
                    Arbitraries.integers().between(0, 60))
                .as((sign, h, m) -> String.format("%s%02d:%02d", sign, h, m)));
    return Combinators.combine(date, Arbitraries.of("T", "t", " "), time, offset)
        .as((d, t, tm, o) -> d + t + tm + o);
  }
}
