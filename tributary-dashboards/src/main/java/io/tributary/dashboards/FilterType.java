package io.tributary.dashboards;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The kinds of dashboard filters. */
public enum FilterType {
  /**
   * A time window: {@code 1h}, {@code 7d} (the last hour, the last seven days) or {@code
   * <start>..<end>} (ISO dates or instants); binds {@code $start} and {@code $end} as {@code
   * TIMESTAMP WITH TIME ZONE}.
   */
  DATE_RANGE,
  /** One value of those a SQL list query answers ({@code values-sql}); binds {@code $<name>}. */
  CHOICE,
  /** Free text; binds {@code $<name>}. */
  TEXT;

  /** The wire form: {@code date-range}, {@code choice}, {@code text}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The type labelled {@code text}, if any. */
  public static Optional<FilterType> of(String text) {
    return Arrays.stream(values()).filter(type -> type.label().equals(text)).findFirst();
  }

  /** Every label, for error messages. */
  public static List<String> labels() {
    return Arrays.stream(values()).map(FilterType::label).toList();
  }
}
