package io.tributary.experiments;

import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.distribution.TDistribution;
import org.apache.commons.statistics.inference.ChiSquareTest;

/**
 * The statistics of A/B results, from per-variant {@link Moments}: Welch's t-test for means and
 * conversions, the delta method for ratio metrics and for relative differences, CUPED variance
 * reduction with a pre-period covariate, and the chi-square sample-ratio-mismatch check. Intervals
 * are two-sided at {@link #CONFIDENCE}.
 */
public final class Statistics {
  /** The confidence of every interval. */
  public static final double CONFIDENCE = 0.95;

  /** The significance level of the verdicts. */
  public static final double ALPHA = 1 - CONFIDENCE;

  /** Below this p-value the split of exposures does not match the weights. */
  public static final double SRM_ALPHA = 0.001;

  private static final NormalDistribution NORMAL = NormalDistribution.of(0, 1);
  private static final double Z = NORMAL.inverseCumulativeProbability(1 - ALPHA / 2);
  private static final double Z_POWER = NORMAL.inverseCumulativeProbability(0.8);

  private Statistics() {}

  /** An estimate with its interval. */
  public record Interval(double estimate, double low, double high) {}

  /**
   * Treatment against control: each one's value, the absolute difference (treatment - control), the
   * relative difference (treatment / control - 1; null when the control's value is 0) and the
   * two-sided p-value of no difference.
   */
  public record Comparison(
      double control, double treatment, Interval absolute, Interval relative, double pValue) {}

  /** Welch's t-test of the means of {@code y}. */
  public static Comparison welch(Moments control, Moments treatment) {
    requireTwo(control, treatment);
    return welch(
        control.meanY(),
        control.varianceY(),
        control.n(),
        treatment.meanY(),
        treatment.varianceY(),
        treatment.n());
  }

  /**
   * Welch's t-test from each group's mean, sample variance and size; the relative difference's
   * interval by the delta method.
   */
  public static Comparison welch(
      double controlMean,
      double controlVariance,
      long controlN,
      double treatmentMean,
      double treatmentVariance,
      long treatmentN) {
    double vc = controlVariance / controlN;
    double vt = treatmentVariance / treatmentN;
    double diff = treatmentMean - controlMean;
    double se = Math.sqrt(vc + vt);
    Interval absolute;
    double p;
    if (se == 0) {
      absolute = new Interval(diff, diff, diff);
      p = diff == 0 ? 1 : 0;
    } else {
      double df = (vc + vt) * (vc + vt) / (vc * vc / (controlN - 1) + vt * vt / (treatmentN - 1));
      TDistribution t = TDistribution.of(df);
      double q = t.inverseCumulativeProbability(1 - ALPHA / 2);
      absolute = new Interval(diff, diff - q * se, diff + q * se);
      p = Math.min(1, 2 * t.survivalProbability(Math.abs(diff) / se));
    }
    return new Comparison(
        controlMean, treatmentMean, absolute, relative(controlMean, vc, treatmentMean, vt), p);
  }

  /**
   * CUPED: {@code y} adjusted by the covariate {@code x} with one θ = cov(y, x) / var(x) pooled
   * over both groups, then Welch's test of the adjusted means (whose variances are var(y) - 2θ
   * cov(y, x) + θ² var(x)).
   */
  public static Comparison cuped(Moments control, Moments treatment) {
    requireTwo(control, treatment);
    Moments pooled = control.plus(treatment);
    double varianceX = pooled.varianceX();
    double theta = varianceX == 0 ? 0 : pooled.covariance() / varianceX;
    double meanX = pooled.meanX();
    return welch(
        control.meanY() - theta * (control.meanX() - meanX),
        adjustedVariance(control, theta),
        control.n(),
        treatment.meanY() - theta * (treatment.meanX() - meanX),
        adjustedVariance(treatment, theta),
        treatment.n());
  }

  private static double adjustedVariance(Moments m, double theta) {
    return Math.max(0, m.varianceY() - 2 * theta * m.covariance() + theta * theta * m.varianceX());
  }

  /**
   * A ratio metric, sum(y) / sum(x) over the units (likes per listen), compared with the delta
   * method: var(ȳ/x̄) ≈ (var y / x̄² - 2 ȳ cov(y, x) / x̄³ + ȳ² var x / x̄⁴) / n, and a normal
   * test.
   */
  public static Comparison ratio(Moments control, Moments treatment) {
    requireTwo(control, treatment);
    double rc = control.sumY() / control.sumX();
    double rt = treatment.sumY() / treatment.sumX();
    double vc = ratioVariance(control);
    double vt = ratioVariance(treatment);
    double diff = rt - rc;
    double se = Math.sqrt(vc + vt);
    Interval absolute = new Interval(diff, diff - Z * se, diff + Z * se);
    double p = se == 0 ? (diff == 0 ? 1 : 0) : 2 * NORMAL.survivalProbability(Math.abs(diff) / se);
    return new Comparison(rc, rt, absolute, relative(rc, vc, rt, vt), p);
  }

  /** The delta-method variance of sum(y) / sum(x) over one group's units. */
  public static double ratioVariance(Moments m) {
    if (m.sumX() == 0) {
      throw new IllegalArgumentException(
          "A ratio's denominator sums to 0 over " + m.n() + " units");
    }
    double mx = m.meanX();
    double my = m.meanY();
    return Math.max(
            0,
            m.varianceY() / (mx * mx)
                - 2 * my * m.covariance() / (mx * mx * mx)
                + my * my * m.varianceX() / (mx * mx * mx * mx))
        / m.n();
  }

  /**
   * The relative difference {@code t / c - 1} with its delta-method interval, from each estimate
   * and the variance of each estimate; null when {@code c} is 0.
   */
  static Interval relative(double c, double varianceC, double t, double varianceT) {
    if (c == 0) {
      return null;
    }
    double estimate = t / c - 1;
    double se = Math.sqrt(varianceT / (c * c) + t * t * varianceC / (c * c * c * c));
    return new Interval(estimate, estimate - Z * se, estimate + Z * se);
  }

  /**
   * The p-value of the chi-square goodness-of-fit test of the exposures by variant against the
   * configured weights; 1 when there are no exposures.
   */
  public static double sampleRatioPValue(long[] exposures, double[] weights) {
    if (exposures.length != weights.length || exposures.length < 2) {
      throw new IllegalArgumentException(
          exposures.length + " exposure counts for " + weights.length + " weights");
    }
    long total = 0;
    for (long count : exposures) {
      total += count;
    }
    if (total == 0) {
      return 1;
    }
    return ChiSquareTest.withDefaults().test(weights, exposures).getPValue();
  }

  /**
   * The units each variant needs to detect a relative change {@code mde} of the control's mean with
   * 80% power at the significance {@link #ALPHA}, given the control's mean and variance; {@code
   * Long.MAX_VALUE} for a mean of 0.
   */
  public static long requiredUnits(double mean, double variance, double mde) {
    double effect = mde * mean;
    if (effect == 0) {
      return Long.MAX_VALUE;
    }
    double n = 2 * (Z + Z_POWER) * (Z + Z_POWER) * variance / (effect * effect);
    return (long) Math.ceil(n);
  }

  private static void requireTwo(Moments control, Moments treatment) {
    if (control.n() < 2 || treatment.n() < 2) {
      throw new IllegalArgumentException(
          "Too few units to compare: "
              + control.n()
              + " in control and "
              + treatment.n()
              + " in treatment (at least 2 each)");
    }
  }
}
