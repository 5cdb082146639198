package io.tributary.server.cli;

import io.tributary.amp.EventGenerator;
import io.tributary.amp.Simulator;
import io.tributary.amp.SimulatorConfig;
import io.tributary.core.config.StreamSpec;
import io.tributary.core.config.TributaryConfig;
import io.tributary.server.Platform;
import io.tributary.stream.DeliveryStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tributary demo}: the platform on embedded defaults, plus the live-audio app simulator
 * sending events to the first stream, with hints on where to look.
 */
@Command(name = "demo", description = "Start the platform with the live-audio app simulator.")
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--config", description = "YAML config file (default: embedded defaults)")
  Path config;

  @Option(names = "--rate", defaultValue = "200", description = "Simulated events per second")
  double rate;

  @Override
  public Integer call() throws InterruptedException {
    TributaryConfig settings = ServeCommand.load(config);
    Clock clock = Clock.systemUTC();
    ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor();
    try (ShutdownSignal shutdown = new ShutdownSignal();
        Platform platform = Platform.start(settings, clock)) {
      ServeCommand.printBanner(platform);
      StreamSpec stream = platform.streams().list().get(0);
      Simulator simulator =
          new Simulator(
              platform.httpUri(),
              stream.name(),
              new EventGenerator(SimulatorConfig.withSeed(clock.millis()), clock),
              clock);
      simulator.runInBackground(rate, Duration.ZERO, p -> {});
      System.out.printf(
          "%nSimulating the live-audio app: %.0f events/s into stream %s (table %s).%n"
              + "Events are buffered %ds before each commit. Then, in another terminal:%n%n"
              + "  ./tributary sql \"SELECT show_id, count(*) AS listens FROM %s"
              + " WHERE event_type = 'listen_start' GROUP BY 1 ORDER BY 2 DESC LIMIT 10\"%n"
              + "  ./tributary tables%n  ./tributary streams%n  curl -s %s/metrics | grep"
              + " tributary_%n%nCtrl-C stops (buffers are flushed first).%n%n",
          rate,
          stream.name(),
          stream.table(),
          stream.buffer().interval().toSeconds(),
          stream.table(),
          platform.httpUri());
      background.scheduleAtFixedRate(
          () -> report(platform, stream.name()), 10, 10, TimeUnit.SECONDS);
      shutdown.await();
      simulator.close();
      background.shutdownNow();
      System.out.println("Shutting down: flushing delivery buffers...");
    } finally {
      background.shutdownNow();
    }
    return 0;
  }

  private static void report(Platform platform, String stream) {
    platform
        .delivery()
        .status(stream)
        .ifPresent(
            (DeliveryStatus s) ->
                System.out.printf(
                    "[%s] delivered %,d rows, %,d errors, %,d buffered, lag %,d, last commit %s%n",
                    s.stream(),
                    s.delivered(),
                    s.errors(),
                    s.buffered(),
                    s.lag(),
                    s.lastCommitAt() == null ? "pending" : s.lastCommitAt()));
  }
}
