package io.tributary.experiments;

import io.tributary.experiments.ExperimentResults.Difference;
import io.tributary.experiments.ExperimentResults.MetricResult;
import io.tributary.experiments.ExperimentResults.SampleRatio;
import io.tributary.experiments.ExperimentResults.VariantExposures;
import io.tributary.experiments.ExperimentResults.VariantValue;
import io.tributary.experiments.ExperimentResults.Verdict;
import io.tributary.experiments.ExperimentSpec.Kind;
import io.tributary.experiments.ExperimentSpec.Metric;
import io.tributary.experiments.ExperimentSpec.Variant;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns the lake's per-variant sufficient statistics into {@link ExperimentResults}. The overall
 * verdict: {@code SRM} when exposures do not match the weights (p &lt; 0.001), {@code no exposures}
 * when a variant has fewer than two units, else a significant loss on any guardrail, else the
 * primary (first) metric's verdict for the first treatment.
 */
public final class Analysis {
  private Analysis() {}

  /**
   * @param exposures first exposures by variant
   * @param moments by metric name, by variant
   * @param snapshots the snapshot id of each table read
   */
  public static ExperimentResults analyze(
      ExperimentSpec spec,
      Map<String, Long> exposures,
      Map<String, Map<String, Moments>> moments,
      Map<String, Long> snapshots,
      Instant now) {
    List<Variant> variants = spec.variants();
    long[] counts = new long[variants.size()];
    double[] weights = new double[variants.size()];
    long total = 0;
    for (int i = 0; i < variants.size(); i++) {
      counts[i] = exposures.getOrDefault(variants.get(i).name(), 0L);
      weights[i] = variants.get(i).weight();
      total += counts[i];
    }
    List<VariantExposures> exposureViews = new ArrayList<>();
    for (int i = 0; i < variants.size(); i++) {
      exposureViews.add(
          new VariantExposures(
              variants.get(i).name(),
              weights[i],
              counts[i],
              total == 0 ? 0 : (double) counts[i] / total));
    }
    double srmP = Statistics.sampleRatioPValue(counts, weights);
    SampleRatio srm = new SampleRatio(srmP, srmP < Statistics.SRM_ALPHA);
    List<String> empty = new ArrayList<>();
    for (int i = 0; i < variants.size(); i++) {
      if (counts[i] < 2) {
        empty.add(variants.get(i).name() + " (" + counts[i] + ")");
      }
    }
    List<MetricResult> results = new ArrayList<>();
    for (Metric metric : spec.allMetrics()) {
      boolean guardrail = spec.guardrails().contains(metric);
      results.add(metric(spec, metric, guardrail, moments.getOrDefault(metric.name(), Map.of())));
    }
    Verdict verdict;
    String summary;
    if (!empty.isEmpty()) {
      verdict = Verdict.NO_EXPOSURES;
      summary =
          "Too few exposed units to compare: "
              + String.join(", ", empty)
              + " (each variant needs at least 2)";
    } else if (srm.mismatch()) {
      verdict = Verdict.SRM;
      summary =
          "Sample ratio mismatch: exposures "
              + java.util.Arrays.toString(counts)
              + " do not match the weights "
              + java.util.Arrays.toString(weights)
              + " (chi-square p = "
              + String.format(java.util.Locale.ROOT, "%.2g", srmP)
              + " < 0.001): assignment or exposure logging is broken; do not trust the metrics";
    } else {
      MetricResult lostGuardrail =
          results.stream()
              .filter(MetricResult::guardrail)
              .filter(
                  r ->
                      r.differences().stream()
                          .anyMatch(d -> d.verdict() == Verdict.SIGNIFICANT_LOSS))
              .findFirst()
              .orElse(null);
      MetricResult primary = results.get(0);
      if (lostGuardrail != null) {
        verdict = Verdict.SIGNIFICANT_LOSS;
        summary = "Guardrail " + lostGuardrail.metric() + " got significantly worse";
      } else if (primary.error() != null || primary.differences().isEmpty()) {
        verdict = Verdict.INCONCLUSIVE;
        summary = "Primary metric " + primary.metric() + ": " + primary.error();
      } else {
        Difference first = primary.differences().get(0);
        verdict = first.verdict();
        summary =
            "Primary metric "
                + primary.metric()
                + ": "
                + first.variant()
                + " vs "
                + spec.control().name()
                + " "
                + verdict.label()
                + " (p = "
                + String.format(java.util.Locale.ROOT, "%.3g", first.pValue())
                + ")"
                + (verdict == Verdict.INCONCLUSIVE && primary.requiredUnitsPerVariant() != null
                    ? "; detecting a "
                        + Math.round(spec.minimumDetectableEffect() * 1000) / 10.0
                        + "% change needs about "
                        + primary.requiredUnitsPerVariant()
                        + " units per variant"
                    : "");
      }
    }
    return new ExperimentResults(
        spec.name(),
        now,
        spec.control().name(),
        exposureViews,
        srm,
        results,
        verdict,
        summary,
        snapshots);
  }

  private static MetricResult metric(
      ExperimentSpec spec, Metric metric, boolean guardrail, Map<String, Moments> byVariant) {
    boolean cuped = metric.covariate().isPresent();
    List<VariantValue> values = new ArrayList<>();
    for (Variant variant : spec.variants()) {
      Moments m = byVariant.getOrDefault(variant.name(), Moments.of(0, 0, 0));
      double value =
          m.n() == 0
              ? 0
              : metric.kind() == Kind.RATIO ? (m.sumX() == 0 ? 0 : m.sumY() / m.sumX()) : m.meanY();
      values.add(new VariantValue(variant.name(), m.n(), value));
    }
    Moments control = byVariant.getOrDefault(spec.control().name(), Moments.of(0, 0, 0));
    List<Difference> differences = new ArrayList<>();
    String error = null;
    Long required = null;
    try {
      if (control.n() >= 2 && metric.kind() != Kind.RATIO) {
        required =
            Statistics.requiredUnits(
                control.meanY(), control.varianceY(), spec.minimumDetectableEffect());
        required = required == Long.MAX_VALUE ? null : required;
      }
      for (Variant variant : spec.variants().subList(1, spec.variants().size())) {
        Moments treatment = byVariant.getOrDefault(variant.name(), Moments.of(0, 0, 0));
        Statistics.Comparison comparison =
            switch (metric.kind()) {
              case RATIO -> Statistics.ratio(control, treatment);
              default ->
                  cuped
                      ? Statistics.cuped(control, treatment)
                      : Statistics.welch(control, treatment);
            };
        differences.add(
            new Difference(
                variant.name(),
                comparison.absolute(),
                comparison.relative(),
                comparison.pValue(),
                verdict(comparison, metric.higherIsBetter())));
      }
    } catch (IllegalArgumentException e) {
      error = e.getMessage();
      differences.clear();
    }
    return new MetricResult(
        metric.name(),
        metric.kind().label(),
        guardrail,
        cuped,
        values,
        differences,
        required,
        error);
  }

  private static Verdict verdict(Statistics.Comparison comparison, boolean higherIsBetter) {
    if (!(comparison.pValue() < Statistics.ALPHA)) {
      return Verdict.INCONCLUSIVE;
    }
    boolean up = comparison.absolute().estimate() > 0;
    return up == higherIsBetter ? Verdict.SIGNIFICANT_WIN : Verdict.SIGNIFICANT_LOSS;
  }
}
