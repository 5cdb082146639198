package io.tributary.server.cli;

import io.tributary.access.AdminCredentials;
import io.tributary.core.config.TributaryConfig;
import io.tributary.server.Platform;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tributary serve}: runs the platform until interrupted. */
@Command(name = "serve", description = "Start the platform (embedded defaults without --config).")
public final class ServeCommand implements Callable<Integer> {
  @Option(names = "--config", description = "YAML config file")
  Path config;

  @Override
  public Integer call() throws InterruptedException {
    TributaryConfig settings = load(config);
    try (ShutdownSignal shutdown = new ShutdownSignal();
        Platform platform = Platform.start(settings, Clock.systemUTC())) {
      printBanner(platform);
      shutdown.await();
      System.out.println("Shutting down: flushing delivery buffers...");
    }
    return 0;
  }

  public static TributaryConfig load(Path file) {
    return file == null ? TributaryConfig.defaults(Path.of("data")) : TributaryConfig.load(file);
  }

  public static void printBanner(Platform platform) {
    System.out.println("Tributary is running");
    System.out.println("  HTTP API   " + platform.httpUri() + "  (/health, /metrics, /v1/...)");
    System.out.println("  Iceberg    " + platform.httpUri() + "/iceberg  (REST catalog uri)");
    System.out.println(
        "  Kafka      "
            + platform.streamLog().clientBootstrap()
            + platform
                .streamLog()
                .clientMechanism()
                .map(
                    mechanism -> "  (SASL_PLAINTEXT " + mechanism + ": a user's name and password)")
                .orElse(""));
    if (platform.pgwirePort() >= 0) {
      System.out.println(
          "  PostgreSQL "
              + platform.config().pgwire().host()
              + ":"
              + platform.pgwirePort()
              + "  (user admin, password in "
              + platform.config().dataDir().resolve("admin-credentials.json")
              + ")");
    }
    System.out.println(
        "  access     "
            + (platform.access().isPresent()
                ? "on: admin's password and token in "
                    + platform.config().dataDir().resolve(AdminCredentials.FILE_NAME)
                    + " (the CLI reads them from there)"
                : "off (access.enabled: false; loopback only)"));
    System.out.println("  data dir   " + platform.config().dataDir());
    platform
        .streams()
        .list()
        .forEach(
            s ->
                System.out.println(
                    "  stream     "
                        + s.name()
                        + " -> "
                        + s.table()
                        + " (buffer "
                        + s.buffer().interval().toSeconds()
                        + "s)"));
  }
}
