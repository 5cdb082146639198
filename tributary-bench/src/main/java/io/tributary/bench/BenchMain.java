package io.tributary.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./tributary bench ...}: the project's benchmarks, each against its peer in one run. */
@Command(
    name = "tributary bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks that measure Tributary against its peers in the same run.",
    subcommands = {
      IngestBenchmark.class,
      SinkBenchmark.class,
      CrawlBenchmark.class,
      FunctionsBenchmark.class,
      FlowsBenchmark.class,
      QueryBenchmark.class,
      RecommendBenchmark.class,
      CommandLine.HelpCommand.class
    })
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(BenchMain.class);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("error: " + e);
          return 1;
        });
    System.exit(cli.execute(args));
  }
}
