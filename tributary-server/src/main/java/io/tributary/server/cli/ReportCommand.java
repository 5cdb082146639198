package io.tributary.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tributary report run|list|history}: runs a report now for a logical date, lists the
 * reports, or shows a report's history.
 */
@Command(
    name = "report",
    description = "Run a report now, list reports, or show a report's history.",
    subcommands = {ReportCommand.Run.class, ReportCommand.List.class, ReportCommand.History.class})
final class ReportCommand {
  @Command(
      name = "run",
      description = "Run a report now and deliver it; exit 1 unless every target got it.")
  static final class Run implements Callable<Integer> {
    @Mixin ClientOptions client;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--date", description = "Logical date, e.g. 2024-01-31 (default: yesterday)")
    String date;

    @Override
    public Integer call() {
      String path = "/v1/reports/" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "/run";
      if (date != null) {
        path += "?ds=" + URLEncoder.encode(date, StandardCharsets.UTF_8);
      }
      JsonNode run = client.client().post(path, java.util.Map.of());
      printRun(name, run);
      String outcome = run.path("outcome").asText();
      return outcome.equals("delivered") || outcome.equals("skipped") ? 0 : 1;
    }
  }

  @Command(name = "list", description = "List the reports and their last runs.")
  static final class List implements Callable<Integer> {
    @Mixin ClientOptions client;

    @Override
    public Integer call() {
      JsonNode answer = client.client().get("/v1/reports");
      for (JsonNode report : answer.path("reports")) {
        JsonNode last = report.path("last-run");
        System.out.println(
            report.path("name").asText()
                + "  "
                + report.path("title").asText()
                + "  last: "
                + (last.isMissingNode() || last.isNull()
                    ? "never"
                    : last.path("ds").asText() + " " + last.path("outcome").asText()));
      }
      answer
          .path("problems")
          .fields()
          .forEachRemaining(
              problem -> System.out.println("not loaded: " + problem.getValue().asText()));
      return 0;
    }
  }

  @Command(name = "history", description = "Show a report's latest runs.")
  static final class History implements Callable<Integer> {
    @Mixin ClientOptions client;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      JsonNode answer =
          client
              .client()
              .get("/v1/reports/" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "/history");
      for (JsonNode run : answer.path("runs")) {
        printRun(name, run);
      }
      return 0;
    }
  }

  static void printRun(String name, JsonNode run) {
    System.out.println(
        "Report "
            + name
            + " for "
            + run.path("ds").asText()
            + " at "
            + run.path("started-at").asText()
            + ": "
            + run.path("outcome").asText()
            + (run.path("error").isTextual() ? " (" + run.path("error").asText() + ")" : ""));
    for (JsonNode target : run.path("targets")) {
      System.out.println(
          "  "
              + target.path("target").asText()
              + ": "
              + target.path("outcome").asText()
              + ", "
              + target.path("attempts").asInt()
              + " tries"
              + (target.path("error").isTextual() ? ", " + target.path("error").asText() : "")
              + (target.path("file").isTextual() ? ", " + target.path("file").asText() : ""));
    }
  }
}
