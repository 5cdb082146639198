package io.tributary.console.experiments;

import io.javalin.http.Context;
import io.tributary.access.Privilege;
import io.tributary.access.Resource;
import io.tributary.console.Page;
import io.tributary.console.Templates;
import io.tributary.console.Viewer;
import io.tributary.core.NotFoundException;
import io.tributary.core.TributaryException;
import io.tributary.experiments.ExperimentResults;
import io.tributary.experiments.ExperimentSpec;
import io.tributary.experiments.Experiments;
import io.tributary.experiments.Statistics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The experiment pages: {@code /experiments} (each experiment's state, variants and weights, start
 * and end) and {@code /experiments/{name}} (the definition and the results over the tables the
 * viewer may read: exposures, the sample-ratio check, each metric's values and differences with
 * their 95% intervals and p-values, the verdict, the snapshot ids read; and a form that looks up a
 * unit's variant without logging an exposure).
 */
public final class ExperimentPages {
  private final Experiments experiments;
  private final Templates templates;

  public ExperimentPages(Experiments experiments, Templates templates) {
    this.experiments = Objects.requireNonNull(experiments, "experiments is null");
    this.templates = Objects.requireNonNull(templates, "templates is null");
  }

  /** One row of the list. */
  public record Row(String name, String state, String variants, String start, String end) {}

  /** One metric row of the results: a variant's value and, for a treatment, its difference. */
  public record MetricRow(
      String metric,
      String variant,
      long units,
      String value,
      String absolute,
      String relative,
      String pValue,
      String verdict,
      String verdictClass) {}

  /** The looked-up assignment of a unit (never logged). */
  public record Lookup(String unit, String variant, boolean running) {}

  /** {@code GET /experiments}. */
  public void list(Context ctx, Viewer viewer) {
    Instant now = experiments.now();
    List<Row> rows = new ArrayList<>();
    for (Experiments.Stored stored : experiments.list()) {
      ExperimentSpec spec = stored.spec();
      rows.add(
          new Row(
              spec.name(),
              stored.status(now).label(),
              variants(spec),
              spec.start().map(Instant::toString).orElse("—"),
              spec.end().map(Instant::toString).orElse("—")));
    }
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("page", Page.of(ctx, "Experiments", "experiments"));
    params.put("rows", rows);
    templates.answer(ctx, 200, "experiments/list.jte", params);
  }

  /** {@code GET /experiments/{name}[?unit=u1]}. */
  public void view(Context ctx, Viewer viewer) {
    String name = ctx.pathParam("name");
    Experiments.Stored stored =
        experiments.get(name).orElseThrow(() -> new NotFoundException("experiment", name));
    ExperimentSpec spec = stored.spec();
    Lookup lookup = null;
    String lookupError = "";
    String unit = ctx.queryParam("unit");
    if (unit != null && !unit.isBlank()) {
      try {
        Experiments.Assignment assignment = experiments.assign(name, unit.strip(), false);
        lookup = new Lookup(assignment.unit(), assignment.variant(), assignment.running());
      } catch (TributaryException e) {
        lookupError = e.getMessage();
      }
    }
    ExperimentResults results = null;
    String resultsError = "";
    try {
      results =
          experiments.results(name, table -> viewer.allows(Privilege.READ, Resource.table(table)));
    } catch (TributaryException e) {
      resultsError = e.getMessage();
    }
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("page", Page.of(ctx, "Experiment " + name, "experiments"));
    params.put("name", name);
    params.put("state", stored.status(experiments.now()).label());
    params.put("description", spec.description() == null ? "" : spec.description());
    params.put("variants", variants(spec));
    params.put("start", spec.start().map(Instant::toString).orElse("—"));
    params.put("end", spec.end().map(Instant::toString).orElse("—"));
    params.put("source", stored.source() == null ? "" : stored.source());
    params.put("definition", stored.definition() == null ? "" : stored.definition());
    params.put("results", results);
    params.put("resultsError", resultsError == null ? "" : resultsError);
    params.put("verdictClass", results == null ? "" : verdictClass(results.verdict()));
    params.put("rows", results == null ? List.of() : rows(results));
    params.put("snapshots", results == null ? Map.of() : new TreeMap<>(results.snapshots()));
    params.put("unit", unit == null ? "" : unit);
    params.put("lookup", lookup);
    params.put("lookupError", lookupError == null ? "" : lookupError);
    templates.answer(ctx, 200, "experiments/view.jte", params);
  }

  private static String variants(ExperimentSpec spec) {
    StringBuilder text = new StringBuilder();
    for (ExperimentSpec.Variant variant : spec.variants()) {
      if (text.length() > 0) {
        text.append(", ");
      }
      text.append(variant.name()).append(' ').append(number(variant.weight()));
    }
    return text.toString();
  }

  private static List<MetricRow> rows(ExperimentResults results) {
    List<MetricRow> rows = new ArrayList<>();
    for (ExperimentResults.MetricResult metric : results.metrics()) {
      String label =
          metric.metric()
              + " ("
              + metric.kind()
              + (metric.guardrail() ? ", guardrail" : "")
              + (metric.cuped() ? ", CUPED" : "")
              + ")";
      if (metric.error() != null) {
        rows.add(new MetricRow(label, "", 0, metric.error(), "", "", "", "error", "error"));
        continue;
      }
      for (ExperimentResults.VariantValue value : metric.values()) {
        ExperimentResults.Difference difference =
            metric.differences().stream()
                .filter(d -> d.variant().equals(value.variant()))
                .findFirst()
                .orElse(null);
        rows.add(
            new MetricRow(
                label,
                value.variant(),
                value.units(),
                number(value.value()),
                difference == null ? "control" : interval(difference.absolute(), false),
                difference == null ? "" : interval(difference.relative(), true),
                difference == null ? "" : number(difference.pValue()),
                difference == null ? "" : difference.verdict().label(),
                difference == null ? "" : verdictClass(difference.verdict())));
      }
    }
    return rows;
  }

  static String verdictClass(ExperimentResults.Verdict verdict) {
    return switch (verdict) {
      case SIGNIFICANT_WIN -> "ok";
      case SIGNIFICANT_LOSS, SRM -> "error";
      case INCONCLUSIVE, NO_EXPOSURES -> "muted";
    };
  }

  static String interval(Statistics.Interval interval, boolean percent) {
    if (interval == null) {
      return "—";
    }
    double scale = percent ? 100 : 1;
    String unit = percent ? "%" : "";
    return number(interval.estimate() * scale)
        + unit
        + " ["
        + number(interval.low() * scale)
        + unit
        + ", "
        + number(interval.high() * scale)
        + unit
        + "]";
  }

  static String number(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return "—";
    }
    if (value != 0 && Math.abs(value) < 1e-4) {
      return String.format(Locale.ROOT, "%.2e", value);
    }
    String text = String.format(Locale.ROOT, "%.4g", value);
    return text.contains(".") && !text.contains("e") ? text.replaceAll("\\.?0+$", "") : text;
  }
}
