package io.tributary.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class FieldPredicateTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  @Test
  void evaluatesComparisonsMembershipExistenceAndLogic() throws Exception {
    JsonNode m =
        json(
            "{\"change\":\"updated\",\"n\":3,\"x\":1.50,\"ok\":true,\"creator\":{\"name\":\"Ada\"},"
                + "\"gone\":null}");
    assertThat(FieldPredicate.parse("change == 'updated'").test(m)).isTrue();
    assertThat(FieldPredicate.parse("change != \"updated\"").test(m)).isFalse();
    assertThat(FieldPredicate.parse("n == 3.0 and x == 1.5").test(m)).isTrue();
    assertThat(FieldPredicate.parse("n > 2 and n <= 3 and not n < 3").test(m)).isTrue();
    assertThat(FieldPredicate.parse("change > 'a'").test(m)).isTrue();
    assertThat(FieldPredicate.parse("change > 1").test(m)).as("mixed types never order").isFalse();
    assertThat(FieldPredicate.parse("change in ['created', 'updated']").test(m)).isTrue();
    assertThat(FieldPredicate.parse("creator.name == 'Ada'").test(m)).isTrue();
    assertThat(FieldPredicate.parse("creator.name exists and not gone exists").test(m)).isTrue();
    assertThat(FieldPredicate.parse("missing == null and gone == null").test(m)).isTrue();
    assertThat(FieldPredicate.parse("ok == true or n == 0").test(m)).isTrue();
    assertThat(FieldPredicate.parse("n == 0 or (ok == false or change == 'updated')").test(m))
        .isTrue();
    assertThat(FieldPredicate.parse("n == 0 and ok == true or change == 'updated'").test(m))
        .as("and binds tighter than or")
        .isTrue();
    assertThat(FieldPredicate.parse("n == '3'").test(m)).as("no coercion").isFalse();
  }

  @Test
  void errorsSayWhatWasExpectedAndWhere() {
    assertThatThrownBy(() -> FieldPredicate.parse("")).hasMessageContaining("empty predicate");
    assertThatThrownBy(() -> FieldPredicate.parse("kind = 'like'"))
        .hasMessageContaining("expected ==, !=")
        .hasMessageContaining("position 5");
    assertThatThrownBy(() -> FieldPredicate.parse("a == 'x"))
        .hasMessageContaining("unterminated string at position 5");
    assertThatThrownBy(() -> FieldPredicate.parse("a == 1 b == 2"))
        .hasMessageContaining("expected 'and', 'or' or the end");
    assertThatThrownBy(() -> FieldPredicate.parse("a in [1, 2"))
        .hasMessageContaining("expected ',' or ']'");
    assertThatThrownBy(() -> FieldPredicate.parse("(a == 1")).hasMessageContaining("expected ')'");
    assertThatThrownBy(() -> FieldPredicate.parse("a == yes")).hasMessageContaining("not 'yes'");
    assertThatThrownBy(() -> FieldPredicate.parse("a..b exists"))
        .hasMessageContaining("bad field name 'a..b'");
  }

  @Property(seed = "20261126", tries = 500)
  void printedPredicatesParseBackToTheSameMeaning(
      @ForAll("predicates") FieldPredicate predicate, @ForAll("messages") ObjectNode message) {
    FieldPredicate reparsed = FieldPredicate.parse(predicate.toString());
    assertThat(reparsed.toString()).isEqualTo(predicate.toString());
    assertThat(reparsed.test(message)).isEqualTo(predicate.test(message));
  }

  @Property(seed = "20261126", tries = 2000)
  void arbitraryTextParsesOrFailsWithAnIllegalArgument(
      @ForAll @StringLength(max = 40) String text) {
    try {
      FieldPredicate.parse(text);
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).contains("position");
    }
  }

  @Property(seed = "20261126", tries = 1000)
  void textBuiltFromTheGrammarsTokensNeverFailsOtherwise(@ForAll("tokenSoup") String text) {
    try {
      FieldPredicate.parse(text);
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).contains("position");
    }
  }

  @Provide
  Arbitrary<String> tokenSoup() {
    return Arbitraries.of(
            "a", "b.c", "==", "!=", "<", ">=", "in", "[", "]", ",", "(", ")", "and", "or", "not",
            "exists", "'x'", "\"y\"", "1", "-2.5", "true", "null", " ")
        .list()
        .ofMaxSize(12)
        .map(tokens -> String.join(" ", tokens));
  }

  @Provide
  Arbitrary<ObjectNode> messages() {
    return Combinators.combine(literals(), literals(), Arbitraries.of(true, false))
        .as(
            (a, b, nested) -> {
              ObjectNode node = JSON.createObjectNode();
              node.set("a", a);
              if (nested) {
                node.putObject("b").set("c", b);
              } else {
                node.set("b", b);
              }
              return node;
            });
  }

  @Provide
  Arbitrary<FieldPredicate> predicates() {
    return predicate(3);
  }

  private Arbitrary<FieldPredicate> predicate(int depth) {
    Arbitrary<FieldPath> paths = Arbitraries.of("a", "b", "b.c", "d_e").map(FieldPath::parse);
    Arbitrary<FieldPredicate> leaf =
        Arbitraries.oneOf(
            paths.map(FieldPredicate.Exists::new),
            Combinators.combine(paths, Arbitraries.of(FieldPredicate.Op.values()), literals())
                .as(FieldPredicate.Compare::new),
            Combinators.combine(paths, literals().list().ofMinSize(1).ofMaxSize(3))
                .as(FieldPredicate.In::new));
    if (depth == 0) {
      return leaf;
    }
    Arbitrary<FieldPredicate> inner = Arbitraries.lazy(() -> predicate(depth - 1));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, leaf),
        net.jqwik.api.Tuple.of(1, inner.map(FieldPredicate.Not::new)),
        net.jqwik.api.Tuple.of(1, Combinators.combine(inner, inner).as(FieldPredicate.And::new)),
        net.jqwik.api.Tuple.of(1, Combinators.combine(inner, inner).as(FieldPredicate.Or::new)));
  }

  private static Arbitrary<JsonNode> literals() {
    return Arbitraries.oneOf(
        Arbitraries.strings()
            .withChars("abc XYZ019_'\"\\")
            .ofMaxLength(6)
            .map(s -> (JsonNode) TextNode.valueOf(s)),
        Combinators.combine(
                Arbitraries.longs().between(-1000, 1000), Arbitraries.integers().between(0, 2))
            .as(
                (unscaled, scale) ->
                    (JsonNode) DecimalNode.valueOf(BigDecimal.valueOf(unscaled, scale))),
        Arbitraries.of(List.of(BooleanNode.TRUE, BooleanNode.FALSE, NullNode.getInstance())));
  }
}
