package io.tributary.server;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.tributary.console.experiments.ExperimentPages;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import io.tributary.experiments.ExperimentSpec;
import io.tributary.experiments.Experiments;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The experiment endpoints: {@code GET /v1/experiments}, {@code GET, PUT, DELETE
 * /v1/experiments/{name}} (a PUT body is the experiment in YAML or JSON), {@code POST
 * /v1/experiments/{name}/stop}, {@code GET /v1/experiments/{name}/assignment?unit=u123[&log=false]}
 * and {@code GET /v1/experiments/{name}/results} (computed over the tables the caller may read);
 * and the console pages {@code /experiments} and {@code /experiments/{name}} with the same access.
 */
final class ExperimentRoutes {
  private final Experiments experiments;
  private final AccessGate gate;
  private final ExperimentPages pages;

  ExperimentRoutes(Experiments experiments, AccessGate gate) {
    this.experiments = experiments;
    this.gate = gate;
    this.pages = new ExperimentPages(experiments, ConsoleRoutes.TEMPLATES);
  }

  void register(RoutesConfig routes) {
    routes.get(
        "/v1/experiments",
        ctx ->
            HttpApi.json(
                ctx,
                200,
                Map.of(
                    "experiments", experiments.list().stream().map(s -> view(s, false)).toList())),
        Requires.authenticated());
    routes.get(
        "/v1/experiments/{name}",
        ctx -> HttpApi.json(ctx, 200, view(stored(ctx), true)),
        Requires.authenticated());
    routes.put("/v1/experiments/{name}", this::put, Requires.admin());
    routes.delete("/v1/experiments/{name}", this::delete, Requires.admin());
    routes.post(
        "/v1/experiments/{name}/stop",
        ctx -> HttpApi.json(ctx, 200, view(experiments.stop(ctx.pathParam("name")), false)),
        Requires.admin());
    routes.get("/v1/experiments/{name}/assignment", this::assignment, Requires.authenticated());
    routes.get(
        "/v1/experiments/{name}/results",
        ctx ->
            HttpApi.json(
                ctx, 200, experiments.results(ctx.pathParam("name"), gate.readableTables(ctx))),
        Requires.authenticated());
    ConsoleRoutes.page(routes, "/experiments", pages::list, Requires.authenticated());
    ConsoleRoutes.page(routes, "/experiments/{name}", pages::view, Requires.authenticated());
  }

  private Experiments.Stored stored(Context ctx) {
    String name = ctx.pathParam("name");
    return experiments.get(name).orElseThrow(() -> new NotFoundException("experiment", name));
  }

  private void put(Context ctx) {
    String name = ctx.pathParam("name");
    String text = new String(ctx.bodyAsBytes(), StandardCharsets.UTF_8);
    if (text.isBlank()) {
      throw new InvalidInputException(
          ErrorCode.INVALID_EXPERIMENT, "The body must be an experiment in YAML or JSON");
    }
    boolean created = experiments.put(name, text, "PUT /v1/experiments/" + name);
    HttpApi.json(ctx, created ? 201 : 200, view(stored(ctx), true));
  }

  private void delete(Context ctx) {
    String name = ctx.pathParam("name");
    if (!experiments.delete(name)) {
      throw new NotFoundException("experiment", name);
    }
    ctx.status(204);
  }

  private void assignment(Context ctx) {
    String unit = ctx.queryParam("unit");
    String log = ctx.queryParam("log");
    if (log != null && !log.equals("true") && !log.equals("false")) {
      throw new InvalidInputException(
          ErrorCode.INVALID_REQUEST, "Invalid log=" + log + " (true or false)");
    }
    HttpApi.json(ctx, 200, experiments.assign(ctx.pathParam("name"), unit, !"false".equals(log)));
  }

  private Map<String, Object> view(Experiments.Stored stored, boolean details) {
    ExperimentSpec spec = stored.spec();
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("name", spec.name());
    view.put("status", stored.status(experiments.now()).label());
    view.put("description", spec.description());
    view.put("salt", spec.salt());
    view.put("unit", spec.unit());
    view.put("variants", spec.variants());
    view.put("start", spec.start().map(Instant::toString).orElse(null));
    view.put("end", spec.end().map(Instant::toString).orElse(null));
    view.put("stoppedAt", stored.stoppedAt().map(Instant::toString).orElse(null));
    view.put("exposureTable", spec.exposure().table().toString());
    view.put(
        "metrics",
        spec.allMetrics().stream()
            .map(
                m ->
                    Map.of(
                        "name", m.name(),
                        "kind", m.kind().label(),
                        "guardrail", spec.guardrails().contains(m),
                        "cuped", m.covariate().isPresent()))
            .toList());
    view.put("minimumDetectableEffect", spec.minimumDetectableEffect());
    view.put("source", stored.source());
    if (details) {
      view.put("definition", stored.definition());
    }
    return view;
  }
}
