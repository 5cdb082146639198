package io.tributary.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ColumnNamesTest {
  @ParameterizedTest
  @CsvSource(
      delimiterString = " => ",
      quoteCharacter = '`',
      value = {
        "count_star() => count",
        "count(x) => count",
        "count(DISTINCT x) => count",
        "sum((x + 1)) => sum",
        "avg(x) => avg",
        "\"version\"() => version",
        "current_schema() => current_schema",
        "lower(\"name\") => lower",
        "COALESCE(x, 1) => coalesce",
        "1 => ?column?",
        "'a' => ?column?",
        "1.5 => ?column?",
        "-1 => ?column?",
        "NULL => ?column?",
        "true => bool",
        "(x + 1) => ?column?",
        "(upper(\"name\") || 'a') => ?column?",
        "(SELECT count_star() FROM t) => ?column?",
        "CAST(x AS BIGINT) => x",
        "CAST(1 AS INTEGER) => int4",
        "CAST('x' AS VARCHAR) => varchar",
        "CAST((x + 1) AS DECIMAL(10,2)) => numeric",
        "CAST(sum(x) AS DOUBLE) => sum",
        "CASE  WHEN ((x > 0)) THEN (1) ELSE NULL END => case",
        "EXISTS(SELECT 1) => exists",
        "list_value(1, 2) => array",
        "x => x",
        "current_date => current_date",
        "relname => relname",
        "f(a) || g(b) => ?column?"
      })
  void namesUnnamedExpressionsLikePostgres(String duckDb, String postgres) {
    assertThat(ColumnNames.postgres(duckDb)).isEqualTo(postgres);
  }

  @Property(seed = "14")
  void keepsEveryPlainName(@ForAll @AlphaChars @StringLength(min = 1, max = 20) String name) {
    String column = "c_" + name;
    assertThat(ColumnNames.postgres(column)).isEqualTo(column);
  }
}
