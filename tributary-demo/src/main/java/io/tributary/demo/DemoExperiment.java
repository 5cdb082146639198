package io.tributary.demo;

import io.tributary.amp.AppExperiment;
import io.tributary.core.InvalidInputException;
import io.tributary.experiments.Experiments;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live-audio app's A/B experiment, shipped in this module's {@code
 * experiments/recommended_shows.yaml}: declared once the columns its metrics read exist (the first
 * exposure events bring {@code experiment} and {@code variant} to {@code raw.app_events}).
 */
public final class DemoExperiment {
  private static final Logger LOG = LoggerFactory.getLogger(DemoExperiment.class);
  private static final String RESOURCE = "/experiments/" + AppExperiment.NAME + ".yaml";

  private DemoExperiment() {}

  /** The shipped definition's YAML text. */
  public static String text() {
    try (InputStream in = DemoExperiment.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("Missing resource " + RESOURCE + " in the Tributary jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read resource " + RESOURCE, e);
    }
  }

  /**
   * Declares the experiment if {@code experiments} does not have it yet; one that does not load yet
   * (its tables or columns are missing) is left for a later call. Whether it is declared now.
   */
  public static boolean declareMissing(Experiments experiments) {
    if (experiments.get(AppExperiment.NAME).isPresent()) {
      return true;
    }
    try {
      experiments.put(AppExperiment.NAME, text(), RESOURCE);
      LOG.info("Demo experiment {} declared", AppExperiment.NAME);
      return true;
    } catch (InvalidInputException e) {
      LOG.debug("Demo experiment {} not declared yet: {}", AppExperiment.NAME, e.getMessage());
      return false;
    } catch (RuntimeException e) {
      LOG.warn("Demo experiment {} not declared: {}", AppExperiment.NAME, e.toString());
      return false;
    }
  }
}
