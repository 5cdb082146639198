package io.tributary.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.statistics.inference.TTest;
import org.junit.jupiter.api.Test;

class StatisticsTest {
  // Welch's t-test, example 1 of the Wikipedia article: t = 2.46, df = 24.99, p = 0.021
  private static final double[] A1 = {
    27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4
  };
  private static final double[] A2 = {
    27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4
  };

  static Moments moments(double[] values) {
    double sum = Arrays.stream(values).sum();
    double squares = Arrays.stream(values).map(v -> v * v).sum();
    return Moments.of(values.length, sum, squares);
  }

  @Test
  void welchMatchesTheTextbookExampleAndCommonsStatistics() {
    Statistics.Comparison c = Statistics.welch(moments(A1), moments(A2));
    assertThat(c.pValue()).isCloseTo(0.021, within(0.001));
    assertThat(c.pValue()).isCloseTo(TTest.withDefaults().test(A2, A1).getPValue(), within(1e-9));
    double meanDiff =
        Arrays.stream(A2).average().orElseThrow() - Arrays.stream(A1).average().orElseThrow();
    assertThat(c.absolute().estimate()).isCloseTo(meanDiff, within(1e-12));
    // t = 2.46 with df ~ 25: the interval excludes 0, just
    assertThat(c.absolute().low()).isPositive();
    double se = meanDiff / 2.46;
    assertThat(c.absolute().high() - c.absolute().estimate()).isCloseTo(2.06 * se, within(0.02));
  }

  @Test
  void deltaMethodVarianceOfARatioMatchesSimulation() {
    SplittableRandom random = new SplittableRandom(42);
    int units = 2000;
    int runs = 1000;
    double[] ratios = new double[runs];
    double predicted = 0;
    for (int r = 0; r < runs; r++) {
      double sy = 0, syy = 0, sx = 0, sxx = 0, sxy = 0;
      for (int u = 0; u < units; u++) {
        int listens = 1 + random.nextInt(7); // 1..7 listens
        int likes = 0;
        for (int l = 0; l < listens; l++) {
          likes += random.nextDouble() < 0.1 + 0.02 * (listens % 3) ? 1 : 0;
        }
        sy += likes;
        syy += likes * likes;
        sx += listens;
        sxx += listens * listens;
        sxy += likes * listens;
      }
      Moments m = new Moments(units, sy, syy, sx, sxx, sxy);
      ratios[r] = sy / sx;
      predicted += Statistics.ratioVariance(m) / runs;
    }
    double mean = Arrays.stream(ratios).average().orElseThrow();
    double empirical = Arrays.stream(ratios).map(v -> (v - mean) * (v - mean)).sum() / (runs - 1);
    assertThat(predicted / empirical).isCloseTo(1.0, within(0.1));
  }

  /** Bernoulli(p) outcomes of n units as sufficient statistics. */
  private static Moments conversions(SplittableRandom random, int n, double p) {
    long successes = 0;
    for (int i = 0; i < n; i++) {
      successes += random.nextDouble() < p ? 1 : 0;
    }
    return Moments.of(n, successes, successes);
  }

  @Test
  void aKnownThreePercentLiftOnFollowsIsInsideTheIntervals() {
    double control = 0.10;
    double lift = 0.03;
    int covered = 0;
    int runs = 100;
    SplittableRandom random = new SplittableRandom(7);
    for (int r = 0; r < runs; r++) {
      Statistics.Comparison c =
          Statistics.welch(
              conversions(random, 200_000, control),
              conversions(random, 200_000, control * (1 + lift)));
      if (c.relative().low() <= lift && lift <= c.relative().high()) {
        covered++;
      }
      if (r == 0) {
        assertThat(c.relative().low()).isLessThanOrEqualTo(lift);
        assertThat(c.relative().high()).isGreaterThanOrEqualTo(lift);
        assertThat(c.absolute().low()).isLessThanOrEqualTo(control * lift);
        assertThat(c.absolute().high()).isGreaterThanOrEqualTo(control * lift);
      }
    }
    assertThat(covered).isBetween(90, 99);
  }

  @Test
  void anATestOverTwoHundredRunsHasAFivePercentFalsePositiveRate() {
    SplittableRandom random = new SplittableRandom(2024);
    int positives = 0;
    int runs = 200;
    for (int r = 0; r < runs; r++) {
      Moments a = minutes(random, 1000);
      Moments b = minutes(random, 1000);
      if (Statistics.welch(a, b).pValue() < Statistics.ALPHA) {
        positives++;
      }
    }
    assertThat(positives / (double) runs).isCloseTo(0.05, within(0.03));
  }

  /** Listen minutes: skewed (exponential, mean 30). */
  private static Moments minutes(SplittableRandom random, int n) {
    double sum = 0, squares = 0;
    for (int i = 0; i < n; i++) {
      double v = -30 * Math.log(1 - random.nextDouble());
      sum += v;
      squares += v * v;
    }
    return Moments.of(n, sum, squares);
  }

  @Test
  void aFortyFiveFiftyFiveSplitOfAFiftyFiftyExperimentIsASampleRatioMismatch() {
    double[] weights = {0.5, 0.5};
    assertThat(Statistics.sampleRatioPValue(new long[] {4500, 5500}, weights))
        .isLessThan(Statistics.SRM_ALPHA);
    assertThat(Statistics.sampleRatioPValue(new long[] {5020, 4980}, weights)).isGreaterThan(0.5);
    // the weights are taken as shares of the observed total
    assertThat(Statistics.sampleRatioPValue(new long[] {2000, 8000}, new double[] {0.2, 0.8}))
        .isCloseTo(1.0, within(1e-9));
    assertThat(Statistics.sampleRatioPValue(new long[] {0, 0}, weights)).isEqualTo(1.0);
  }

  @Test
  void cupedNarrowsTheIntervalAndStillCoversTheTruth() {
    SplittableRandom random = new SplittableRandom(11);
    double effect = 0.5;
    Moments control = cupedGroup(random, 5000, 0);
    Moments treatment = cupedGroup(random, 5000, effect);
    Statistics.Comparison plain = Statistics.welch(control, treatment);
    Statistics.Comparison cuped = Statistics.cuped(control, treatment);
    double plainWidth = plain.absolute().high() - plain.absolute().low();
    double cupedWidth = cuped.absolute().high() - cuped.absolute().low();
    assertThat(cupedWidth).isLessThan(plainWidth * 0.6);
    assertThat(cuped.absolute().low()).isLessThanOrEqualTo(effect);
    assertThat(cuped.absolute().high()).isGreaterThanOrEqualTo(effect);
  }

  /** y = pre-period x + noise (+ effect): x explains most of y's variance. */
  private static Moments cupedGroup(SplittableRandom random, int n, double effect) {
    double sy = 0, syy = 0, sx = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < n; i++) {
      double x = 10 + 5 * gaussian(random);
      double y = x + effect + 2 * gaussian(random);
      sy += y;
      syy += y * y;
      sx += x;
      sxx += x * x;
      sxy += x * y;
    }
    return new Moments(n, sy, syy, sx, sxx, sxy);
  }

  private static double gaussian(SplittableRandom random) {
    return Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
        * Math.cos(2 * Math.PI * random.nextDouble());
  }

  @Test
  void theRequiredSampleFollowsTheTextbookFormula() {
    // p = 0.1, 5% relative lift: 2 * (1.96 + 0.84)^2 * 0.09 / 0.005^2 ~ 56,500
    assertThat(Statistics.requiredUnits(0.1, 0.09, 0.05)).isBetween(56_000L, 57_000L);
    assertThat(Statistics.requiredUnits(0, 1, 0.05)).isEqualTo(Long.MAX_VALUE);
  }
}
