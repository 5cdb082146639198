package io.tributary.demo;

import io.tributary.amp.catalog.CatalogService;
import io.tributary.amp.catalog.CatalogServiceConfig;
import io.tributary.amp.catalog.CatalogServiceConfig.Faults;
import io.tributary.core.config.Units;
import io.tributary.server.cli.ShutdownSignal;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tributary amp catalog-service}: the show-catalog service, changing over time and
 * publishing a notification per change, until Ctrl-C.
 */
@Command(
    name = "catalog-service",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the live-audio app's show catalog over HTTP until Ctrl-C: GET /shows/{show_id},"
          + " /shows, /creators/{id}, /health; PUT /admin/faults; POST /admin/changes.",
      "Shows, schedules and creators change every --change-interval; every change is published"
          + " to the topic --topic of the server at --notify."
    })
final class CatalogServiceCommand implements Callable<Integer> {
  @Spec CommandSpec command;

  @Option(names = "--host", defaultValue = CatalogServiceConfig.DEFAULT_HOST)
  String host;

  @Option(names = "--port", defaultValue = "8081", description = "Port (0 = a free one)")
  int port;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Catalog seed; the simulator's default catalog seed is 42")
  long seed;

  @Option(names = "--shows", defaultValue = "200", description = "Initial shows")
  int shows;

  @Option(names = "--creators", defaultValue = "60", description = "Creators hosting them")
  int creators;

  @Option(
      names = "--change-interval",
      defaultValue = "5s",
      description = "How often the catalog changes, e.g. 2s (0s = never)")
  String changeInterval;

  @Option(
      names = "--failure-rate",
      defaultValue = "0",
      description = "Fraction of calls answered 503, 0 to 1")
  double failureRate;

  @Option(names = "--latency", defaultValue = "0ms", description = "Added to every call")
  String latency;

  @Option(names = "--jitter", defaultValue = "0ms", description = "Up to this much more latency")
  String jitter;

  @Option(
      names = "--notify",
      description = "Tributary server receiving change notifications, e.g. http://127.0.0.1:7070")
  URI notify;

  @Option(
      names = "--notify-token",
      description = "API token for --notify (default: $TRIBUTARY_TOKEN)",
      defaultValue = "${env:TRIBUTARY_TOKEN}")
  String notifyToken;

  @Option(names = "--topic", defaultValue = CatalogServiceConfig.DEFAULT_TOPIC)
  String topic;

  @Override
  public Integer call() throws InterruptedException {
    CatalogServiceConfig config;
    try {
      config =
          new CatalogServiceConfig(
              host,
              port,
              seed,
              shows,
              creators,
              duration("--change-interval", changeInterval),
              new Faults(duration("--latency", latency), duration("--jitter", jitter), failureRate),
              notify,
              topic);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command.commandLine(), e.getMessage(), e);
    }
    try (ShutdownSignal shutdown = new ShutdownSignal();
        CatalogService service =
            CatalogService.start(
                config,
                Clock.systemUTC(),
                java.util.Optional.ofNullable(notifyToken).filter(t -> !t.isBlank()))) {
      printBanner(service);
      shutdown.await();
      System.out.println("Shutting down: publishing pending notifications...");
    }
    return 0;
  }

  static void printBanner(CatalogService service) {
    CatalogServiceConfig config = service.config();
    Faults faults = service.faults();
    System.out.println("Show-catalog service is running");
    System.out.println(
        "  HTTP       "
            + service.uri()
            + "  (/shows/{show_id}, /shows, /creators/{id}, /health, /admin/faults)");
    System.out.println(
        "  catalog    "
            + service.showIds().size()
            + " shows by "
            + config.creators()
            + " creators (seed "
            + config.seed()
            + "), changing "
            + (config.changeInterval().isZero()
                ? "only on POST /admin/changes"
                : "every " + Units.formatDuration(config.changeInterval())));
    System.out.println(
        "  faults     failure rate "
            + faults.failureRate()
            + ", latency "
            + Units.formatDuration(faults.latency())
            + " + up to "
            + Units.formatDuration(faults.jitter()));
    System.out.println(
        "  notify     "
            + (config.notifyUri() == null
                ? "nobody (no --notify)"
                : config.notifyUri() + "/v1/topics/" + config.notifyTopic() + "/messages"));
  }

  private Duration duration(String option, String text) {
    try {
      return Units.parseDuration(text);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          command.commandLine(), "Invalid " + option + ": '" + text + "' (" + e.getMessage() + ")");
    }
  }
}
