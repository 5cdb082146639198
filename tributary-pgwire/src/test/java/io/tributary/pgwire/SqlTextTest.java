package io.tributary.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class SqlTextTest {
  @Test
  void splitsAtTopLevelSemicolonsOnly() {
    assertThat(
            SqlText.split(
                "SELECT 'a;b'; SELECT \"x;y\" FROM t -- c;d\n; SELECT $$e;f$$ /* g; /* h; */ i; */;"
                    + " SELECT E'j\\';k';;  "))
        .containsExactly(
            "SELECT 'a;b'",
            "SELECT \"x;y\" FROM t -- c;d",
            "SELECT $$e;f$$ /* g; /* h; */ i; */",
            "SELECT E'j\\';k'");
    assertThat(SqlText.split(" ; -- only a comment\n ;")).isEmpty();
    assertThat(SqlText.isBlank("/* x */ -- y\n  ")).isTrue();
  }

  @Test
  void bindsParametersOutsideLiteralsAndComments() {
    assertThat(
            SqlText.bind(
                "SELECT $1, '$1', \"$2\", $2 -- $1\n, x$1, $$ $1 $$, $tag$ $2 $tag$",
                List.of("'a'", "2")))
        .isEqualTo("SELECT 'a', '$1', \"$2\", 2 -- $1\n, x$1, $$ $1 $$, $tag$ $2 $tag$");
    assertThat(SqlText.parameterCount("SELECT $1 + $12, '$99'")).isEqualTo(12);
    assertThatThrownBy(() -> SqlText.bind("SELECT $3", List.of("1"))).hasMessageContaining("$3");
  }

  @Property(seed = "20261204")
  void neverFailsOnAnyTextAndKeepsTextWithoutParameters(
      @ForAll @StringLength(max = 200) String sql) {
    List<String> statements = SqlText.split(sql);
    assertThat(statements).allSatisfy(statement -> assertThat(statement).isNotBlank());
    SqlText.stripLeadingComments(sql);
    if (SqlText.parameterCount(sql) == 0) {
      assertThat(SqlText.bind(sql, List.of())).isEqualTo(sql);
    }
  }

  @Property(seed = "20261204")
  void aStringParameterIsAlwaysOneLiteral(@ForAll @StringLength(max = 50) String value) {
    String bound =
        SqlText.bind("SELECT $1 AS v", List.of(ParameterValues.string(value.replace("\0", ""))));
    assertThat(SqlText.split(bound)).hasSize(1);
    assertThat(SqlText.parameterCount(bound)).isZero();
  }
}
