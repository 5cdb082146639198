package io.tributary.batch;

import java.time.Instant;
import java.util.Objects;

/**
 * A file arrived (or changed) in the landing zone.
 *
 * @param source the landing folder, {@code landing/<source>/}
 * @param path the file's path under the source folder, {@code /}-separated
 * @param size its size in bytes
 * @param modified its modification time
 * @param origin how it arrived: {@code upload} (HTTP/CLI) or {@code detected} (copied in)
 */
public record LandingEvent(String source, String path, long size, Instant modified, String origin) {
  public LandingEvent {
    Objects.requireNonNull(source, "source is null");
    Objects.requireNonNull(path, "path is null");
    Objects.requireNonNull(modified, "modified is null");
    Objects.requireNonNull(origin, "origin is null");
  }
}
