package io.tributary.bench;

/**
 * Two phases measured alternately (A, B, A, B, ...) for a fixed number of rounds, so that a noisy,
 * shared machine weighs on both alike: each side's figures over the rounds, and their ratio taken
 * within each round, as {@link Spread}s (median and min–max).
 */
final class Rounds {
  /** One side of the comparison: its figure (a rate) in round {@code round}, counted from 1. */
  @FunctionalInterface
  interface Side {
    double measure(int round) throws Exception;
  }

  private final double[] a;
  private final double[] b;

  private Rounds(double[] a, double[] b) {
    this.a = a;
    this.b = b;
  }

  /** Measures {@code a} then {@code b} in each of {@code rounds} rounds. */
  static Rounds alternate(int rounds, Side a, Side b) throws Exception {
    if (rounds < 1) {
      throw new IllegalArgumentException("--rounds must be at least 1, not " + rounds);
    }
    double[] first = new double[rounds];
    double[] second = new double[rounds];
    for (int round = 1; round <= rounds; round++) {
      first[round - 1] = a.measure(round);
      second[round - 1] = b.measure(round);
    }
    return new Rounds(first, second);
  }

  /** Side A's figures, whole numbers. */
  Spread a() {
    return Spread.whole(a);
  }

  /** Side B's figures, whole numbers. */
  Spread b() {
    return Spread.whole(b);
  }

  /** Side A's figures, two decimals. */
  Spread aTwoDecimals() {
    return Spread.twoDecimals(a);
  }

  /** Side B's figures, two decimals. */
  Spread bTwoDecimals() {
    return Spread.twoDecimals(b);
  }

  /** A over B, taken within each round. */
  Spread ratio() {
    double[] ratios = new double[a.length];
    for (int round = 0; round < a.length; round++) {
      ratios[round] = a[round] / b[round];
    }
    return Spread.twoDecimals(ratios);
  }
}
