package io.tributary.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.tributary.access.Privilege;
import io.tributary.access.Resource;
import io.tributary.access.ResourceKind;
import io.tributary.batch.Batch;
import io.tributary.batch.CrawlRun;
import io.tributary.batch.CrawlerSpecs;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import io.tributary.core.config.CrawlerSpec;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The batch endpoints: landing uploads ({@code PUT /v1/landing/{source}/{path}}) and crawlers
 * ({@code /v1/crawlers...}). Errors go through {@link HttpApi}'s mapping.
 */
final class BatchRoutes {
  private static final int DEFAULT_RUNS = 20;

  private final Batch batch;

  BatchRoutes(Batch batch) {
    this.batch = batch;
  }

  void register(RoutesConfig routes) {
    routes.put("/v1/landing/{source}/<path>", this::land, Requires.admin());
    routes.get(
        "/v1/crawlers", ctx -> HttpApi.json(ctx, 200, crawlerList(ctx)), Requires.authenticated());
    routes.get(
        "/v1/crawlers/{name}",
        ctx -> HttpApi.json(ctx, 200, crawlerView(spec(ctx))),
        Requires.on(Privilege.RUN, ResourceKind.CRAWLER, "name"));
    routes.put(
        "/v1/crawlers/{name}",
        this::putCrawler,
        Requires.on(Privilege.MANAGE, ResourceKind.CRAWLER, "name"));
    routes.delete(
        "/v1/crawlers/{name}",
        this::deleteCrawler,
        Requires.on(Privilege.MANAGE, ResourceKind.CRAWLER, "name"));
    routes.post(
        "/v1/crawlers/{name}/runs",
        this::startRun,
        Requires.on(Privilege.RUN, ResourceKind.CRAWLER, "name"));
    routes.get(
        "/v1/crawlers/{name}/runs",
        this::listRuns,
        Requires.on(Privilege.RUN, ResourceKind.CRAWLER, "name"));
    routes.get(
        "/v1/crawlers/{name}/runs/{id}",
        this::getRun,
        Requires.on(Privilege.RUN, ResourceKind.CRAWLER, "name"));
  }

  private void land(Context ctx) throws IOException {
    String source = ctx.pathParam("source");
    String path = ctx.pathParam("path");
    try (InputStream body = ctx.bodyInputStream()) {
      HttpApi.json(ctx, 201, batch.landing().store(source, path, body));
    }
  }

  private CrawlerSpec spec(Context ctx) {
    String name = ctx.pathParam("name");
    return batch.registry().get(name).orElseThrow(() -> new NotFoundException("crawler", name));
  }

  /** The crawlers the caller may run. */
  private List<Map<String, Object>> crawlerList(Context ctx) {
    return batch.registry().list().stream()
        .filter(
            spec ->
                AccessGate.allows(
                    ctx, Privilege.RUN, new Resource(ResourceKind.CRAWLER, spec.name())))
        .map(this::crawlerView)
        .toList();
  }

  private Map<String, Object> crawlerView(CrawlerSpec spec) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("spec", CrawlerSpecs.toJson(spec));
    List<CrawlRun> last = batch.crawlers().runs(spec.name(), 1);
    view.put("last_run", last.isEmpty() ? null : last.get(0));
    return view;
  }

  private void putCrawler(Context ctx) throws IOException {
    String name = ctx.pathParam("name");
    JsonNode body = ctx.bodyAsBytes().length == 0 ? null : HttpApi.readJson(ctx);
    boolean existed = batch.registry().get(name).isPresent();
    CrawlerSpec spec = batch.registry().put(CrawlerSpecs.fromJson(name, body));
    HttpApi.json(ctx, existed ? 200 : 201, crawlerView(spec));
  }

  private void deleteCrawler(Context ctx) {
    String name = ctx.pathParam("name");
    if (!batch.registry().delete(name)) {
      throw new NotFoundException("crawler", name);
    }
    ctx.status(204);
  }

  private void startRun(Context ctx) {
    String name = ctx.pathParam("name");
    if ("true".equalsIgnoreCase(ctx.queryParam("wait"))) {
      HttpApi.json(ctx, 200, batch.crawlers().run(name));
    } else {
      HttpApi.json(ctx, 202, batch.crawlers().start(name));
    }
  }

  private void listRuns(Context ctx) {
    String limitText = ctx.queryParam("limit");
    int limit;
    try {
      limit = limitText == null ? DEFAULT_RUNS : Integer.parseInt(limitText);
    } catch (NumberFormatException e) {
      throw new InvalidInputException(
          ErrorCode.INVALID_REQUEST, "Invalid limit: '" + limitText + "' (must be 1..1000)");
    }
    if (limit < 1 || limit > 1000) {
      throw new InvalidInputException(
          ErrorCode.INVALID_REQUEST, "Invalid limit: '" + limitText + "' (must be 1..1000)");
    }
    HttpApi.json(ctx, 200, batch.crawlers().runs(ctx.pathParam("name"), limit));
  }

  private void getRun(Context ctx) {
    String name = ctx.pathParam("name");
    String id = ctx.pathParam("id");
    HttpApi.json(
        ctx,
        200,
        batch
            .crawlers()
            .find(name, id)
            .orElseThrow(() -> new NotFoundException("crawl run", name + "/" + id)));
  }
}
