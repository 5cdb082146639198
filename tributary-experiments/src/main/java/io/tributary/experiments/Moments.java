package io.tributary.experiments;

/**
 * The sufficient statistics of one variant, computed by the lake in SQL: the number of units and
 * the sums over them of a per-unit value {@code y}, its square, and of a second per-unit value
 * {@code x} (a ratio metric's denominator, or the CUPED covariate), its square and the cross term.
 */
public record Moments(long n, double sumY, double sumYY, double sumX, double sumXX, double sumXY) {
  public Moments {
    if (n < 0) {
      throw new IllegalArgumentException("Invalid unit count: " + n + " (< 0)");
    }
  }

  /** Statistics of {@code y} alone. */
  public static Moments of(long n, double sumY, double sumYY) {
    return new Moments(n, sumY, sumYY, 0, 0, 0);
  }

  /** These and {@code other} together. */
  public Moments plus(Moments other) {
    return new Moments(
        n + other.n,
        sumY + other.sumY,
        sumYY + other.sumYY,
        sumX + other.sumX,
        sumXX + other.sumXX,
        sumXY + other.sumXY);
  }

  public double meanY() {
    return sumY / n;
  }

  public double meanX() {
    return sumX / n;
  }

  /** The sample variance of {@code y} (n - 1 in the denominator). */
  public double varianceY() {
    return Math.max(0, (sumYY - sumY * sumY / n) / (n - 1));
  }

  /** The sample variance of {@code x}. */
  public double varianceX() {
    return Math.max(0, (sumXX - sumX * sumX / n) / (n - 1));
  }

  /** The sample covariance of {@code y} and {@code x}. */
  public double covariance() {
    return (sumXY - sumX * sumY / n) / (n - 1);
  }
}
