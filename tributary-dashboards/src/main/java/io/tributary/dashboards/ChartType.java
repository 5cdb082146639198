package io.tributary.dashboards;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** How a tile draws its rows, each with the options it needs (columns of the tile's result). */
public enum ChartType {
  LINE(List.of("x", "y")),
  BAR(List.of("x", "y")),
  STACKED(List.of("x", "y")),
  AREA(List.of("x", "y")),
  PIE(List.of("label", "value")),
  TABLE(List.of()),
  BIG_NUMBER(List.of("value")),
  HEATMAP(List.of("x", "y", "value"));

  private final List<String> requiredOptions;

  ChartType(List<String> requiredOptions) {
    this.requiredOptions = requiredOptions;
  }

  /** The options a tile of this type must set. */
  public List<String> requiredOptions() {
    return requiredOptions;
  }

  /** The wire form: {@code line}, {@code big-number}... */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The type labelled {@code text}, if any. */
  public static Optional<ChartType> of(String text) {
    return Arrays.stream(values()).filter(type -> type.label().equals(text)).findFirst();
  }

  /** Every label, for error messages. */
  public static List<String> labels() {
    return Arrays.stream(values()).map(ChartType::label).toList();
  }
}
