package io.tributary.demo;

import io.tributary.core.InvalidInputException;
import io.tributary.flow.Flows;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live-audio app's flows, shipped in this module's {@code flows/} resources: {@code
 * daily_show_stats}, {@code trending_shows}, {@code daily_flash}, {@code show_catalog_daily} and
 * {@code maintain_raw}. Their tables and SQL are checked against the lake when they are declared
 * (tables, and the columns the first events bring), so {@link #declareMissing} declares each one
 * once what it reads exists.
 */
public final class DemoFlows {
  private static final Logger LOG = LoggerFactory.getLogger(DemoFlows.class);

  /** The names of the shipped flows, each in {@code /flows/NAME.yaml}. */
  public static final List<String> NAMES =
      List.of(
          "daily_show_stats",
          "trending_shows",
          "daily_flash",
          "show_catalog_daily",
          "maintain_raw",
          "daily_flash_report");

  private DemoFlows() {}

  /** Every shipped flow's YAML text, by name. */
  public static Map<String, String> texts() {
    Map<String, String> texts = new LinkedHashMap<>();
    for (String name : NAMES) {
      String resource = "/flows/" + name + ".yaml";
      try (InputStream in = DemoFlows.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("Missing resource " + resource + " in the Tributary jar");
        }
        texts.put(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read resource " + resource, e);
      }
    }
    return texts;
  }

  /**
   * Declares the shipped flows that {@code flows} does not have yet; one that does not load (its
   * tables do not exist yet) is left for a later call, and nothing is thrown.
   *
   * @return the names declared by this call
   */
  public static List<String> declareMissing(Flows flows) {
    List<String> declared = new ArrayList<>();
    texts()
        .forEach(
            (name, text) -> {
              if (flows.get(name).isPresent()) {
                return;
              }
              if (name.equals("daily_flash_report") && flows.get("daily_flash").isEmpty()) {
                return; // its report reads raw.app_events: declared once daily_flash could be
              }
              try {
                flows.put(name, text);
                declared.add(name);
                LOG.info("Demo flow {} declared", name);
              } catch (InvalidInputException e) {
                LOG.debug("Demo flow {} not declared yet: {}", name, e.getMessage());
              } catch (RuntimeException e) {
                LOG.warn("Demo flow {} not declared: {}", name, e.toString());
              }
            });
    return declared;
  }
}
