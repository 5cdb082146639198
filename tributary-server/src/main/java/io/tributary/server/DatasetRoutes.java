package io.tributary.server;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.tributary.access.Privilege;
import io.tributary.access.Resource;
import io.tributary.access.ResourceKind;
import io.tributary.core.NotFoundException;
import io.tributary.core.TableId;
import io.tributary.datasets.DatasetManifest;
import io.tributary.datasets.DatasetSpec;
import io.tributary.datasets.Datasets;
import io.tributary.datasets.Recommender;
import io.tributary.flow.TaskAction;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The point-in-time dataset and recommendation endpoints: {@code POST /v1/datasets} (build; {@code
 * write} on namespace {@code transformed}, {@code read} on every input), {@code GET /v1/datasets}
 * (the manifests of the datasets the caller may read), {@code GET /v1/datasets/{name}} (its
 * manifest), {@code POST /v1/datasets/{name}/rebuild} (from the manifest; {@code write} on its
 * table), {@code GET /v1/datasets/{name}/export} (one Parquet file) and {@code GET
 * /v1/recommendations/{user}} ({@code read} on {@code transformed.show_recommendations}).
 */
final class DatasetRoutes {
  private static final String TRANSFORMED = "transformed";

  private final Datasets datasets;
  private final Recommender recommender;

  DatasetRoutes(Datasets datasets, Recommender recommender) {
    this.datasets = datasets;
    this.recommender = recommender;
  }

  void register(RoutesConfig routes) {
    routes.post(
        "/v1/datasets",
        this::build,
        new Requires(
            Requires.Need.PRIVILEGE,
            Optional.of(Privilege.WRITE),
            ctx -> new Resource(ResourceKind.NAMESPACE, TRANSFORMED)));
    routes.get("/v1/datasets", this::list, Requires.authenticated());
    routes.get("/v1/datasets/{name}", this::get, onDataset(Privilege.READ));
    routes.post("/v1/datasets/{name}/rebuild", this::rebuild, onDataset(Privilege.WRITE));
    routes.get("/v1/datasets/{name}/export", this::export, onDataset(Privilege.READ));
    routes.get(
        "/v1/recommendations/{user}",
        this::recommendations,
        new Requires(
            Requires.Need.PRIVILEGE,
            Optional.of(Privilege.READ),
            ctx -> Resource.table(TaskAction.Recommend.DEFAULT_TARGET)));
  }

  private static Requires onDataset(Privilege privilege) {
    return new Requires(
        Requires.Need.PRIVILEGE,
        Optional.of(privilege),
        ctx -> Resource.table(new TableId(TRANSFORMED, ctx.pathParam("name"))));
  }

  private static Predicate<TableId> readable(Context ctx) {
    return table -> AccessGate.allows(ctx, Privilege.READ, Resource.table(table));
  }

  private void build(Context ctx) {
    DatasetSpec spec = DatasetSpec.parse(HttpApi.readJson(ctx));
    DatasetManifest manifest = datasets.build(spec, readable(ctx));
    HttpApi.json(ctx, 201, manifest.toJson(HttpApi.JSON));
  }

  private void list(Context ctx) {
    Predicate<TableId> readable = readable(ctx);
    List<Object> visible =
        datasets.list().stream()
            .filter(manifest -> readable.test(manifest.table()))
            .<Object>map(manifest -> manifest.toJson(HttpApi.JSON))
            .toList();
    HttpApi.json(ctx, 200, Map.of("datasets", visible));
  }

  private DatasetManifest manifest(Context ctx) {
    String name = ctx.pathParam("name");
    return datasets.get(name).orElseThrow(() -> new NotFoundException("dataset", name));
  }

  private void get(Context ctx) {
    HttpApi.json(ctx, 200, manifest(ctx).toJson(HttpApi.JSON));
  }

  private void rebuild(Context ctx) {
    Datasets.Rebuilt rebuilt = datasets.rebuild(ctx.pathParam("name"), readable(ctx));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("identical", rebuilt.identical());
    body.put("previous-checksum", rebuilt.previousChecksum());
    body.put("manifest", rebuilt.manifest().toJson(HttpApi.JSON));
    HttpApi.json(ctx, 200, body);
  }

  private void export(Context ctx) throws IOException {
    DatasetManifest manifest = manifest(ctx);
    ctx.contentType("application/vnd.apache.parquet");
    ctx.header(
        "Content-Disposition", "attachment; filename=\"" + manifest.spec().name() + ".parquet\"");
    try (OutputStream out = ctx.outputStream()) {
      datasets.export(manifest.spec().name(), out);
    }
  }

  private void recommendations(Context ctx) {
    String user = ctx.pathParam("user");
    List<Recommender.Recommendation> found =
        recommender.forUser(TaskAction.Recommend.DEFAULT_TARGET, user, readable(ctx));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("user", user);
    body.put(
        "recommendations",
        found.stream()
            .map(r -> Map.of("rank", r.rank(), "show_id", r.showId(), "score", r.score()))
            .toList());
    HttpApi.json(ctx, 200, body);
  }
}
