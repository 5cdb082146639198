package io.tributary.reports;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A report's figures for one logical date, with its rendered title. */
public record ProducedReport(
    ReportSpec spec,
    LocalDate ds,
    String title,
    Map<String, String> variables,
    List<SectionResult> sections) {
  public ProducedReport {
    Objects.requireNonNull(spec, "spec is null");
    Objects.requireNonNull(ds, "ds is null");
    Objects.requireNonNull(title, "title is null");
    variables = Map.copyOf(variables);
    sections = List.copyOf(sections);
  }

  /** Whether every section is empty: what {@code skip-when-empty} skips. */
  public boolean empty() {
    return sections.stream().allMatch(SectionResult::empty);
  }

  /** One section's rows (cells may be null). */
  public record SectionResult(
      ReportSpec.Section section, String title, List<String> columns, List<List<Object>> rows) {
    public SectionResult {
      Objects.requireNonNull(section, "section is null");
      Objects.requireNonNull(title, "title is null");
      columns = List.copyOf(columns);
      List<List<Object>> copy = new ArrayList<>();
      for (List<Object> row : rows) {
        copy.add(Collections.unmodifiableList(new ArrayList<>(row)));
      }
      rows = Collections.unmodifiableList(copy);
    }

    /** No rows, or only nulls and zeros (a day without data). */
    public boolean empty() {
      for (List<Object> row : rows) {
        for (Object cell : row) {
          if (cell != null && !isZero(cell)) {
            return false;
          }
        }
      }
      return true;
    }

    private static boolean isZero(Object cell) {
      if (cell instanceof Number number) {
        try {
          return new BigDecimal(number.toString()).signum() == 0;
        } catch (NumberFormatException e) {
          return false;
        }
      }
      return false;
    }

    /** The index of {@code column}, or -1. */
    public int indexOf(String column) {
      return columns.indexOf(column);
    }
  }
}
