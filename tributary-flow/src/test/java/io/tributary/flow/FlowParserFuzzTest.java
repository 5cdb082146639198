package io.tributary.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Seeded fuzzing of flow definitions: any text either parses into a valid flow or is refused with a
 * {@link FlowDefinitionException} naming the source, never another exception.
 */
class FlowParserFuzzTest {
  private static final FlowParser PARSER =
      new FlowParser(
          FlowChecks.of(
              table -> !table.name().equals("gone"),
              (sql, produced) -> {
                if (!sql.strip().startsWith("SELECT")) {
                  throw new InvalidInputException(
                      ErrorCode.QUERY_ERROR, "Parser Error: not a SELECT");
                }
                if (sql.contains("raw.gone")) {
                  throw new InvalidInputException(
                      ErrorCode.QUERY_ERROR, "Catalog Error: Table with name gone does not exist!");
                }
              }));

  private static final List<String> LINES =
      List.of(
          "name: f",
          "name: 'Bad Name'",
          "schedule: \"@daily\"",
          "schedule: \"61 * * * *\"",
          "schedule: every 0s",
          "schedule: [1, 2]",
          "timezone: Europe/Paris",
          "timezone: 3",
          "start-date: 2024-01-01",
          "start-date: yesterday",
          "catchup: maybe",
          "max-active-runs: -1",
          "params: { a: b }",
          "params: [a]",
          "triggers: [{ table: raw.x }]",
          "triggers: [raw.x]",
          "triggers: [{ table: raw.gone }]",
          "triggers: [{ table: raw.x, min-rows: 100, min-files: 2 }]",
          "triggers: [{ table: raw.x, min-rows: lots }]",
          "defaults: { retries: 2, timeout: 0s }",
          "defaults: { retries: { attempts: 0 } }",
          "tasks:",
          "  - { id: a, type: sql, sql: 'SELECT {{ ds }}', target: t.x }",
          "  - { id: b, type: http, url: 'http://h/{{ nope }}', depends-on: a }",
          "  - { id: c, type: maintain, table: raw.x, depends-on: [c] }",
          "  - { id: A, type: spark }",
          "  - { id: e, type: spark, sql: 'SELECT 1', target: t.y, master: 'local[2]' }",
          "  - { id: f, type: sql, sql: 'SELECT * FROM raw.gone', target: t.z }",
          "  - { id: g, type: java, class: com.acme.T, options: { a: '{{ ds }}' } }",
          "  - { id: h, type: java, class: '1bad' }",
          "  - { id: i, type: crawl, crawler: landing }",
          "  - { id: j, type: crawl }",
          "  - id: d",
          "    type: http",
          "    url: ftp://h/",
          "    retries: { attempts: 2, delay: 5m, max-delay: 1m }",
          "  - []",
          "  - 7",
          "tasks: {}",
          "{",
          "]: x",
          "  key: : value",
          "\t- tab");

  @Provide
  Arbitrary<String> documents() {
    return Arbitraries.of(LINES).list().ofMaxSize(12).map(lines -> String.join("\n", lines));
  }

  @Property(tries = 2000, seed = "1312")
  void anyTextParsesOrIsRefusedWithItsSource(@ForAll("documents") String text) {
    try {
      FlowSpec spec = PARSER.parse(text, "fuzz.yaml", "f");
      assertThat(spec.tasks()).isNotEmpty();
    } catch (FlowDefinitionException e) {
      assertThat(e.getMessage()).startsWith("Invalid flow fuzz.yaml");
    }
  }
}
