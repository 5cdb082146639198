package io.tributary.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Prints a query answer ({@code {"columns": [...], "rows": [[...]]}}) as a table, CSV or JSON. */
final class ResultPrinter {
  enum Format {
    TABLE,
    CSV,
    JSON,
    /** Streamed by {@link SqlCommand}, never printed from a JSON answer. */
    NDJSON
  }

  private ResultPrinter() {}

  /**
   * Prints {@code result} to {@code out}; a truncation notice (not for JSON, which carries it) goes
   * to {@code notices}, so a result piped to a file still warns on the terminal.
   */
  static void print(JsonNode result, Format format, PrintStream out, PrintStream notices) {
    List<String> names = new ArrayList<>();
    result.path("columns").forEach(c -> names.add(c.path("name").asText()));
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode row : result.path("rows")) {
      List<String> cells = new ArrayList<>();
      row.forEach(
          cell ->
              cells.add(
                  cell.isNull() ? null : cell.isValueNode() ? cell.asText() : cell.toString()));
      rows.add(cells);
    }
    switch (format) {
      case JSON -> out.println(result.toPrettyString());
      case CSV -> {
        out.println(String.join(",", names.stream().map(ResultPrinter::csv).toList()));
        rows.forEach(
            r -> out.println(String.join(",", r.stream().map(ResultPrinter::csv).toList())));
      }
      default -> table(names, rows, out);
    }
    if (format != Format.JSON && result.path("truncated").asBoolean()) {
      String message =
          result.hasNonNull("message")
              ? result.path("message").asText()
              : "Result truncated: more rows than the server's query.max-rows";
      notices.println("(" + message + ")");
    }
  }

  private static String csv(String value) {
    if (value == null) {
      return "";
    }
    boolean quote = value.contains(",") || value.contains("\"") || value.contains("\n");
    return quote ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
  }

  static void table(List<String> names, List<List<String>> rows, PrintStream out) {
    int[] widths = new int[names.size()];
    for (int i = 0; i < names.size(); i++) {
      widths[i] = names.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], display(row.get(i)).length());
      }
    }
    StringBuilder rule = new StringBuilder("+");
    for (int w : widths) {
      rule.append("-".repeat(w + 2)).append('+');
    }
    out.println(rule);
    out.println(line(names, widths));
    out.println(rule);
    rows.forEach(r -> out.println(line(r, widths)));
    out.println(rule);
    out.println(rows.size() + (rows.size() == 1 ? " row" : " rows"));
  }

  private static String display(String value) {
    return value == null ? "NULL" : value;
  }

  private static String line(List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder("|");
    for (int i = 0; i < widths.length; i++) {
      String cell = display(cells.get(i));
      line.append(' ').append(cell).append(" ".repeat(widths[i] - cell.length())).append(" |");
    }
    return line.toString();
  }
}
