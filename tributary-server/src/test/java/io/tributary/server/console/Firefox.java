package io.tributary.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The console's pages in headless Firefox ESR ({@code /usr/bin/firefox-esr}, Debian's package),
 * driven by puppeteer-core over WebDriver BiDi from node: no geckodriver, no browser download.
 * {@code src/test/resources/firefox/smoke.mjs} logs in, opens each page and reports its console
 * errors; npm installs the pinned puppeteer-core (package.json beside it) into a scratch folder.
 */
public final class Firefox {
  public static final String FIREFOX = "/usr/bin/firefox-esr";

  /** What the smoke run saw: Firefox's version, the pages opened, the problems on them. */
  public record Smoke(String browser, List<String> pages, List<String> problems) {}

  private Firefox() {}

  /** Why Firefox cannot be driven here (firefox-esr, node or npm missing), if it cannot. */
  public static Optional<String> missing() {
    if (!Files.isExecutable(Path.of(FIREFOX))) {
      return Optional.of(
          "firefox-esr is not installed: apt-get install firefox-esr (.ci/run does)");
    }
    for (String program : List.of("node", "npm")) {
      if (!onPath(program)) {
        return Optional.of(
            program + " is not installed: apt-get install nodejs npm (.ci/run installs them)");
      }
    }
    return Optional.empty();
  }

  /**
   * Opens {@code pages} of the platform at {@code base} in Firefox as {@code user}, working in
   * {@code work}; screenshots go to {@code target/screenshots/firefox-*.png}.
   */
  public static Smoke smoke(URI base, String user, String password, List<String> pages, Path work)
      throws IOException, InterruptedException {
    copy("firefox/package.json", work.resolve("package.json"));
    copy("firefox/smoke.mjs", work.resolve("smoke.mjs"));
    Run install =
        run(
            List.of("npm", "install", "--prefer-offline", "--no-audit", "--no-fund"),
            Map.of(),
            work,
            Duration.ofMinutes(5));
    if (install.exitCode != 0) {
      throw new IllegalStateException("npm install of puppeteer-core failed: " + install.err);
    }
    Path screenshots = Files.createDirectories(Path.of("target", "screenshots").toAbsolutePath());
    List<String> command = new ArrayList<>(List.of("node", "smoke.mjs"));
    command.addAll(pages);
    Run smoke =
        run(
            command,
            Map.of(
                "TRIBUTARY_URL", base.toString(),
                "TRIBUTARY_USER", user,
                "TRIBUTARY_PASSWORD", password,
                "FIREFOX", FIREFOX,
                "SCREENSHOTS", screenshots.toString()),
            work,
            Duration.ofMinutes(4));
    if (smoke.exitCode != 0) {
      throw new IllegalStateException(
          "The Firefox smoke run failed (exit " + smoke.exitCode + "): " + smoke.err);
    }
    String last = smoke.out.strip().lines().reduce((a, b) -> b).orElse("{}");
    JsonNode result = new ObjectMapper().readTree(last);
    List<String> opened = new ArrayList<>();
    result.path("pages").forEach(p -> opened.add(p.path("page").asText()));
    List<String> problems = new ArrayList<>();
    result.path("problems").forEach(p -> problems.add(p.asText()));
    return new Smoke(result.path("browser").asText(), opened, problems);
  }

  private record Run(int exitCode, String out, String err) {}

  private static Run run(
      List<String> command, Map<String, String> environment, Path directory, Duration limit)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
    builder.environment().putAll(environment);
    Path out = directory.resolve("out.txt");
    Path err = directory.resolve("err.txt");
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process process = builder.start();
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new IllegalStateException(command + " did not end within " + limit);
    }
    return new Run(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private static boolean onPath(String program) {
    for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, program))) {
        return true;
      }
    }
    return false;
  }

  private static void copy(String resource, Path target) throws IOException {
    try (InputStream in = Firefox.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new UncheckedIOException(new IOException("No test resource " + resource));
      }
      Files.copy(in, target);
    }
  }
}
