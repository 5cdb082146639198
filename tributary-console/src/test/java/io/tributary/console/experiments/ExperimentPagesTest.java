package io.tributary.console.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.experiments.ExperimentResults.Verdict;
import io.tributary.experiments.Statistics.Interval;
import org.junit.jupiter.api.Test;

class ExperimentPagesTest {
  @Test
  void numbersKeepFourSignificantDigitsWithoutDroppingIntegerZeros() {
    assertThat(ExperimentPages.number(1000)).isEqualTo("1000");
    assertThat(ExperimentPages.number(120)).isEqualTo("120");
    assertThat(ExperimentPages.number(0.5)).isEqualTo("0.5");
    assertThat(ExperimentPages.number(2.0)).isEqualTo("2");
    assertThat(ExperimentPages.number(0)).isEqualTo("0");
    assertThat(ExperimentPages.number(0.123456)).isEqualTo("0.1235");
    assertThat(ExperimentPages.number(2.96e-21)).isEqualTo("2.96e-21");
    assertThat(ExperimentPages.number(Double.NaN)).isEqualTo("—");
  }

  @Test
  void intervalsShowTheEstimateAndTheBounds() {
    assertThat(ExperimentPages.interval(new Interval(2, 1.5, 2.5), false))
        .isEqualTo("2 [1.5, 2.5]");
    assertThat(ExperimentPages.interval(new Interval(0.2, 0.1, 0.3), true))
        .isEqualTo("20% [10%, 30%]");
    assertThat(ExperimentPages.interval(null, true)).isEqualTo("—");
  }

  @Test
  void verdictsHaveAColour() {
    assertThat(ExperimentPages.verdictClass(Verdict.SIGNIFICANT_WIN)).isEqualTo("ok");
    assertThat(ExperimentPages.verdictClass(Verdict.SIGNIFICANT_LOSS)).isEqualTo("error");
    assertThat(ExperimentPages.verdictClass(Verdict.SRM)).isEqualTo("error");
    assertThat(ExperimentPages.verdictClass(Verdict.INCONCLUSIVE)).isEqualTo("muted");
  }
}
