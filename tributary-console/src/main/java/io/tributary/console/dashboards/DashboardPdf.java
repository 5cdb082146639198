package io.tributary.console.dashboards;

import io.javalin.http.Context;
import io.tributary.access.Privilege;
import io.tributary.access.Resource;
import io.tributary.console.Templates;
import io.tributary.console.Viewer;
import io.tributary.core.TributaryException;
import io.tributary.dashboards.Dashboard;
import io.tributary.dashboards.Dashboards;
import io.tributary.dashboards.TileData;
import io.tributary.query.QueryResult;
import io.tributary.reports.ProducedReport;
import io.tributary.reports.RenderedReport;
import io.tributary.reports.ReportRenderer;
import io.tributary.reports.ReportSpec;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code GET /dashboards/{name}/pdf?<filters>}: the dashboard with the filters of the query string
 * as a PDF, drawn on the server by the reports module's renderer. Each tile is a section whose
 * chart is the nearest report chart (line, area and stacked: line; bar: bar; pie: pie; table and
 * heatmap: table; big-number: big-number); a tile reads only the tables the viewer may read, as its
 * data route, and a tile that fails shows its error.
 */
public final class DashboardPdf {
  /** The most rows a table section of the PDF shows. */
  static final int MAX_TABLE_ROWS = 200;

  private final Dashboards dashboards;
  private final ReportRenderer renderer;
  private final Clock clock;

  public DashboardPdf(Dashboards dashboards, ReportRenderer renderer, Clock clock) {
    this.dashboards = Objects.requireNonNull(dashboards, "dashboards is null");
    this.renderer = Objects.requireNonNull(renderer, "renderer is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
  }

  /** {@code GET /dashboards/{name}/pdf}. */
  public void pdf(Context ctx, Viewer viewer) {
    Dashboard dashboard = dashboards.require(ctx.pathParam("name"));
    Map<String, String> values = new LinkedHashMap<>();
    ctx.queryParamMap()
        .forEach(
            (key, list) -> {
              if (!list.isEmpty()) {
                values.put(key, list.get(0));
              }
            });
    List<ReportSpec.Section> sections = new ArrayList<>();
    List<ProducedReport.SectionResult> results = new ArrayList<>();
    for (Dashboard.Tile tile : dashboard.tiles()) {
      ReportSpec.Section section = section(tile);
      ProducedReport.SectionResult result;
      try {
        TileData data =
            dashboards.tile(
                dashboard.name(),
                tile.id(),
                values,
                table -> viewer.allows(Privilege.READ, Resource.table(table)));
        result =
            new ProducedReport.SectionResult(
                section,
                tile.title(),
                data.columns().stream().map(QueryResult.Column::name).toList(),
                data.rows());
      } catch (TributaryException e) {
        // the tile's error, as its data route answers it, in place of its figures
        ReportSpec.Section table = withChart(section, ReportSpec.Chart.TABLE);
        result =
            new ProducedReport.SectionResult(
                table,
                tile.title(),
                List.of("error"),
                List.of(List.of(e.code() + ": " + e.getMessage())));
      }
      sections.add(result.section());
      results.add(result);
    }
    StringBuilder title = new StringBuilder(dashboard.title());
    for (Dashboard.Filter filter : dashboard.filters()) {
      String value = values.getOrDefault(filter.name(), "");
      if (value.isEmpty()) {
        value = filter.defaultValue();
      }
      if (!value.isEmpty()) {
        title.append(" · ").append(filter.label()).append(": ").append(value);
      }
    }
    if (sections.isEmpty()) {
      sections.add(
          new ReportSpec.Section(
              "No tiles",
              "",
              ReportSpec.Chart.TABLE,
              Optional.empty(),
              List.of(),
              Map.of(),
              ReportSpec.Section.DEFAULT_MAX_ROWS));
      results.add(
          new ProducedReport.SectionResult(sections.get(0), "No tiles", List.of(), List.of()));
    }
    ReportSpec spec =
        new ReportSpec("dashboard", dashboard.title(), Map.of(), sections, false, List.of());
    ProducedReport produced =
        new ProducedReport(
            spec,
            LocalDate.now(clock.withZone(ZoneOffset.UTC)),
            title.toString(),
            Map.of(),
            results);
    RenderedReport rendered = renderer.render(produced, clock.instant());
    Templates.headers(ctx);
    ctx.status(200)
        .contentType("application/pdf")
        .header(
            "Content-Disposition", "inline; filename=\"dashboard-" + dashboard.name() + ".pdf\"")
        .result(rendered.pdf());
  }

  /** The report section nearest to {@code tile}'s chart. */
  static ReportSpec.Section section(Dashboard.Tile tile) {
    Dashboard.Options options = tile.options();
    ReportSpec.Chart chart;
    Optional<String> x = Optional.empty();
    List<String> y = List.of();
    Map<String, String> deltas = Map.of();
    int maxRows = ReportSpec.Section.DEFAULT_MAX_ROWS;
    switch (tile.chart()) {
      case LINE, AREA, STACKED, BAR -> {
        chart =
            switch (tile.chart()) {
              case BAR -> ReportSpec.Chart.BAR;
              default -> ReportSpec.Chart.LINE;
            };
        x = nonEmpty(options.x());
        y = options.y();
      }
      case PIE -> {
        chart = ReportSpec.Chart.PIE;
        x = nonEmpty(options.label());
        y = options.value().isEmpty() ? List.of() : List.of(options.value());
      }
      case BIG_NUMBER -> {
        chart = ReportSpec.Chart.BIG_NUMBER;
        y = options.value().isEmpty() ? List.of() : List.of(options.value());
        if (!options.compare().isEmpty()) {
          deltas = Map.of("vs " + options.compare(), options.compare());
        }
      }
      default -> {
        chart = ReportSpec.Chart.TABLE;
        maxRows = MAX_TABLE_ROWS;
      }
    }
    return new ReportSpec.Section(tile.title(), tile.sql(), chart, x, y, deltas, maxRows);
  }

  private static ReportSpec.Section withChart(ReportSpec.Section section, ReportSpec.Chart chart) {
    return new ReportSpec.Section(
        section.title(),
        section.sql(),
        chart,
        Optional.empty(),
        List.of(),
        Map.of(),
        ReportSpec.Section.DEFAULT_MAX_ROWS);
  }

  private static Optional<String> nonEmpty(String text) {
    return text.isEmpty() ? Optional.empty() : Optional.of(text);
  }
}
