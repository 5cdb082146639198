package io.tributary.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.tributary.access.Authorizer;
import io.tributary.access.Privilege;
import io.tributary.access.Resource;
import io.tributary.access.ResourceKind;
import io.tributary.batch.Batch;
import io.tributary.batch.CrawlRun;
import io.tributary.batch.CrawlerSpecs;
import io.tributary.batch.LandingZone;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import io.tributary.core.config.CrawlerSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The batch endpoints: landing uploads ({@code PUT /v1/landing/{source}/{path}}), the landing
 * listing ({@code GET /v1/landing}) and crawlers ({@code /v1/crawlers...}). Errors go through
 * {@link HttpApi}'s mapping.
 *
 * <p>Landing into a source writes, through the crawlers reading it, into their namespaces: so it
 * needs {@code write} on the target namespace of every crawler whose source it is (a source no
 * crawler reads needs {@code admin}), and the listing shows only the sources the caller may land
 * into.
 */
final class BatchRoutes {
  private static final int DEFAULT_RUNS = 20;
  private static final int MAX_LISTED = 1000;

  private final Batch batch;

  BatchRoutes(Batch batch) {
    this.batch = batch;
  }

  void register(RoutesConfig routes) {
    // the privilege depends on the crawlers reading the source: checked by the handlers
    routes.put("/v1/landing/{source}/<path>", this::land, Requires.authenticated());
    routes.get("/v1/landing", this::listLanding, Requires.authenticated());
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
    batch.landing().sourceDir(source); // a bad source name is a 400, before any access decision
    Optional<Resource> missing = missingToLand(ctx, source);
    if (missing.isPresent()) {
      Privilege privilege =
          missing.get().equals(Resource.PLATFORM) ? Privilege.ADMIN : Privilege.WRITE;
      throw Authorizer.forbidden(AccessGate.identity(ctx), privilege, missing.get());
    }
    try (InputStream body = ctx.bodyInputStream()) {
      HttpApi.json(ctx, 201, batch.landing().store(source, path, body));
    }
  }

  /**
   * What the caller lacks to land into {@code source}: {@code write} on the namespace of a crawler
   * reading it, or {@code admin} (the platform) when no crawler reads it; empty if nothing.
   */
  private Optional<Resource> missingToLand(Context ctx, String source) {
    List<Resource> namespaces =
        batch.registry().list().stream()
            .filter(spec -> spec.source().equals(source))
            .map(spec -> new Resource(ResourceKind.NAMESPACE, spec.namespace()))
            .distinct()
            .toList();
    if (namespaces.isEmpty()) {
      return AccessGate.allows(ctx, Privilege.ADMIN, Resource.PLATFORM)
          ? Optional.empty()
          : Optional.of(Resource.PLATFORM);
    }
    return namespaces.stream()
        .filter(namespace -> !AccessGate.allows(ctx, Privilege.WRITE, namespace))
        .findFirst();
  }

  /** The landing sources the caller may land into, with their files. */
  private void listLanding(Context ctx) throws IOException {
    Set<String> sources = new TreeSet<>();
    batch.registry().list().forEach(spec -> sources.add(spec.source()));
    Path root = batch.landing().root();
    try (Stream<Path> folders = Files.list(root)) {
      folders
          .filter(Files::isDirectory)
          .map(folder -> folder.getFileName().toString())
          .filter(LandingZone::isDataName)
          .forEach(sources::add);
    }
    List<Map<String, Object>> listed = new ArrayList<>();
    for (String source : sources) {
      if (missingToLand(ctx, source).isEmpty()) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("source", source);
        view.put("files", landedFiles(root.resolve(source)));
        listed.add(view);
      }
    }
    HttpApi.json(ctx, 200, Map.of("sources", listed));
  }

  /** The data files under {@code folder} (relative paths, sizes), at most {@value #MAX_LISTED}. */
  private static List<Map<String, Object>> landedFiles(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(folder)) {
      return files
          .filter(Files::isRegularFile)
          .filter(
              file -> {
                for (Path part : folder.relativize(file)) {
                  if (!LandingZone.isDataName(part.toString())) {
                    return false;
                  }
                }
                return true;
              })
          .sorted()
          .limit(MAX_LISTED)
          .map(
              file -> {
                Map<String, Object> view = new LinkedHashMap<>();
                view.put("path", folder.relativize(file).toString().replace('\\', '/'));
                view.put("size", file.toFile().length());
                return view;
              })
          .toList();
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
