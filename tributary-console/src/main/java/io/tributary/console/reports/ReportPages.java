package io.tributary.console.reports;

import io.javalin.http.Context;
import io.tributary.access.Privilege;
import io.tributary.access.Resource;
import io.tributary.access.ResourceKind;
import io.tributary.console.Page;
import io.tributary.console.Templates;
import io.tributary.console.Viewer;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import io.tributary.reports.DeliveryOutcome;
import io.tributary.reports.ReportRun;
import io.tributary.reports.ReportSpec;
import io.tributary.reports.Reports;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The reports page, {@code /reports}: every report (name, title, targets), its latest runs (when,
 * logical date, outcome, each target's outcome, tries, error and file), the files rejected at their
 * last change, and {@code POST /reports/{name}/run} (form field {@code ds}, yesterday in UTC by
 * default), which runs a report as {@code POST /v1/reports/{name}/run} does.
 */
public final class ReportPages {
  /** How many runs of each report the page shows. */
  static final int HISTORY = 10;

  private final Reports reports;
  private final Clock clock;
  private final Templates templates;

  public ReportPages(Reports reports, Clock clock, Templates templates) {
    this.reports = Objects.requireNonNull(reports, "reports is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
    this.templates = Objects.requireNonNull(templates, "templates is null");
  }

  /** One report as the page shows it. */
  public record ReportView(
      String name, String title, List<String> targets, List<RunView> runs, boolean manage) {}

  /** One run of a report. */
  public record RunView(
      String startedAt,
      String ds,
      String outcome,
      String error,
      String startedBy,
      List<TargetView> targets) {}

  /** What became of one target of a run. */
  public record TargetView(
      String target, String outcome, int attempts, String error, String file) {}

  /**
   * {@code GET /reports}: the reports the viewer may read ({@code read} on {@code report:<name>}),
   * with <em>Run now</em> where it may manage them; the rejected files for the admin only.
   */
  public void list(Context ctx, Viewer viewer) {
    answer(ctx, viewer, 200, "");
  }

  /** {@code POST /reports/{name}/run}: runs the report for the form's {@code ds}. */
  public void run(Context ctx, Viewer viewer) throws InterruptedException {
    String name = ctx.pathParam("name");
    if (reports.get(name).isEmpty()) {
      throw new NotFoundException("report", name);
    }
    String text = ctx.formParam("ds");
    LocalDate ds;
    try {
      ds =
          text == null || text.isBlank()
              ? LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(1)
              : LocalDate.parse(text.trim());
    } catch (DateTimeException e) {
      throw new InvalidInputException(
          ErrorCode.INVALID_PARAMETER, "Invalid ds '" + text + "': use a date such as 2024-01-31");
    }
    // the run reads what the viewer may read (the admin: everything)
    ReportRun run =
        reports.run(
            name,
            ds,
            Map.of(),
            table -> viewer.allows(Privilege.READ, Resource.table(table)),
            "user " + viewer.user());
    answer(
        ctx,
        viewer,
        200,
        "Report "
            + name
            + " for "
            + run.ds()
            + ": "
            + run.outcome().label()
            + run.error().map(error -> " (" + error + ")").orElse(""));
  }

  private void answer(Context ctx, Viewer viewer, int status, String notice) {
    List<ReportView> views = new ArrayList<>();
    for (ReportSpec spec : reports.list().values()) {
      Resource resource = new Resource(ResourceKind.REPORT, spec.name());
      if (!viewer.allows(Privilege.READ, resource)) {
        continue;
      }
      views.add(
          new ReportView(
              spec.name(),
              spec.title(),
              spec.targets().stream().map(ReportSpec.Target::label).toList(),
              reports.history(spec.name(), HISTORY).stream().map(ReportPages::runView).toList(),
              viewer.allows(Privilege.MANAGE, resource)));
    }
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("page", Page.of(ctx, "Reports", "reports"));
    params.put("reports", views);
    params.put(
        "problems",
        viewer.allows(Privilege.ADMIN, Resource.PLATFORM) ? reports.problems() : Map.of());
    params.put("notice", notice);
    params.put("yesterday", LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(1).toString());
    templates.answer(ctx, status, "reports/list.jte", params);
  }

  private static RunView runView(ReportRun run) {
    return new RunView(
        run.startedAt().toString(),
        run.ds(),
        run.outcome().label(),
        run.error().orElse(""),
        run.startedBy(),
        run.deliveries().stream().map(ReportPages::targetView).toList());
  }

  private static TargetView targetView(DeliveryOutcome delivery) {
    return new TargetView(
        delivery.target(),
        delivery.status().label(),
        delivery.attempts(),
        delivery.error().orElse(""),
        delivery.path().orElse(""));
  }
}
