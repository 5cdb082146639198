package io.tributary.bench;

import java.util.Arrays;

/**
 * One figure over a benchmark's rounds: its median and its spread (the lowest and highest round),
 * so a noisy machine shows in the figures instead of hiding in them.
 */
record Spread(Number median, Number min, Number max) {
  Spread {
    if (median == null || min == null || max == null) {
      throw new IllegalArgumentException(
          "A spread needs a median, a min and a max: " + median + ", " + min + ", " + max);
    }
  }

  /** Rates and counts: whole numbers. */
  static Spread whole(double... rounds) {
    double[] sorted = sorted(rounds);
    return new Spread(
        Math.round(median(sorted)), Math.round(sorted[0]), Math.round(sorted[sorted.length - 1]));
  }

  /** Ratios and costs: two decimals. */
  static Spread twoDecimals(double... rounds) {
    double[] sorted = sorted(rounds);
    return new Spread(
        Results.round2(median(sorted)),
        Results.round2(sorted[0]),
        Results.round2(sorted[sorted.length - 1]));
  }

  /** The median of {@code rounds}, unrounded. */
  static double medianOf(double... rounds) {
    return median(sorted(rounds));
  }

  private static double[] sorted(double[] rounds) {
    if (rounds.length == 0) {
      throw new IllegalArgumentException("A spread needs at least one round");
    }
    double[] sorted = rounds.clone();
    Arrays.sort(sorted);
    return sorted;
  }

  private static double median(double[] sorted) {
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  @Override
  public String toString() {
    return min.equals(max) ? median.toString() : median + " (" + min + "–" + max + ")";
  }
}
