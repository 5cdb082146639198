package io.tributary.demo;

import io.tributary.amp.EventGenerator;
import io.tributary.amp.Simulator;
import io.tributary.amp.SimulatorConfig;
import io.tributary.amp.catalog.CatalogQueries;
import io.tributary.amp.catalog.CatalogService;
import io.tributary.amp.catalog.CatalogServiceConfig;
import io.tributary.amp.catalog.CatalogServiceConfig.Faults;
import io.tributary.core.config.ConfigException;
import io.tributary.core.config.StreamSpec;
import io.tributary.core.config.TributaryConfig;
import io.tributary.core.config.Units;
import io.tributary.server.Platform;
import io.tributary.server.cli.ServeCommand;
import io.tributary.server.cli.ShutdownSignal;
import io.tributary.stream.DeliveryStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tributary demo}: the platform with the demo config ({@code demo.yaml}), the live-audio
 * app's show-catalog service publishing its changes to the platform, and the app simulator sending
 * events of the same shows to stream {@code app_events}, with hints on where to look.
 */
@Command(
    name = "demo",
    description = "Start the platform with the live-audio app simulator and show-catalog service.")
final class DemoCommand implements Callable<Integer> {
  /** The demo's platform config, with {@value #CATALOG_URL} for the catalog service's URL. */
  static final String DEMO_CONFIG = "/demo.yaml";

  /** The catalog-change pipeline's part of the demo config: its topics and functions. */
  static final String PIPELINE_CONFIG = "/demo-catalog-pipeline.yaml";

  static final String CATALOG_URL = "${catalog-url}";

  /** The catalog service's {@code host:port}, for the demo's egress policy. */
  static final String CATALOG_AUTHORITY = "${catalog-authority}";

  @Spec CommandSpec command;

  @Option(names = "--config", description = "YAML config file (default: the demo config)")
  Path config;

  @Option(names = "--rate", defaultValue = "200", description = "Simulated events per second")
  double rate;

  @Option(
      names = "--catalog-port",
      defaultValue = "8081",
      description = "Port of the show-catalog service (0 = a free one)")
  int catalogPort;

  @Option(
      names = "--catalog-failure-rate",
      defaultValue = "0.1",
      description = "Fraction of catalog calls failing with 503, so retries show")
  double catalogFailureRate;

  @Option(
      names = "--catalog-latency",
      defaultValue = "20ms",
      description = "Latency of each catalog call (plus up to as much jitter)")
  String catalogLatency;

  @Option(
      names = "--catalog-change-interval",
      defaultValue = "2s",
      description = "How often the show catalog changes")
  String catalogChangeInterval;

  @Option(
      names = "--run-for",
      description =
          "Stop by itself after this long (such as 5m) and print the process's peak RSS (VmHWM)"
              + " against the platform's 1.5 GiB target; default: until Ctrl-C")
  String runFor;

  /** The admin's token: the demo's own clients act as the administrator. */
  private static Optional<String> adminToken(Platform platform) {
    return Optional.of(platform.adminCredentials().token());
  }

  @Override
  public Integer call() throws InterruptedException {
    Duration stopAfter = runFor == null ? null : duration(runFor);
    CatalogServiceConfig catalogConfig = catalogConfig();
    URI catalogUri = URI.create("http://" + catalogConfig.host() + ":" + catalogConfig.port());
    TributaryConfig settings = config == null ? demoConfig(catalogUri) : ServeCommand.load(config);
    Clock clock = Clock.systemUTC();
    ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor();
    try (ShutdownSignal shutdown = new ShutdownSignal();
        Platform platform = Platform.start(settings, clock);
        CatalogService catalog =
            CatalogService.start(
                catalogConfig.withNotify(platform.httpUri()), clock, adminToken(platform))) {
      // the platform's watcher loads them within a second, in the background
      DemoDashboards.installMissing(platform.config().dataDir().resolve("dashboards"));
      ServeCommand.printBanner(platform);
      DemoReports.install(platform.reports());
      System.out.println();
      CatalogServiceCommand.printBanner(catalog);
      StreamSpec stream =
          platform.streams().get("app_events").orElse(platform.streams().list().get(0));
      Simulator simulator =
          new Simulator(
              platform.httpUri(),
              stream.name(),
              new EventGenerator(
                  SimulatorConfig.withSeed(clock.millis()),
                  clock,
                  io.tributary.amp.AppExperiment.recommendedShows()),
              clock,
              adminToken(platform));
      simulator.followCatalog(catalog.uri());
      simulator.runInBackground(rate, Duration.ZERO, p -> {});
      System.out.printf(
          "%nSimulating the live-audio app: %.0f events/s into stream %s (table %s), shows of the"
              + " catalog service at %s.%n"
              + "Events are buffered %ds before each commit. Then, in another terminal:%n%n"
              + "  ./tributary sql \"SELECT show_id, count(*) AS listens FROM %s"
              + " WHERE event_type = 'listen_start' GROUP BY 1 ORDER BY 2 DESC LIMIT 10\"%n"
              + "  curl -s %s/shows/show_0001%n"
              + "%nTrending shows with titles and creators (raw.show_catalog is fed by the"
              + " catalog-change pipeline):%n%n  ./tributary sql \"%s\"%n"
              + "%nThe daily flash report (PDF and HTML in %s/daily-flash/), for today so far:%n%n"
              + "  ./tributary report run daily-flash --date %s%n"
              + "%n  ./tributary tables%n  ./tributary streams%n  curl -s %s/metrics | grep"
              + " tributary_%n%nCtrl-C stops (buffers are flushed first).%n%n",
          rate,
          stream.name(),
          stream.table(),
          catalog.uri(),
          stream.buffer().interval().toSeconds(),
          stream.table(),
          catalog.uri(),
          CatalogQueries.TRENDING_SHOWS,
          settings.reports().output(),
          java.time.LocalDate.now(clock),
          platform.httpUri());
      background.scheduleAtFixedRate(
          () -> report(platform, stream.name(), catalog), 10, 10, TimeUnit.SECONDS);
      background.scheduleWithFixedDelay(
          () -> DemoFlows.declareMissing(platform.flows()), 5, 15, TimeUnit.SECONDS);
      background.scheduleWithFixedDelay(
          () -> DemoExperiment.declareMissing(platform.experiments()), 5, 15, TimeUnit.SECONDS);
      if (stopAfter == null) {
        shutdown.await();
      } else {
        shutdown.await(stopAfter);
      }
      simulator.close();
      background.shutdownNow();
      System.out.println("Shutting down: flushing delivery buffers...");
    } finally {
      background.shutdownNow();
    }
    if (runFor != null) {
      PeakRss.read()
          .ifPresent(
              peak ->
                  System.out.printf(
                      "Peak RSS of the demo's process (platform, catalog service and simulator):"
                          + " %,d MiB (VmHWM), target %,d MiB: %s%n",
                      peak, PeakRss.TARGET_MIB, peak <= PeakRss.TARGET_MIB ? "met" : "MISSED"));
    }
    return 0;
  }

  private Duration duration(String text) {
    try {
      Duration duration = Units.parseDuration(text);
      if (duration.isZero() || duration.isNegative()) {
        throw new IllegalArgumentException("must be positive");
      }
      return duration;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          command.commandLine(), "Invalid --run-for: " + text + " (" + e.getMessage() + ")", e);
    }
  }

  /** The demo config with the catalog service at {@code catalogUri}. */
  static TributaryConfig demoConfig(URI catalogUri) {
    return TributaryConfig.fromYaml(
        resource(DEMO_CONFIG, catalogUri) + "\n" + resource(PIPELINE_CONFIG, catalogUri),
        "demo.yaml");
  }

  /**
   * A resource's text with {@value #CATALOG_URL} replaced by {@code catalogUri}, and {@value
   * #CATALOG_AUTHORITY} by its {@code host:port}.
   */
  static String resource(String name, URI catalogUri) {
    try (InputStream in = DemoCommand.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new ConfigException("Missing resource " + name + " in the Tributary jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .replace(CATALOG_URL, catalogUri.toString())
          .replace(CATALOG_AUTHORITY, catalogUri.getAuthority());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read resource " + name, e);
    }
  }

  private CatalogServiceConfig catalogConfig() {
    try {
      Duration latency = Units.parseDuration(catalogLatency);
      return CatalogServiceConfig.defaults()
          .withPort(catalogPort == 0 ? freePort() : catalogPort)
          .withChangeInterval(Units.parseDuration(catalogChangeInterval))
          .withFaults(new Faults(latency, latency, catalogFailureRate));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command.commandLine(), e.getMessage(), e);
    }
  }

  /** A port free now, so the platform's config can name the catalog service before it starts. */
  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot find a free port for the catalog service", e);
    }
  }

  private static void report(Platform platform, String stream, CatalogService catalog) {
    for (String name : new String[] {stream, "show_catalog"}) {
      platform
          .delivery()
          .status(name)
          .ifPresent(
              (DeliveryStatus s) ->
                  System.out.printf(
                      "[%s] delivered %,d rows, %,d errors, %,d buffered, lag %,d, last commit"
                          + " %s%n",
                      s.stream(),
                      s.delivered(),
                      s.errors(),
                      s.buffered(),
                      s.lag(),
                      s.lastCommitAt() == null ? "pending" : s.lastCommitAt()));
    }
    CatalogService.Stats c = catalog.stats();
    System.out.printf(
        "[catalog] %,d changes, %,d notifications published (%,d failed, %,d pending),"
            + " %,d of %,d calls failed on purpose%n",
        c.changes(),
        c.published(),
        c.failedNotifications(),
        c.pendingNotifications(),
        c.injectedFailures(),
        c.calls());
  }
}
