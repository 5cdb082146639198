package io.tributary.reports;

import io.tributary.core.TableId;
import io.tributary.core.TributaryException;
import io.tributary.flow.Templates;
import io.tributary.query.QueryResult;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/** Runs a report's queries for one logical date: the figures its renderer shows. */
public final class ReportProducer {
  /** Runs one read statement, reading only the tables {@code readable} accepts. */
  @FunctionalInterface
  public interface Queries {
    QueryResult execute(String sql, Predicate<TableId> readable);
  }

  private final Queries queries;

  public ReportProducer(Queries queries) {
    this.queries = Objects.requireNonNull(queries, "queries is null");
  }

  /**
   * The template variables of a report run for logical date {@code ds}: those of a flow run ({@code
   * ds}, {@code ds_nodash}, {@code logical_date}, {@code data_interval_start}, {@code
   * data_interval_end}, {@code run_id}, {@code flow}) and the report's {@code params.*}; {@code
   * flowVariables}, when it runs in a flow, win over the derived ones.
   */
  public static Map<String, String> variables(
      String report, LocalDate ds, Map<String, String> flowVariables) {
    Map<String, String> variables = new HashMap<>();
    String text = DateTimeFormatter.ISO_LOCAL_DATE.format(ds);
    variables.put("ds", text);
    variables.put("ds_nodash", text.replace("-", ""));
    variables.put("logical_date", ds.atStartOfDay(ZoneOffset.UTC).toInstant().toString());
    variables.put("data_interval_start", variables.get("logical_date"));
    variables.put(
        "data_interval_end", ds.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toString());
    variables.put("run_id", "report-" + text.replace("-", ""));
    variables.put("flow", report);
    variables.putAll(flowVariables);
    return variables;
  }

  /**
   * Runs every section's query.
   *
   * @throws ReportFailedException naming the section whose query failed and why
   */
  public ProducedReport produce(
      ReportSpec spec, LocalDate ds, Map<String, String> flowVariables, Predicate<TableId> readable)
      throws ReportFailedException {
    Map<String, String> variables = variables(spec.name(), ds, flowVariables);
    spec.params().forEach((name, value) -> variables.putIfAbsent("params." + name, value));
    List<ProducedReport.SectionResult> results = new ArrayList<>();
    for (int i = 0; i < spec.sections().size(); i++) {
      ReportSpec.Section section = spec.sections().get(i);
      String sql = Templates.render(section.sql(), variables);
      QueryResult result;
      try {
        result = queries.execute(sql, readable);
      } catch (TributaryException | IllegalStateException e) {
        String name = section.title().isEmpty() ? "#" + (i + 1) : "'" + section.title() + "'";
        throw new ReportFailedException(
            "Report " + spec.name() + ", section " + name + ": the query failed: " + e.getMessage(),
            e);
      }
      results.add(
          new ProducedReport.SectionResult(
              section,
              Templates.render(section.title(), variables),
              result.columns().stream().map(QueryResult.Column::name).toList(),
              result.rows()));
    }
    return new ProducedReport(
        spec, ds, Templates.render(spec.title(), variables), variables, results);
  }
}
