package io.tributary.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code pools:} of a flow and {@code pool:} of its tasks. */
class PoolsParsingTest {
  private static final FlowParser PARSER = new FlowParser(sql -> {});

  private static FlowSpec parse(String yaml) {
    return PARSER.parse(yaml, "flows/x.yaml", "x");
  }

  @Test
  void aTaskNamesItsPoolAndAFlowDeclaresPoolsWithTheirSlots() {
    FlowSpec spec =
        parse(
            "pools: { spark: 2, api: 5 }\ntasks:\n"
                + "  - { id: a, type: http, url: \"http://h/a\", pool: spark }\n"
                + "  - { id: b, type: http, url: \"http://h/b\" }\n");

    assertThat(spec.pools()).isEqualTo(Map.of("spark", 2, "api", 5));
    assertThat(spec.task("a").orElseThrow().pool()).isEqualTo("spark");
    assertThat(spec.task("b").orElseThrow().pool()).isEqualTo(TaskSpec.DEFAULT_POOL);
  }

  @Test
  void badPoolsAreRefusedWithTheirLineAndKey() {
    String task = "tasks:\n  - { id: a, type: http, url: \"http://h/a\" }\n";
    assertThatThrownBy(() -> parse("pools: { spark: 0 }\n" + task))
        .isInstanceOf(FlowDefinitionException.class)
        .hasMessageContaining("pools.spark")
        .hasMessageContaining("'0' is not a number of slots");
    assertThatThrownBy(() -> parse("pools: { Spark: 1 }\n" + task))
        .hasMessageContaining("pools.Spark")
        .hasMessageContaining("not a valid pool name");
    assertThatThrownBy(() -> parse("pools: { spark: many }\n" + task))
        .hasMessageContaining("'many' is not a number of slots");
  }

  @Test
  void aPoolNameMustBeAnIdentifier() {
    assertThatThrownBy(
            () -> parse("tasks:\n  - { id: a, type: http, url: \"http://h/a\", pool: Big }\n"))
        .hasMessageContaining("Invalid pool 'Big' of task a");
  }
}
