package io.tributary.demo;

import io.tributary.amp.EventGenerator;
import io.tributary.amp.SimulationResult;
import io.tributary.amp.Simulator;
import io.tributary.amp.SimulatorConfig;
import io.tributary.core.config.Units;
import io.tributary.server.cli.ClientOptions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tributary simulate}: the live-audio app sending events to a running server. */
@Command(
    name = "simulate",
    description = "Send realistic live-audio app events to a running server.")
final class SimulateCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Spec CommandSpec command;

  @Option(names = "--rate", defaultValue = "200/s", description = "Events per second, e.g. 500/s")
  String rate;

  @Option(
      names = "--duration",
      defaultValue = "60s",
      description = "How long, e.g. 30s, 5m (0s = until Ctrl-C)")
  String duration;

  @Option(names = "--stream", defaultValue = "app_events")
  String stream;

  @Option(
      names = "--seed",
      description = "Seed of the simulated app (default: the current time, so event ids are new)")
  Long seed;

  @Option(
      names = "--catalog",
      description =
          "Show-catalog service to follow (e.g. http://127.0.0.1:8081): its new shows get"
              + " listeners too")
  URI catalog;

  @Override
  public Integer call() throws Exception {
    double eventsPerSecond = parseRate(rate);
    Duration length = parseDuration(duration);
    Clock clock = Clock.systemUTC();
    try (Simulator simulator =
        new Simulator(
            client.server,
            stream,
            new EventGenerator(
                SimulatorConfig.withSeed(seed == null ? clock.millis() : seed),
                clock,
                io.tributary.amp.AppExperiment.recommendedShows()),
            clock,
            client.token())) {
      if (catalog != null) {
        simulator.followCatalog(catalog);
      }
      SimulationResult result =
          simulator.run(
              eventsPerSecond,
              length,
              p ->
                  System.err.printf(
                      "\r%,d sent  %,d accepted  %,.0f events/s ",
                      p.sent(), p.accepted(), p.eventsPerSecond()));
      System.err.println();
      System.out.printf(
          "%,d events sent, %,d accepted, %,d failed, %,d retries in %s%n",
          result.sent(), result.accepted(), result.failed(), result.retries(), result.elapsed());
      return result.failed() == 0 ? 0 : 1;
    }
  }

  private double parseRate(String text) {
    String number = text.endsWith("/s") ? text.substring(0, text.length() - 2) : text;
    try {
      double value = Double.parseDouble(number.trim());
      if (value > 0 && value <= 1_000_000) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ParameterException(
        command.commandLine(),
        "Invalid --rate: '" + text + "' (expected N/s with 0 < N <= 1000000)");
  }

  private Duration parseDuration(String text) {
    try {
      return Units.parseDuration(text);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          command.commandLine(), "Invalid --duration: '" + text + "' (" + e.getMessage() + ")");
    }
  }
}
