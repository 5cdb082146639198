package io.tributary.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.TableId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ExperimentParserTest {
  /** A lake with raw.follows, raw.listens and raw.listens_before only. */
  private static final ExperimentParser.LakeCheck LAKE =
      new ExperimentParser.LakeCheck() {
        @Override
        public void plan(String sql) {
          for (String word : sql.split("[\\s,()]+")) {
            if (word.startsWith("raw.") && !exists(TableId.parse(word))) {
              throw new InvalidInputException(
                  ErrorCode.QUERY_ERROR,
                  "Catalog Error: Table with name " + word + " does not exist!");
            }
          }
        }

        @Override
        public boolean exists(TableId table) {
          return List.of("follows", "listens", "listens_before").contains(table.name());
        }
      };

  private static ExperimentSpec parse(String text) {
    return new ExperimentParser(LAKE).parse(text, "experiments/shows.yaml", "shows");
  }

  @Test
  void readsAFullDefinition() {
    ExperimentSpec spec = parse(Specs.FOLLOWS);
    assertThat(spec.salt()).isEqualTo("shows");
    assertThat(spec.variantNames()).containsExactly("control", "recommended");
    assertThat(spec.exposure()).isEqualTo(ExperimentSpec.Exposure.platform("shows"));
    assertThat(spec.metrics()).hasSize(2);
    assertThat(spec.metrics().get(0).window()).contains(Duration.ofDays(7));
    assertThat(spec.metrics().get(1).covariate()).isPresent();
    assertThat(spec.guardrails().get(0).kind()).isEqualTo(ExperimentSpec.Kind.RATIO);
    assertThat(spec.minimumDetectableEffect()).isEqualTo(0.03);
  }

  @Test
  void weightsThatDoNotSumToOneAreNamed() {
    String text =
        Specs.FOLLOWS.replace(
            "weight: 0.5\n  - name: recommended", "weight: 0.4\n  - name: recommended");
    assertThatThrownBy(() -> parse(text))
        .isInstanceOf(ExperimentDefinitionException.class)
        .hasMessageContaining("experiments/shows.yaml, line 3, key variants")
        .hasMessageContaining("sum to 0.9")
        .hasMessageContaining("control 0.4 + recommended 0.5");
  }

  @Test
  void aMetricOverAnUnknownTableIsRefusedWithItsKeyAndLine() {
    String text = Specs.FOLLOWS.replace("FROM raw.follows", "FROM raw.folows");
    assertThatThrownBy(() -> parse(text))
        .isInstanceOf(ExperimentDefinitionException.class)
        .hasMessageContaining("line 12, key metrics[0].sql")
        .hasMessageContaining("raw.folows does not exist");
  }

  @Test
  void unknownKeysAndBadValuesAreRefusedWithTheirLine() {
    assertThatThrownBy(() -> parse(Specs.FOLLOWS.replace("minimum-detectable-effect", "mde")))
        .hasMessageContaining("line 8, key mde: unknown key");
    assertThatThrownBy(() -> parse(Specs.FOLLOWS.replace("window: 7d", "window: 7 days")))
        .hasMessageContaining("key metrics[0].window: '7 days'");
    assertThatThrownBy(() -> parse(Specs.FOLLOWS.replace("kind: mean", "kind: median")))
        .hasMessageContaining("key metrics[1].kind");
    assertThatThrownBy(() -> parse(Specs.FOLLOWS.replace("name: shows", "name: other")))
        .hasMessageContaining("differs from the experiment's name 'shows'");
  }

  /** Cutting or damaging a valid definition anywhere gives a definition error, never a crash. */
  @Property(tries = 200, seed = "20261205")
  void damagedDefinitionsFailCleanly(@ForAll @IntRange(min = 0, max = 100_000) int seed) {
    Random random = new Random(seed);
    List<String> lines = new ArrayList<>(List.of(Specs.FOLLOWS.split("\n")));
    int edits = 1 + random.nextInt(3);
    for (int i = 0; i < edits && !lines.isEmpty(); i++) {
      int at = random.nextInt(lines.size());
      switch (random.nextInt(3)) {
        case 0 -> lines.remove(at);
        case 1 ->
            lines.set(at, lines.get(at).replaceAll("[0-9]", String.valueOf(random.nextInt(10))));
        default ->
            lines.set(at, lines.get(at).substring(0, random.nextInt(lines.get(at).length() + 1)));
      }
    }
    String text = String.join("\n", lines);
    try {
      parse(text);
    } catch (InvalidInputException e) {
      assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_EXPERIMENT);
      assertThat(e.getMessage()).startsWith("Invalid experiment experiments/shows.yaml");
    }
  }
}
