package io.tributary.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live-audio app's dashboards, shipped in this module's {@code dashboards/} resources: {@code
 * live-now}, {@code trending-shows}, {@code engagement}, {@code promotion} and {@code creators}.
 * The demo installs each one missing into {@code <data-dir>/dashboards/} at start, where the
 * platform's watcher loads it; a file already there (edited by the user) is left alone.
 */
public final class DemoDashboards {
  private static final Logger LOG = LoggerFactory.getLogger(DemoDashboards.class);

  /** The names of the shipped dashboards, each in {@code /dashboards/NAME.yaml}. */
  public static final List<String> NAMES =
      List.of("live-now", "trending-shows", "engagement", "promotion", "creators");

  private DemoDashboards() {}

  /**
   * Writes each shipped dashboard that {@code folder} does not hold yet.
   *
   * @return the names written
   */
  public static List<String> installMissing(Path folder) {
    List<String> written = new ArrayList<>();
    try {
      Files.createDirectories(folder);
      for (String name : NAMES) {
        Path file = folder.resolve(name + ".yaml");
        if (Files.exists(file)) {
          continue;
        }
        String resource = "/dashboards/" + name + ".yaml";
        try (InputStream in = DemoDashboards.class.getResourceAsStream(resource)) {
          if (in == null) {
            throw new IllegalStateException("Missing resource " + resource + " in the jar");
          }
          Path part = folder.resolve("." + name + ".yaml.part");
          Files.write(part, in.readAllBytes());
          Files.move(part, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        written.add(name);
        LOG.info("Demo dashboard {} installed in {}", name, file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot install the demo's dashboards in " + folder, e);
    }
    return written;
  }
}
