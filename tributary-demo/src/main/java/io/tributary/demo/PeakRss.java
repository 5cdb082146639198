package io.tributary.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.stream.Stream;

/** The peak resident set size of this process, as Linux reports it ({@code VmHWM}). */
final class PeakRss {
  /** The platform's memory target with the demo's flows running: 1.5 GiB. */
  static final long TARGET_MIB = 1536;

  private PeakRss() {}

  /** The peak RSS in MiB, or empty where {@code /proc/self/status} has none (not Linux). */
  static OptionalLong read() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
      return lines
          .filter(line -> line.startsWith("VmHWM:"))
          .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")) / 1024)
          .findFirst();
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }
}
