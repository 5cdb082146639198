package io.tributary.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.experiments.ExperimentResults.Verdict;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnalysisTest {
  private static final Instant NOW = Instant.parse("2026-12-05T00:00:00Z");

  private static Map<String, Map<String, Moments>> metrics(Moments control, Moments treatment) {
    Map<String, Moments> byVariant = Map.of("control", control, "recommended", treatment);
    return Map.of(
        "follow_rate", byVariant,
        "listen_minutes", byVariant,
        "likes_per_listen",
            Map.of(
                "control", new Moments(control.n(), 10, 20, control.n(), control.n(), 10),
                "recommended",
                    new Moments(treatment.n(), 10, 20, treatment.n(), treatment.n(), 10)));
  }

  @Test
  void aVariantWithoutExposuresGivesAVerdictNotNaN() {
    ExperimentResults results =
        Analysis.analyze(
            Specs.follows(),
            Map.of("control", 500L),
            Map.of("follow_rate", Map.of("control", Moments.of(500, 50, 50))),
            Map.of(),
            NOW);
    assertThat(results.verdict()).isEqualTo(Verdict.NO_EXPOSURES);
    assertThat(results.summary()).contains("recommended (0)");
    assertThat(results.metrics().get(0).error()).contains("0 in treatment");
    assertThat(results.metrics().get(0).values())
        .allSatisfy(v -> assertThat(Double.isNaN(v.value())).isFalse());
  }

  @Test
  void aSampleRatioMismatchOverridesTheMetrics() {
    ExperimentResults results =
        Analysis.analyze(
            Specs.follows(),
            Map.of("control", 4500L, "recommended", 5500L),
            metrics(Moments.of(4500, 450, 450), Moments.of(5500, 700, 700)),
            Map.of("raw.follows", 7L),
            NOW);
    assertThat(results.sampleRatio().mismatch()).isTrue();
    assertThat(results.verdict()).isEqualTo(Verdict.SRM);
    assertThat(results.verdict().label()).isEqualTo("SRM - do not trust");
    assertThat(results.snapshots()).containsEntry("raw.follows", 7L);
  }

  @Test
  void aClearLiftIsASignificantWinAndADropASignificantLoss() {
    Map<String, Long> exposures = Map.of("control", 10_000L, "recommended", 10_000L);
    ExperimentResults win =
        Analysis.analyze(
            Specs.follows(),
            exposures,
            metrics(Moments.of(10_000, 1000, 1000), Moments.of(10_000, 1300, 1300)),
            Map.of(),
            NOW);
    assertThat(win.verdict()).isEqualTo(Verdict.SIGNIFICANT_WIN);
    assertThat(win.metrics().get(0).differences().get(0).relative().estimate())
        .isCloseTo(0.3, org.assertj.core.api.Assertions.within(1e-9));
    ExperimentResults loss =
        Analysis.analyze(
            Specs.follows(),
            exposures,
            metrics(Moments.of(10_000, 1300, 1300), Moments.of(10_000, 1000, 1000)),
            Map.of(),
            NOW);
    assertThat(loss.verdict()).isEqualTo(Verdict.SIGNIFICANT_LOSS);
    ExperimentResults flat =
        Analysis.analyze(
            Specs.follows(),
            exposures,
            metrics(Moments.of(10_000, 1000, 1000), Moments.of(10_000, 1010, 1010)),
            Map.of(),
            NOW);
    assertThat(flat.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(flat.summary()).contains("units per variant");
  }
}
