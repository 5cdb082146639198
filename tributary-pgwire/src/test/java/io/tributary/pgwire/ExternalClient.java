package io.tributary.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a real client program (psql, python, node, pgbench) to its end, capturing its output. */
final class ExternalClient {
  /** The program's exit code and output. */
  record Run(int exitCode, String out, String err) {}

  private ExternalClient() {}

  /** Whether {@code program} is on the PATH (or is an executable path). */
  static boolean installed(String program) {
    if (program.contains("/")) {
      return Files.isExecutable(Path.of(program));
    }
    for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, program))) {
        return true;
      }
    }
    return false;
  }

  static Run run(
      List<String> command, Map<String, String> environment, Path directory, Duration limit)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(environment);
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    Process process = builder.start();
    process.getOutputStream().close();
    CompletableFuture<String> out =
        CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
    CompletableFuture<String> err =
        CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
    boolean finished = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
    if (!finished) {
      process.destroyForcibly().waitFor();
    }
    assertThat(finished).as("%s finished within %s", command.get(0), limit).isTrue();
    return new Run(process.exitValue(), out.join(), err.join());
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies a test resource to {@code target}. */
  static Path resource(String name, Path target) throws IOException {
    try (InputStream in = ExternalClient.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("Missing test resource " + name);
      }
      Files.createDirectories(target.getParent());
      Files.write(target, in.readAllBytes());
    }
    return target;
  }
}
