package io.tributary.core.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the human forms of sizes ({@code 64MiB}, {@code 4MB}, {@code 512}) and durations. */
public final class Units {
  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*(b|kb|kib|mb|mib|gb|gib)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern DURATION =
      Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);

  private Units() {}

  /**
   * Parses a byte size: a number with an optional unit B, KB, KiB, MB, MiB, GB, GiB.
   *
   * @throws IllegalArgumentException naming the text when it is not a size
   */
  public static long parseSize(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a size, expected e.g. 64MiB, 1000KiB, 4MB or 512");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    long factor =
        switch (unit) {
          case "kb" -> 1_000L;
          case "kib" -> 1L << 10;
          case "mb" -> 1_000_000L;
          case "mib" -> 1L << 20;
          case "gb" -> 1_000_000_000L;
          case "gib" -> 1L << 30;
          default -> 1L;
        };
    return Math.multiplyExact(n, factor);
  }

  /**
   * Parses a duration: a number with a unit ms, s, m, h or d ({@code 60s}, {@code 200ms}).
   *
   * @throws IllegalArgumentException naming the text when it is not a duration
   */
  public static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a duration, expected e.g. 60s, 200ms, 5m, 1h");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  /** Formats a duration the way config files write it. */
  public static String formatDuration(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }

  /** Formats a size the way config files write it. */
  public static String formatSize(long bytes) {
    if (bytes > 0 && bytes % (1L << 20) == 0) {
      return bytes / (1L << 20) + "MiB";
    }
    if (bytes > 0 && bytes % (1L << 10) == 0) {
      return bytes / (1L << 10) + "KiB";
    }
    return Long.toString(bytes);
  }
}
