package io.tributary.demo;

import io.tributary.core.InvalidInputException;
import io.tributary.reports.Reports;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live-audio app's reports, shipped in this module's {@code reports/} resources ({@code
 * daily-flash}, run daily by the flow {@code daily_flash_report}), installed into the reports
 * folder when the demo starts unless a file of that name is there already (an edited one stays).
 */
public final class DemoReports {
  private static final Logger LOG = LoggerFactory.getLogger(DemoReports.class);

  /** The names of the shipped reports, each in {@code /reports/NAME.yaml}. */
  public static final List<String> NAMES = List.of("daily-flash");

  private DemoReports() {}

  /** The YAML text of shipped report {@code name}. */
  public static String text(String name) {
    String resource = "/reports/" + name + ".yaml";
    try (InputStream in = DemoReports.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Missing resource " + resource + " in the Tributary jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read resource " + resource, e);
    }
  }

  /** Installs the shipped reports that {@code reports} has no file of. */
  public static void install(Reports reports) {
    for (String name : NAMES) {
      try {
        if (reports.install(name, text(name))) {
          LOG.info("Demo report {} installed in {}", name, reports.dir());
        }
      } catch (InvalidInputException e) {
        LOG.warn("Demo report {} not installed: {}", name, e.getMessage());
      }
    }
  }
}
