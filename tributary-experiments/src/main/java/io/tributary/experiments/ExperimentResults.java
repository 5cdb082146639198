package io.tributary.experiments;

import com.fasterxml.jackson.annotation.JsonValue;
import io.tributary.experiments.Statistics.Interval;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An experiment's results at one moment: exposures by variant, the sample-ratio-mismatch check,
 * each metric's value by variant and its difference from the control, a plain verdict, and the
 * snapshot id of every lake table read.
 */
public record ExperimentResults(
    String experiment,
    Instant computedAt,
    String control,
    List<VariantExposures> exposures,
    SampleRatio sampleRatio,
    List<MetricResult> metrics,
    Verdict verdict,
    String summary,
    Map<String, Long> snapshots) {
  public ExperimentResults {
    exposures = List.copyOf(exposures);
    metrics = List.copyOf(metrics);
    snapshots = Map.copyOf(snapshots);
  }

  /** What the results say, in plain words. */
  public enum Verdict {
    SIGNIFICANT_WIN("significant win"),
    SIGNIFICANT_LOSS("significant loss"),
    INCONCLUSIVE("inconclusive"),
    /** The split of exposures does not match the weights: the assignment or logging is broken. */
    SRM("SRM - do not trust"),
    /** A variant has no exposures (or too few units to estimate a variance): nothing to compare. */
    NO_EXPOSURES("no exposures");

    private final String label;

    Verdict(String label) {
      this.label = label;
    }

    @JsonValue
    public String label() {
      return label;
    }
  }

  /** The units first exposed in one variant, against its configured weight. */
  public record VariantExposures(String variant, double weight, long units, double share) {}

  /** The chi-square goodness-of-fit test of exposures against the weights. */
  public record SampleRatio(double pValue, boolean mismatch) {}

  /** One variant's value of a metric over its exposed units. */
  public record VariantValue(String variant, long units, double value) {}

  /** A treatment variant against the control. */
  public record Difference(
      String variant, Interval absolute, Interval relative, double pValue, Verdict verdict) {}

  /**
   * One metric: its value by variant, each treatment's difference from the control (CUPED-adjusted
   * when {@code cuped}), and the units per variant needed to detect the minimum detectable effect
   * with 80% power (null when it cannot be told).
   */
  public record MetricResult(
      String metric,
      String kind,
      boolean guardrail,
      boolean cuped,
      List<VariantValue> values,
      List<Difference> differences,
      Long requiredUnitsPerVariant,
      String error) {
    public MetricResult {
      values = List.copyOf(values);
      differences = List.copyOf(differences);
    }
  }
}
