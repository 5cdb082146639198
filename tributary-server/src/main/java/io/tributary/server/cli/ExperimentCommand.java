package io.tributary.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code tributary experiment results|assign NAME}: an experiment's results as a table. */
@Command(
    name = "experiment",
    description = "Show an experiment's results, or a unit's variant.",
    subcommands = {ExperimentCommand.Results.class, ExperimentCommand.Assign.class})
final class ExperimentCommand {
  private ExperimentCommand() {}

  @Command(
      name = "results",
      description =
          "Per-variant exposures, the sample-ratio check, each metric's difference from the"
              + " control with its 95% interval and p-value, and the verdict.")
  static final class Results implements Callable<Integer> {
    @Mixin ClientOptions client;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      JsonNode results = client.client().get("/v1/experiments/" + path(name) + "/results");
      System.out.println(
          "Experiment " + name + " (control: " + results.path("control").asText() + ")");
      List<List<String>> exposures = new ArrayList<>();
      for (JsonNode e : results.path("exposures")) {
        exposures.add(
            List.of(
                e.path("variant").asText(),
                number(e.path("weight")),
                e.path("units").asText(),
                number(e.path("share"))));
      }
      ResultPrinter.table(
          List.of("variant", "weight", "exposed units", "share"), exposures, System.out);
      JsonNode srm = results.path("sampleRatio");
      System.out.println(
          "Sample ratio: chi-square p = "
              + number(srm.path("pValue"))
              + (srm.path("mismatch").asBoolean() ? "  MISMATCH (p < 0.001)" : "  ok"));
      System.out.println();
      List<List<String>> rows = new ArrayList<>();
      for (JsonNode metric : results.path("metrics")) {
        String label =
            metric.path("metric").asText()
                + " ("
                + metric.path("kind").asText()
                + (metric.path("guardrail").asBoolean() ? ", guardrail" : "")
                + (metric.path("cuped").asBoolean() ? ", CUPED" : "")
                + ")";
        for (JsonNode value : metric.path("values")) {
          String variant = value.path("variant").asText();
          JsonNode difference = null;
          for (JsonNode d : metric.path("differences")) {
            if (d.path("variant").asText().equals(variant)) {
              difference = d;
            }
          }
          rows.add(
              List.of(
                  label,
                  variant,
                  value.path("units").asText(),
                  number(value.path("value")),
                  difference == null ? "" : interval(difference.path("absolute"), false),
                  difference == null ? "" : interval(difference.path("relative"), true),
                  difference == null ? "" : number(difference.path("pValue")),
                  difference == null ? "" : difference.path("verdict").asText()));
        }
        if (!metric.path("error").isNull() && !metric.path("error").isMissingNode()) {
          rows.add(List.of(label, "", "", "", metric.path("error").asText(), "", "", ""));
        }
      }
      ResultPrinter.table(
          List.of(
              "metric",
              "variant",
              "units",
              "value",
              "diff [95% CI]",
              "relative [95% CI]",
              "p-value",
              "verdict"),
          rows,
          System.out);
      System.out.println();
      System.out.println("Verdict: " + results.path("verdict").asText());
      System.out.println(results.path("summary").asText());
      List<String> snapshots = new ArrayList<>();
      results
          .path("snapshots")
          .properties()
          .forEach(e -> snapshots.add(e.getKey() + "@" + e.getValue().asText()));
      System.out.println(
          "Snapshots read: " + (snapshots.isEmpty() ? "none" : String.join(", ", snapshots)));
      return 0;
    }
  }

  @Command(
      name = "assign",
      description = "The variant of a unit (logs an exposure unless --no-log).")
  static final class Assign implements Callable<Integer> {
    @Mixin ClientOptions client;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "UNIT")
    String unit;

    @picocli.CommandLine.Option(names = "--no-log", description = "Do not log an exposure")
    boolean noLog;

    @Override
    public Integer call() {
      JsonNode assignment =
          client
              .client()
              .get(
                  "/v1/experiments/"
                      + path(name)
                      + "/assignment?unit="
                      + URLEncoder.encode(unit, StandardCharsets.UTF_8)
                      + (noLog ? "&log=false" : ""));
      System.out.println(assignment.path("variant").asText());
      return 0;
    }
  }

  private static String path(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8);
  }

  private static String number(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return "";
    }
    double d = value.asDouble();
    return Math.abs(d) >= 1e-3 || d == 0
        ? String.format(Locale.ROOT, "%.4g", d)
        : String.format(Locale.ROOT, "%.2e", d);
  }

  private static String interval(JsonNode interval, boolean percent) {
    if (interval == null || interval.isNull() || interval.isMissingNode()) {
      return "n/a";
    }
    double scale = percent ? 100 : 1;
    String unit = percent ? "%" : "";
    return String.format(
        Locale.ROOT,
        "%+.3g%s [%+.3g, %+.3g]",
        interval.path("estimate").asDouble() * scale,
        unit,
        interval.path("low").asDouble() * scale,
        interval.path("high").asDouble() * scale);
  }
}
