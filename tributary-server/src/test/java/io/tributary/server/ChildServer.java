package io.tributary.server;

import static org.awaitility.Awaitility.await;

import io.tributary.server.cli.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code tributary serve --config} in a child JVM, for tests that kill the platform (SIGKILL) and
 * start it again; every start appends its output to one log file.
 */
final class ChildServer {
  private static final int MAX_LOG_CHARS = 20_000;

  private final Path config;
  private final Path log;
  private final Http http;

  ChildServer(Path config, Path log, Http http) {
    this.config = config;
    this.log = log;
    this.http = http;
  }

  /** Starts a new server process with a heap of 512 MiB. */
  Process start() throws IOException {
    return start("-Xmx512m");
  }

  /** Starts a new server process with these JVM options. */
  Process start(String... jvmOptions) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(jvmOptions));
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "serve",
            "--config",
            config.toString()));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  /** Waits until {@code server} answers {@code /health}; fails with the log if it exits. */
  void awaitHealthy(Process server) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              if (!server.isAlive()) {
                throw new AssertionError("server exited: " + log());
              }
              try {
                return http.get("/health").status() == 200;
              } catch (UncheckedIOException | IllegalStateException e) {
                return false;
              }
            });
  }

  /** The end of the servers' log, for failure messages. */
  String log() {
    try {
      String text = Files.readString(log);
      return text.length() > MAX_LOG_CHARS ? text.substring(text.length() - MAX_LOG_CHARS) : text;
    } catch (IOException e) {
      return "(no log)";
    }
  }
}
