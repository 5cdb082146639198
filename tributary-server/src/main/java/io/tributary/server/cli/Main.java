package io.tributary.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./tributary}: the platform's command line. */
@Command(
    name = "tributary",
    mixinStandardHelpOptions = true,
    version = "tributary 0.1.0",
    description =
        "Open, self-hosted data platform: streams and files into an Apache Iceberg lake, in SQL.",
    footer =
        "%nThe live-audio demo: ./tributary demo | simulate | amp (in tributary-demo)"
            + "%nBenchmarks: ./tributary bench ingest --events N [--json] | bench crawl [--mb N] | bench functions",
    subcommands = {
      ServeCommand.class,
      SqlCommand.class,
      TablesCommand.class,
      StreamsCommand.class,
      FunctionsCommand.class,
      IngestCommand.class,
      LandCommand.class,
      CrawlCommand.class,
      CrawlersCommand.class,
      FlowsCommand.class,
      FlowCommand.class,
      ReportCommand.class,
      ExperimentCommand.class,
      MaintainCommand.class,
      AccessCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with Tributary's error handling: clean messages, no stack traces. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(Main.class).setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("error: " + messageOf(e));
          return e instanceof ApiClient.ApiException ? 2 : 1;
        });
    return cli;
  }

  private static String messageOf(Exception e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
