package io.tributary.batch.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NamesTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Order ID|order_id",
        "userId|userid",
        "Prénom|prenom",
        "unit price (€)|unit_price",
        "2026 sales|_2026_sales",
        "__a__b__|a_b",
        "ÄÖÜ ß|aou",
        "a.b-c/d|a_b_c_d",
        "日本|col_3",
        "'   '|col_3",
        "|col_3"
      })
  void rules(String raw, String expected) {
    assertThat(Names.normalize(raw == null ? "" : raw, 3)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"id,id", "''  ,col_1"})
  void emptyIsColumnOfItsPosition(String raw, String expected) {
    assertThat(Names.normalize(raw.strip())).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void duplicatesGetSuffixes() {
    assertThat(Names.normalizeAll(List.of("A", "a", "a_2", "a", "", "")))
        .containsExactly("a", "a_2", "a_2_2", "a_3", "col_5", "col_6");
  }

  @Property(seed = "20261126", tries = 2000)
  void anyNameNormalisesToASafeIdempotentName(@ForAll String raw) {
    String name = Names.normalize(raw, 7);
    assertThat(name).matches("[a-z_][a-z0-9_]*");
    assertThat(name).doesNotContain("__");
    assertThat(Names.normalize(name, 7)).isEqualTo(name);
  }

  @Property(seed = "20261126", tries = 300)
  void normalizeAllIsUnique(@ForAll List<String> raw) {
    List<String> names = Names.normalizeAll(raw);
    assertThat(names).hasSize(raw.size());
    assertThat(new HashSet<>(names)).hasSize(raw.size());
  }
}
