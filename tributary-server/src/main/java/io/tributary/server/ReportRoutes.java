package io.tributary.server;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.tributary.access.Privilege;
import io.tributary.access.Resource;
import io.tributary.access.ResourceKind;
import io.tributary.console.reports.ReportPages;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import io.tributary.reports.DeliveryOutcome;
import io.tributary.reports.ReportRun;
import io.tributary.reports.ReportSpec;
import io.tributary.reports.Reports;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report endpoints: {@code GET /v1/reports}, {@code GET, PUT, DELETE /v1/reports/{name}} (a PUT
 * body is the YAML definition), {@code POST /v1/reports/{name}/run?ds=} (yesterday, UTC, by
 * default) and {@code GET /v1/reports/{name}/history?limit=}. Reports follow grants: {@code read}
 * on {@code report:<name>} lists it, shows it and its history (API and page), {@code manage} puts,
 * deletes and runs it; a run started here reads only the tables its caller may read.
 */
final class ReportRoutes {
  private static final int DEFAULT_HISTORY = 50;

  private final Reports reports;
  private final Clock clock;
  private final ReportPages pages;

  ReportRoutes(Reports reports, Clock clock) {
    this.reports = reports;
    this.clock = clock;
    this.pages = new ReportPages(reports, clock, ConsoleRoutes.TEMPLATES);
  }

  void register(RoutesConfig routes) {
    Requires read = Requires.on(Privilege.READ, ResourceKind.REPORT, "name");
    Requires manage = Requires.on(Privilege.MANAGE, ResourceKind.REPORT, "name");
    routes.get("/v1/reports", this::list, Requires.authenticated());
    routes.get("/v1/reports/{name}", this::get, read);
    routes.put("/v1/reports/{name}", this::put, manage);
    routes.delete("/v1/reports/{name}", this::delete, manage);
    routes.post("/v1/reports/{name}/run", this::run, manage);
    routes.get("/v1/reports/{name}/history", this::history, read);
    // the console's page (the reports the user may read) and its action, as the API
    ConsoleRoutes.page(routes, "/reports", pages::list, Requires.authenticated());
    ConsoleRoutes.action(routes, "/reports/{name}/run", pages::run, manage);
  }

  private void list(Context ctx) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put(
        "reports",
        reports.list().values().stream()
            .filter(
                spec ->
                    AccessGate.allows(
                        ctx, Privilege.READ, new Resource(ResourceKind.REPORT, spec.name())))
            .map(spec -> view(spec, false))
            .toList());
    view.put(
        "problems",
        AccessGate.allows(ctx, Privilege.ADMIN, Resource.PLATFORM) ? reports.problems() : Map.of());
    HttpApi.json(ctx, 200, view);
  }

  private ReportSpec spec(String name) {
    return reports.get(name).orElseThrow(() -> new NotFoundException("report", name));
  }

  private void get(Context ctx) {
    HttpApi.json(ctx, 200, view(spec(ctx.pathParam("name")), true));
  }

  private void put(Context ctx) {
    String name = ctx.pathParam("name");
    String text = new String(ctx.bodyAsBytes(), StandardCharsets.UTF_8);
    if (text.isBlank()) {
      throw new InvalidInputException(
          ErrorCode.INVALID_REPORT, "The body must be a report definition in YAML or JSON");
    }
    boolean created = reports.put(name, text);
    HttpApi.json(ctx, created ? 201 : 200, view(spec(name), true));
  }

  private void delete(Context ctx) {
    String name = ctx.pathParam("name");
    if (!reports.delete(name)) {
      throw new NotFoundException("report", name);
    }
    ctx.status(204);
  }

  private void run(Context ctx) throws InterruptedException {
    String name = ctx.pathParam("name");
    spec(name);
    String text = ctx.queryParam("ds");
    LocalDate ds;
    try {
      ds =
          text == null
              ? LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(1)
              : LocalDate.parse(text);
    } catch (DateTimeException e) {
      throw new InvalidInputException(
          ErrorCode.INVALID_PARAMETER, "Invalid ds '" + text + "': use a date such as 2024-01-31");
    }
    String caller = AccessGate.userOf(ctx).orElse(io.tributary.access.Access.ADMIN_USER);
    ReportRun run =
        reports.run(
            name,
            ds,
            Map.of(),
            table -> AccessGate.allows(ctx, Privilege.READ, Resource.table(table)),
            "user " + caller);
    HttpApi.json(ctx, 200, runView(run));
  }

  private void history(Context ctx) {
    String name = ctx.pathParam("name");
    int limit = DEFAULT_HISTORY;
    String text = ctx.queryParam("limit");
    if (text != null) {
      try {
        limit = Integer.parseInt(text);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > 1000) {
        throw new InvalidInputException(
            ErrorCode.INVALID_PARAMETER, "Invalid limit '" + text + "': use 1..1000");
      }
    }
    List<Map<String, Object>> runs =
        reports.history(name, limit).stream().map(ReportRoutes::runView).toList();
    HttpApi.json(ctx, 200, Map.of("report", name, "runs", runs));
  }

  private Map<String, Object> view(ReportSpec spec, boolean withSource) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("name", spec.name());
    view.put("title", spec.title());
    view.put("sections", spec.sections().size());
    view.put("skip-when-empty", spec.skipWhenEmpty());
    view.put("targets", spec.targets().stream().map(ReportSpec.Target::label).toList());
    List<ReportRun> last = reports.history(spec.name(), 1);
    view.put("last-run", last.isEmpty() ? null : runView(last.get(0)));
    if (withSource) {
      view.put("source", reports.text(spec.name()).orElse(""));
    }
    return view;
  }

  static Map<String, Object> runView(ReportRun run) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("run-id", run.runId());
    view.put("ds", run.ds());
    view.put("started-at", run.startedAt().toString());
    view.put("finished-at", run.finishedAt().toString());
    view.put("outcome", run.outcome().label());
    view.put("error", run.error().orElse(null));
    view.put("started-by", run.startedBy());
    view.put("targets", run.deliveries().stream().map(ReportRoutes::deliveryView).toList());
    return view;
  }

  private static Map<String, Object> deliveryView(DeliveryOutcome delivery) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("target", delivery.target());
    view.put("outcome", delivery.status().label());
    view.put("attempts", delivery.attempts());
    view.put("error", delivery.error().orElse(null));
    view.put("file", delivery.path().orElse(null));
    return view;
  }
}
