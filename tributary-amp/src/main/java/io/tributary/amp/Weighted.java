package io.tributary.amp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** An immutable list of choices with relative weights, sampled with a given random source. */
final class Weighted<T> {
  private final List<T> items;
  private final double[] cumulative;

  private Weighted(List<T> items, double[] cumulative) {
    this.items = List.copyOf(items);
    this.cumulative = cumulative;
  }

  /** Builds from the items and their weights, in the same order. */
  static <T> Weighted<T> of(List<T> items, double... weights) {
    if (items.isEmpty() || items.size() != weights.length) {
      throw new IllegalArgumentException(
          "Invalid weighted choices: " + items.size() + " items, " + weights.length + " weights");
    }
    double[] cumulative = new double[weights.length];
    double sum = 0;
    for (int i = 0; i < weights.length; i++) {
      sum += weights[i];
      cumulative[i] = sum;
    }
    return new Weighted<>(items, cumulative);
  }

  /** Zipf-like weights {@code 1/rank^exponent} over the items in rank order. */
  static <T> Weighted<T> zipf(List<T> itemsByRank, double exponent) {
    double[] weights = new double[itemsByRank.size()];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = 1 / Math.pow(i + 1, exponent);
    }
    return of(new ArrayList<>(itemsByRank), weights);
  }

  T pick(SplittableRandom random) {
    double u = random.nextDouble() * cumulative[cumulative.length - 1];
    int i = Arrays.binarySearch(cumulative, u);
    return items.get(Math.min(i < 0 ? -i - 1 : i + 1, items.size() - 1));
  }
}
