package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apache Iceberg's REST Compatibility Kit (RCK) against the platform's {@code /iceberg} endpoint.
 * The kit runs in its own JVM with its own classpath (it pins Iceberg 1.11 and its own JUnit),
 * copied to {@code tributary-rck/target/rck-lib} by the {@code tributary-rck} module.
 */
class IcebergRestCompatibilityIT {
  /** The package of Iceberg's {@code RESTCompatibilityKitSuite} and its test classes. */
  private static final String SUITE_PACKAGE = "org.apache.iceberg.rest";

  private static final String LAUNCHER = "junit-platform-console-standalone";
  private static final long TIMEOUT_MINUTES = 5;

  /**
   * The kit's tests that place tables or views under {@code /tmp} outside any warehouse: the
   * platform refuses every location outside its warehouse (as Apache Polaris's allowed locations
   * do), so these answer 403 by design. {@code IcebergRestLocationsIT} covers that rule.
   */
  private static final String OUTSIDE_THE_WAREHOUSE =
      ".*#(testCompleteCreateTable|testCompleteCreateTransaction|testCompleteCreateTransactionV2"
          + "|testCompleteCreateTransactionMultipleSchemas|testCreateTableWithDefaultColumnValue"
          + "|testCompleteCreateOrReplaceTransactionCreate"
          + "|testCompleteCreateOrReplaceTransactionReplace|testCompleteReplaceTransaction"
          + "|testLoadTable|completeCreateView|createAndReplaceViewWithLocation"
          + "|createViewWithCustomMetadataLocation|updateViewLocation)";

  @TempDir Path dir;

  @Test
  void restCompatibilityKitPasses() throws Exception {
    Path lib = rckLibrary();
    Path launcher;
    List<Path> jars;
    try (Stream<Path> files = Files.list(lib)) {
      List<Path> all = files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
      launcher =
          all.stream()
              .filter(p -> p.getFileName().toString().startsWith(LAUNCHER))
              .findFirst()
              .orElseThrow(() -> new AssertionError("No " + LAUNCHER + " jar in " + lib));
      jars = all.stream().filter(p -> !p.equals(launcher)).toList();
    }
    String classPath = String.join(File.pathSeparator, jars.stream().map(Path::toString).toList());

    try (Platform platform = Platform.start(TestConfigs.config(dir, "  []"), Clock.systemUTC())) {
      String uri = platform.httpUri() + "/iceberg";
      Path output =
          Files.createDirectories(Path.of("target").toAbsolutePath()).resolve("rck-output.txt");
      Process process =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx512m",
                  // a short run: C1 only and the serial collector cost the least CPU on 2 cores
                  "-XX:TieredStopAtLevel=1",
                  "-XX:+UseSerialGC",
                  "-Drck.local=false",
                  // the mode Iceberg's own reference server passes: a table needs its namespace
                  "-Drck.requires-namespace-create=true",
                  "-Duri=" + uri,
                  "-Dtoken=" + platform.adminCredentials().token(),
                  "-jar",
                  launcher.toString(),
                  "execute",
                  "--disable-banner",
                  "--disable-ansi-colors",
                  "--details=tree",
                  "--reports-dir",
                  output.resolveSibling("rck-reports").toString(),
                  "--class-path",
                  classPath,
                  // the suite's two classes, selected directly so that the exclusion applies
                  "--select-class",
                  SUITE_PACKAGE + ".RESTCompatibilityKitCatalogTests",
                  "--select-class",
                  SUITE_PACKAGE + ".RESTCompatibilityKitViewCatalogTests",
                  "--exclude-methodname",
                  OUTSIDE_THE_WAREHOUSE)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      long start = System.nanoTime();
      boolean finished = process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
      if (!finished) {
        process.destroyForcibly().waitFor();
      }
      String report = Files.readString(output, StandardCharsets.UTF_8);
      String failures = failureLines(report);
      System.out.println(summary(report) + "\nRCK run took " + seconds + " s");
      assertThat(finished).as("the RCK finished within %d minutes", TIMEOUT_MINUTES).isTrue();
      assertThat(count(report, "tests failed")).as("failed tests:\n%s", failures).isZero();
      assertThat(count(report, "tests successful")).as("successful tests").isGreaterThan(130);
      assertThat(count(report, "containers failed")).as("failed containers").isZero();
    }
  }

  private static Path rckLibrary() {
    String property = System.getProperty("rck.lib");
    assertThat(property).as("system property rck.lib (set by the server's POM)").isNotNull();
    Path lib = Path.of(property);
    assertThat(lib).as("the RCK jars: build the tributary-rck module first").isDirectory();
    return lib;
  }

  private static long count(String report, String label) {
    Matcher matcher =
        Pattern.compile("\\[\\s*(\\d+) " + Pattern.quote(label) + "\\s*]").matcher(report);
    if (!matcher.find()) {
      throw new AssertionError("No '" + label + "' in the RCK output:\n" + tail(report));
    }
    return Long.parseLong(matcher.group(1));
  }

  private static String summary(String report) {
    return report
        .lines()
        .filter(line -> line.matches("\\[\\s*\\d+ (tests|containers) .*"))
        .reduce("RCK summary:", (a, b) -> a + "\n" + b);
  }

  /** The test tree's failed entries with their reason lines. */
  private static String failureLines(String report) {
    StringBuilder out = new StringBuilder();
    List<String> lines = report.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("✘")) {
        out.append(lines.get(i)).append('\n');
        for (int j = i + 1; j < Math.min(lines.size(), i + 4); j++) {
          out.append("    ").append(lines.get(j)).append('\n');
        }
      }
    }
    return out.toString();
  }

  private static String tail(String report) {
    List<String> lines = report.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
