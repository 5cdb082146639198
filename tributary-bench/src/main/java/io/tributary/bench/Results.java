package io.tributary.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Prints a benchmark's results: one JSON object, or one aligned {@code name value} line each. A
 * {@link Spread} prints as {@code median (min–max)}, and in JSON as the median under its name and
 * {@code <name>_min}, {@code <name>_max} beside it.
 */
final class Results {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Results() {}

  /** {@code value} rounded to two decimals, as the benchmarks print ratios and costs. */
  static double round2(double value) {
    return Math.round(value * 100) / 100.0;
  }

  static void print(Map<String, Object> results, boolean json) throws JsonProcessingException {
    if (json) {
      Map<String, Object> flat = new LinkedHashMap<>();
      results.forEach(
          (name, value) -> {
            if (value instanceof Spread spread) {
              flat.put(name, spread.median());
              flat.put(name + "_min", spread.min());
              flat.put(name + "_max", spread.max());
            } else {
              flat.put(name, value);
            }
          });
      System.out.println(JSON.writeValueAsString(flat));
      return;
    }
    int width = results.keySet().stream().mapToInt(String::length).max().orElse(0) + 1;
    System.out.println();
    results.forEach((name, value) -> System.out.printf("%-" + width + "s %s%n", name, value));
  }
}
