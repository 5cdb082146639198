package io.tributary.dashboards;

import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Random YAML shapes (valid dashboards with keys dropped, values of the wrong type, scalars and
 * nestings swapped, garbage lines) never throw anything but {@link DashboardDefinitionException}.
 */
class DashboardParserPropertyTest {
  private static final List<String> KEYS =
      List.of(
          "title",
          "description",
          "refresh",
          "filters",
          "tiles",
          "id",
          "sql",
          "chart",
          "options",
          "layout",
          "x",
          "y",
          "w",
          "h",
          "name",
          "type",
          "default",
          "values-sql",
          "drill",
          "filter",
          "value",
          "compare",
          "series",
          "label",
          "columns",
          "colour");
  private static final List<String> SCALARS =
      List.of(
          "line",
          "big-number",
          "date-range",
          "choice",
          "10s",
          "-1",
          "99999999999999999999",
          "1.5",
          "null",
          "~",
          "true",
          "''",
          "\"$show\"",
          "SELECT $start",
          "$1",
          "[]",
          "{}",
          "'",
          "&a",
          "*a",
          "!!binary AAAA",
          "2026-12-01..2026-12-02",
          "1h",
          "0",
          "12",
          "13");

  @Property(tries = 400, seed = "20261205")
  void onlyDefinitionErrors(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int seed) {
    Random random = new Random(seed);
    String text =
        random.nextInt(4) == 0 ? mutate(DashboardParserTest.VALID, random) : shape(random, 0);
    assertThatCode(
            () -> {
              try {
                DashboardParser.parse("p", text, Dashboard.Origin.API, "api:p");
              } catch (DashboardDefinitionException expected) {
                // the one exception allowed
              }
            })
        .as("seed %d, text:%n%s", seed, text)
        .doesNotThrowAnyException();
  }

  private static String mutate(String valid, Random random) {
    String[] lines = valid.split("\n", -1);
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      int roll = random.nextInt(10);
      if (roll == 0) {
        continue; // dropped
      } else if (roll == 1) {
        int colon = line.indexOf(':');
        out.append(colon < 0 ? line : line.substring(0, colon + 1) + " " + pick(SCALARS, random));
      } else if (roll == 2) {
        out.append(line)
            .append("\n")
            .append(" ".repeat(random.nextInt(8)))
            .append(pick(KEYS, random))
            .append(": ")
            .append(pick(SCALARS, random));
      } else {
        out.append(line);
      }
      out.append("\n");
    }
    return out.toString();
  }

  private static String shape(Random random, int depth) {
    int roll = depth > 3 ? 0 : random.nextInt(4);
    return switch (roll) {
      case 0 -> pick(SCALARS, random);
      case 1 -> {
        StringBuilder list = new StringBuilder("[");
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          list.append(i == 0 ? "" : ", ").append(shape(random, depth + 1));
        }
        yield list.append("]").toString();
      }
      default -> {
        StringBuilder map = new StringBuilder("{");
        int n = random.nextInt(6);
        for (int i = 0; i < n; i++) {
          map.append(i == 0 ? "" : ", ")
              .append(pick(KEYS, random))
              .append(": ")
              .append(shape(random, depth + 1));
        }
        yield map.append("}").toString();
      }
    };
  }

  private static String pick(List<String> values, Random random) {
    return values.get(random.nextInt(values.size()));
  }
}
