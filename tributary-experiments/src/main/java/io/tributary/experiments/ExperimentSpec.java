package io.tributary.experiments;

import io.tributary.core.TableId;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An A/B experiment, as code: its variants and their weights (the first is the control), the salt
 * of its sticky bucketing, when it runs, which events count as exposures, and the metrics (and
 * guardrail metrics) its results report.
 *
 * @param salt mixed into the bucketing hash; the name by default, so experiments split users
 *     independently
 * @param unit what is assigned: {@code user}
 * @param minimumDetectableEffect the relative change of the primary metric the experiment is sized
 *     to detect (0.02 = 2%)
 */
public record ExperimentSpec(
    String name,
    String salt,
    String unit,
    List<Variant> variants,
    Optional<Instant> start,
    Optional<Instant> end,
    Exposure exposure,
    List<Metric> metrics,
    List<Metric> guardrails,
    double minimumDetectableEffect,
    String description) {
  public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,99}");

  /** The stream (and table {@code raw.experiment_exposures}) the platform logs exposures into. */
  public static final String EXPOSURE_STREAM = "experiment_exposures";

  public static final TableId EXPOSURE_TABLE = TableId.parse("raw." + EXPOSURE_STREAM);

  /** How far weights may sum from 1. */
  public static final double WEIGHT_TOLERANCE = 1e-9;

  /** One arm of the experiment and the share of units it gets. */
  public record Variant(String name, double weight) {
    public Variant {
      Objects.requireNonNull(name, "name is null");
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "'" + name + "' is not a variant name (use [a-z][a-z0-9_]*)");
      }
      if (!(weight > 0 && weight <= 1)) {
        throw new IllegalArgumentException(
            "Invalid weight of variant " + name + ": " + weight + " (must be in (0, 1])");
      }
    }
  }

  /**
   * The exposure events: rows of {@code table} passing {@code filter} (a SQL condition, empty for
   * all), each naming a unit, the variant it saw and when. A unit's first exposure counts.
   */
  public record Exposure(
      TableId table, String filter, String unitColumn, String variantColumn, String timeColumn) {
    public Exposure {
      Objects.requireNonNull(table, "table is null");
      filter = filter == null ? "" : filter.strip();
      Objects.requireNonNull(unitColumn, "unitColumn is null");
      Objects.requireNonNull(variantColumn, "variantColumn is null");
      Objects.requireNonNull(timeColumn, "timeColumn is null");
    }

    /** The platform's own exposure log, filtered to {@code experiment}. */
    public static Exposure platform(String experiment) {
      return new Exposure(
          EXPOSURE_TABLE, "experiment = '" + experiment + "'", "unit", "variant", "ts");
    }
  }

  /** How a metric's per-unit values are formed and compared. */
  public enum Kind {
    /** 1 if the unit has any event (in the window), else 0; Welch's test of the rates. */
    CONVERSION,
    /** The sum of the unit's {@code value}s (0 without events); Welch's test of the means. */
    MEAN,
    /** sum({@code numerator}) / sum({@code denominator}) over units; the delta method. */
    RATIO;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A metric: a SELECT over lake tables giving a {@code unit} column and, by kind, {@code value}
   * (mean) or {@code numerator} and {@code denominator} (ratio), plus a {@code ts} column when
   * {@code window} is set: then only events in [first exposure, first exposure + window) count;
   * without a window, every event of an exposed unit counts.
   *
   * @param covariate for CUPED: a SELECT giving {@code unit} and {@code value} of the pre-period
   *     (summed by unit; units without rows get 0)
   */
  public record Metric(
      String name,
      Kind kind,
      String sql,
      Optional<Duration> window,
      Optional<String> covariate,
      boolean higherIsBetter) {
    public Metric {
      Objects.requireNonNull(name, "name is null");
      Objects.requireNonNull(kind, "kind is null");
      Objects.requireNonNull(sql, "sql is null");
      Objects.requireNonNull(window, "window is null");
      Objects.requireNonNull(covariate, "covariate is null");
      if (covariate.isPresent() && kind == Kind.RATIO) {
        throw new IllegalArgumentException(
            "Metric " + name + ": a covariate (CUPED) applies to mean and conversion metrics only");
      }
    }
  }

  public ExperimentSpec {
    Objects.requireNonNull(name, "name is null");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "'" + name + "' is not an experiment name (use [a-z][a-z0-9_]*)");
    }
    salt = salt == null || salt.isEmpty() ? name : salt;
    Objects.requireNonNull(unit, "unit is null");
    variants = List.copyOf(variants);
    if (variants.size() < 2) {
      throw new IllegalArgumentException(
          "Experiment " + name + " needs at least two variants (the first is the control)");
    }
    checkWeights(name, variants);
    Objects.requireNonNull(start, "start is null");
    Objects.requireNonNull(end, "end is null");
    if (start.isPresent() && end.isPresent() && !end.get().isAfter(start.get())) {
      throw new IllegalArgumentException(
          "Experiment "
              + name
              + " ends ("
              + end.get()
              + ") before it starts ("
              + start.get()
              + ")");
    }
    Objects.requireNonNull(exposure, "exposure is null");
    metrics = List.copyOf(metrics);
    guardrails = List.copyOf(guardrails);
    if (metrics.isEmpty()) {
      throw new IllegalArgumentException("Experiment " + name + " needs at least one metric");
    }
    Set<String> names = new HashSet<>();
    for (Metric metric : allMetrics(metrics, guardrails)) {
      if (!names.add(metric.name())) {
        throw new IllegalArgumentException(
            "Experiment " + name + ": metric name '" + metric.name() + "' is used twice");
      }
    }
    if (!(minimumDetectableEffect > 0 && minimumDetectableEffect < 10)) {
      throw new IllegalArgumentException(
          "Invalid minimum detectable effect: "
              + minimumDetectableEffect
              + " (a relative change, e.g. 0.02 for 2%)");
    }
    description = description == null ? "" : description;
  }

  private static List<Metric> allMetrics(List<Metric> metrics, List<Metric> guardrails) {
    return java.util.stream.Stream.concat(metrics.stream(), guardrails.stream()).toList();
  }

  /** The metrics, then the guardrails. */
  public List<Metric> allMetrics() {
    return allMetrics(metrics, guardrails);
  }

  /** The control: the first variant. */
  public Variant control() {
    return variants.get(0);
  }

  /** The variant weights, in order. */
  public List<Double> weights() {
    return variants.stream().map(Variant::weight).toList();
  }

  /** The variant names, in order. */
  public List<String> variantNames() {
    return variants.stream().map(Variant::name).toList();
  }

  /** Whether it runs at {@code now}: started (or no start) and not ended. */
  public boolean inWindow(Instant now) {
    return start.map(s -> !now.isBefore(s)).orElse(true) && end.map(now::isBefore).orElse(true);
  }

  /** The variant of {@code unit} by sticky bucketing. */
  public String assign(String unitId) {
    return variants
        .get(
            io.tributary.spi.Assignments.pick(
                io.tributary.spi.Assignments.bucket(salt, unitId), weights()))
        .name();
  }

  private static void checkWeights(String name, List<Variant> variants) {
    double sum = 0;
    Set<String> seen = new HashSet<>();
    for (Variant variant : variants) {
      sum += variant.weight();
      if (!seen.add(variant.name())) {
        throw new IllegalArgumentException(
            "Experiment " + name + ": variant '" + variant.name() + "' is listed twice");
      }
    }
    if (Math.abs(sum - 1) > WEIGHT_TOLERANCE) {
      StringBuilder weights = new StringBuilder();
      for (Variant variant : variants) {
        weights.append(weights.length() == 0 ? "" : " + ");
        weights.append(variant.name()).append(' ').append(variant.weight());
      }
      throw new IllegalArgumentException(
          "The weights of experiment "
              + name
              + " sum to "
              + sum
              + ", not 1: "
              + weights
              + " (within "
              + WEIGHT_TOLERANCE
              + ")");
    }
  }
}
