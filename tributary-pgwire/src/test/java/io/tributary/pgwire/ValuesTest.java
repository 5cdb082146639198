package io.tributary.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Result values out (text and binary) and Bind parameters in (as SQL literals). */
class ValuesTest {
  @Test
  void textFormatIsPostgresqls() {
    assertThat(ValueEncoder.text(PgType.BOOL, true)).isEqualTo("t");
    assertThat(ValueEncoder.text(PgType.FLOAT8, 2.0)).isEqualTo("2");
    assertThat(ValueEncoder.text(PgType.FLOAT8, 1.5e300)).isEqualTo("1.5e+300");
    assertThat(ValueEncoder.text(PgType.FLOAT8, Double.NaN)).isEqualTo("NaN");
    assertThat(ValueEncoder.text(PgType.NUMERIC, new BigDecimal("1E+3"))).isEqualTo("1000");
    assertThat(ValueEncoder.text(PgType.TIMESTAMP, "2024-05-01T12:00:00"))
        .isEqualTo("2024-05-01 12:00:00");
    assertThat(ValueEncoder.text(PgType.TIMESTAMP, "2024-05-01T12:00:00.120"))
        .isEqualTo("2024-05-01 12:00:00.12");
    assertThat(ValueEncoder.text(PgType.TIMESTAMPTZ, "2024-05-01T14:00:00+02:00"))
        .isEqualTo("2024-05-01 12:00:00+00");
    assertThat(ValueEncoder.text(PgType.BYTEA, new byte[] {0, (byte) 0xab})).isEqualTo("\\x00ab");
    assertThat(ValueEncoder.text(PgType.TEXT, List.of(1, Map.of("a", "b"))))
        .isEqualTo("[1,{\"a\":\"b\"}]");
  }

  @Test
  void binaryFormatIsPostgresqls() {
    assertThat(ByteBuffer.wrap(ValueEncoder.binary(PgType.DATE, "2000-01-02")).getInt())
        .isEqualTo(1);
    assertThat(
            ByteBuffer.wrap(ValueEncoder.binary(PgType.TIMESTAMP, "2000-01-01T00:00:01")).getLong())
        .isEqualTo(1_000_000L);
    assertThat(ByteBuffer.wrap(ValueEncoder.binary(PgType.INT8, 7L)).getLong()).isEqualTo(7L);
    assertThat(ValueEncoder.binary(PgType.TEXT, "é"))
        .isEqualTo("é".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void parametersBecomeOneCheckedLiteral() {
    assertThat(literal(0, "it's")).isEqualTo("'it''s'");
    assertThat(literal(23, " -5")).isEqualTo("(-5)");
    assertThat(literal(1700, "12.50")).isEqualTo("12.50");
    assertThat(literal(16, "yes")).isEqualTo("TRUE");
    assertThat(literal(1082, "2024-05-01")).isEqualTo("DATE '2024-05-01'");
    assertThat(literal(0, "2024-05-01 +02")).isEqualTo("DATE '2024-05-01'"); // pgJDBC's setDate
    assertThat(literal(17, "\\x00ff")).isEqualTo("'\\x00\\xff'::BLOB");
    assertThat(ParameterValues.literal(23, false, null)).isEqualTo("NULL");
    assertThatThrownBy(() -> literal(23, "1; DROP TABLE t")).hasMessageContaining("int4");
    assertThatThrownBy(() -> literal(701, "1) OR (1=1")).hasMessageContaining("float8");
    assertThatThrownBy(() -> literal(1700, "1 OR 1")).hasMessageContaining("numeric");
    assertThat(ParameterValues.literal(23, true, ByteBuffer.allocate(4).putInt(-3).array()))
        .isEqualTo("(-3)");
    assertThat(
            ParameterValues.literal(1114, true, ByteBuffer.allocate(8).putLong(1_500_000L).array()))
        .isEqualTo("TIMESTAMP '2000-01-01 00:00:01.500'");
    assertThatThrownBy(() -> ParameterValues.literal(23, true, new byte[3]))
        .hasMessageContaining("3 bytes");
  }

  @Test
  void copyLinesInTextAndCsv() {
    CopyOut csv = CopyOut.parse("COPY (SELECT 1) TO STDOUT WITH (FORMAT csv, HEADER)");
    assertThat(csv.csv()).isTrue();
    assertThat(csv.header()).isTrue();
    assertThat(csv.line(Arrays.asList("a,b", null, "", "q\"x")))
        .isEqualTo("\"a,b\",,\"\",\"q\"\"x\"\n");
    CopyOut text = CopyOut.parse("copy ( select 1 ) to stdout");
    assertThat(text.query()).isEqualTo(" select 1 ");
    assertThat(text.line(Arrays.asList("a\tb\\", null))).isEqualTo("a\\tb\\\\\t\\N\n");
    assertThat(CopyOut.parse("SELECT 1")).isNull();
    assertThatThrownBy(() -> CopyOut.parse("COPY t FROM STDIN"))
        .isInstanceOfSatisfying(
            PgException.class, e -> assertThat(e.sqlState()).isEqualTo("25006"));
  }

  @Test
  void theSessionAnswersSettingsAndTransactions() {
    Session session = new Session("app", java.util.Map.of());
    assertThat(session.answer("BEGIN READ ONLY").tag()).isEqualTo("BEGIN");
    assertThat(session.transaction()).isEqualTo(Session.Transaction.IN_BLOCK);
    session.failed();
    assertThatThrownBy(() -> session.answer("SHOW TimeZone"))
        .isInstanceOfSatisfying(
            PgException.class, e -> assertThat(e.sqlState()).isEqualTo("25P02"));
    assertThat(session.answer("COMMIT").tag()).isEqualTo("ROLLBACK");
    assertThat(session.answer("SET extra_float_digits = 3").tag()).isEqualTo("SET");
    assertThat(session.answer("show EXTRA_FLOAT_DIGITS").value()).isEqualTo("3");
    assertThat(session.answer("SET TIME ZONE 'UTC'").changed()).isEqualTo("TimeZone");
    assertThatThrownBy(() -> session.answer("SET TIME ZONE 'Europe/Paris'"))
        .isInstanceOfSatisfying(
            PgException.class, e -> assertThat(e.sqlState()).isEqualTo("0A000"));
    assertThat(session.answer("SET application_name TO 'x'").changed())
        .isEqualTo("application_name");
    assertThat(session.answer("RESET ALL").tag()).isEqualTo("RESET");
    assertThat(session.setting("application_name")).isEqualTo("x");
    assertThat(session.answer("SHOW TABLES")).isNull();
    assertThat(session.answer("SELECT 1")).isNull();
  }

  private static String literal(int oid, String text) {
    return ParameterValues.literal(oid, false, text.getBytes(StandardCharsets.UTF_8));
  }
}
