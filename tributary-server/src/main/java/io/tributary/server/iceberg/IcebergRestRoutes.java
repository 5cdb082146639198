package io.tributary.server.iceberg;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.security.RouteRole;
import io.tributary.access.Privilege;
import io.tributary.access.Resource;
import io.tributary.access.ResourceKind;
import io.tributary.lake.ExternalCommits;
import io.tributary.lake.Lake;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.catalog.ViewCatalog;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.rest.CatalogHandlers;
import org.apache.iceberg.rest.Endpoint;
import org.apache.iceberg.rest.RESTCatalogProperties;
import org.apache.iceberg.rest.RESTRequest;
import org.apache.iceberg.rest.RESTSerializers;
import org.apache.iceberg.rest.RESTUtil;
import org.apache.iceberg.rest.requests.CommitTransactionRequest;
import org.apache.iceberg.rest.requests.CreateNamespaceRequest;
import org.apache.iceberg.rest.requests.CreateTableRequest;
import org.apache.iceberg.rest.requests.CreateViewRequest;
import org.apache.iceberg.rest.requests.RegisterTableRequest;
import org.apache.iceberg.rest.requests.RegisterViewRequest;
import org.apache.iceberg.rest.requests.RenameTableRequest;
import org.apache.iceberg.rest.requests.UpdateNamespacePropertiesRequest;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.apache.iceberg.rest.responses.ConfigResponse;
import org.apache.iceberg.rest.responses.ErrorResponse;
import org.apache.iceberg.rest.responses.ListTablesResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Iceberg REST catalog at {@value #PATH} on the HTTP port, so engines use {@code
 * uri=http://host:7070/iceberg}. It serves the lake's own JDBC catalog through Iceberg's
 * server-side handlers ({@link CatalogHandlers}): namespaces, tables (create, stage-create, load,
 * commit, rename, register, drop, purge), multi-table commits and views.
 *
 * <p>When the warehouse is on S3, the config response names the endpoint, region and path style,
 * and a table's load or create response adds the lake's S3 credentials for the caller authorized
 * for that table ({@link StorageAccess}).
 *
 * <p>Commits from clients and from the platform never lose each other: every commit ends in the
 * JDBC catalog's compare-and-swap of the table's metadata location, and every table change goes
 * through the lake ({@link ExternalCommits}), holding the commit lock of the platform tables it
 * touches, so it queues behind delivery instead of racing it.
 */
public final class IcebergRestRoutes {
  /** Where the catalog is mounted. */
  public static final String PATH = "/iceberg";

  private static final Logger LOG = LoggerFactory.getLogger(IcebergRestRoutes.class);
  private static final String NAMESPACE_SEPARATOR = "%1F";
  private static final List<HandlerType> METHODS =
      List.of(HandlerType.GET, HandlerType.HEAD, HandlerType.POST, HandlerType.DELETE);

  private final Catalog catalog;
  private final SupportsNamespaces namespaces;
  private final ExternalCommits commits;
  private final RequestChecks checks;
  private final StorageAccess storage;
  private final ObjectMapper mapper;
  private final Map<Endpoint, RouteHandler> routes = new LinkedHashMap<>();
  private final List<Route> matchers = new ArrayList<>();

  /** The caller's privileges, decided by the platform's access control. */
  public interface Guard {
    /** Refuses (403) a request whose caller lacks {@code privilege} on {@code resource}. */
    void require(Context ctx, Privilege privilege, Resource resource);

    /** Whether the caller holds {@code privilege} on {@code resource}: for what lists show. */
    boolean allows(Context ctx, Privilege privilege, Resource resource);
  }

  /** What a route needs: a privilege on each resource the call names. */
  private record Need(Privilege privilege, Function<Call, List<Resource>> resources) {}

  private final Guard guard;
  private final Map<Endpoint, Need> needs = new LinkedHashMap<>();

  /** One call: the route's path variables (still URL-encoded) and the HTTP context. */
  private record Call(Map<String, String> variables, Context ctx) {}

  @FunctionalInterface
  private interface RouteHandler {
    /** The response body, or {@code null} for 204 No Content. */
    Object handle(Call call) throws IOException;
  }

  /** An endpoint's path split into literal segments and {@code {variables}}. */
  private record Route(Endpoint endpoint, List<String> segments) {
    static Route of(Endpoint endpoint) {
      String path = endpoint.path().replace("/{prefix}", "");
      return new Route(endpoint, Arrays.asList(path.substring(1).split("/")));
    }

    Map<String, String> match(List<String> request) {
      if (request.size() != segments.size()) {
        return null;
      }
      Map<String, String> variables = new LinkedHashMap<>();
      for (int i = 0; i < segments.size(); i++) {
        String segment = segments.get(i);
        if (segment.startsWith("{") && segment.endsWith("}")) {
          if (request.get(i).isEmpty()) {
            return null;
          }
          variables.put(segment.substring(1, segment.length() - 1), request.get(i));
        } else if (!segment.equals(request.get(i))) {
          return null;
        }
      }
      return variables;
    }
  }

  public IcebergRestRoutes(Lake lake, Guard guard) {
    Objects.requireNonNull(lake, "lake is null");
    this.guard = Objects.requireNonNull(guard, "guard is null");
    this.catalog = lake.catalog();
    this.namespaces = (SupportsNamespaces) catalog;
    this.commits = lake.externalCommits();
    this.checks = new RequestChecks(catalog, namespaces, lake.locations());
    this.storage = StorageAccess.of(lake);
    // the shape of Iceberg's own REST mapper: request/response classes bind by field, kebab-case
    this.mapper =
        new ObjectMapper(
            new JsonFactoryBuilder()
                .configure(JsonFactory.Feature.INTERN_FIELD_NAMES, false)
                .build());
    mapper.setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);
    mapper.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    mapper.setPropertyNamingStrategy(new PropertyNamingStrategies.KebabCaseStrategy());
    RESTSerializers.registerAll(mapper);
    namespaceRoutes();
    tableRoutes();
    if (catalog instanceof ViewCatalog views) {
      viewRoutes(views);
    }
    routes.keySet().forEach(endpoint -> matchers.add(Route.of(endpoint)));
    declareNeeds();
  }

  /**
   * The privilege each route needs (config and listings need only authentication): reads need
   * {@code read} on the table, commits {@code write}, creating, dropping, renaming and registering
   * {@code manage} on the namespace or table.
   */
  private void declareNeeds() {
    Function<Call, List<Resource>> namespace = call -> List.of(namespaceResource(namespace(call)));
    Function<Call, List<Resource>> table = call -> List.of(tableResource(table(call, "table")));
    Function<Call, List<Resource>> view = call -> List.of(tableResource(table(call, "view")));
    needs.put(
        Endpoint.V1_CREATE_NAMESPACE,
        new Need(
            Privilege.MANAGE,
            call ->
                List.of(namespaceResource(body(call, CreateNamespaceRequest.class).namespace()))));
    needs.put(Endpoint.V1_UPDATE_NAMESPACE, new Need(Privilege.MANAGE, namespace));
    needs.put(Endpoint.V1_DELETE_NAMESPACE, new Need(Privilege.MANAGE, namespace));
    needs.put(Endpoint.V1_CREATE_TABLE, new Need(Privilege.MANAGE, namespace));
    needs.put(Endpoint.V1_REGISTER_TABLE, new Need(Privilege.MANAGE, namespace));
    needs.put(Endpoint.V1_TABLE_EXISTS, new Need(Privilege.READ, table));
    needs.put(Endpoint.V1_LOAD_TABLE, new Need(Privilege.READ, table));
    needs.put(Endpoint.V1_REPORT_METRICS, new Need(Privilege.READ, table));
    needs.put(Endpoint.V1_UPDATE_TABLE, new Need(Privilege.WRITE, table));
    needs.put(Endpoint.V1_DELETE_TABLE, new Need(Privilege.MANAGE, table));
    needs.put(
        Endpoint.V1_RENAME_TABLE,
        new Need(Privilege.MANAGE, call -> renamed(body(call, RenameTableRequest.class))));
    needs.put(
        Endpoint.V1_COMMIT_TRANSACTION,
        new Need(
            Privilege.WRITE,
            call ->
                body(call, CommitTransactionRequest.class).tableChanges().stream()
                    .map(change -> tableResource(change.identifier()))
                    .toList()));
    needs.put(Endpoint.V1_CREATE_VIEW, new Need(Privilege.MANAGE, namespace));
    needs.put(Endpoint.V1_REGISTER_VIEW, new Need(Privilege.MANAGE, namespace));
    needs.put(Endpoint.V1_VIEW_EXISTS, new Need(Privilege.READ, view));
    needs.put(Endpoint.V1_LOAD_VIEW, new Need(Privilege.READ, view));
    needs.put(Endpoint.V1_UPDATE_VIEW, new Need(Privilege.MANAGE, view));
    needs.put(Endpoint.V1_DELETE_VIEW, new Need(Privilege.MANAGE, view));
    needs.put(
        Endpoint.V1_RENAME_VIEW,
        new Need(Privilege.MANAGE, call -> renamed(body(call, RenameTableRequest.class))));
  }

  private static List<Resource> renamed(RenameTableRequest request) {
    return List.of(
        tableResource(request.source()), namespaceResource(request.destination().namespace()));
  }

  private static Resource namespaceResource(Namespace namespace) {
    return new Resource(ResourceKind.NAMESPACE, String.join(".", namespace.levels()));
  }

  private static Resource tableResource(TableIdentifier identifier) {
    return new Resource(
        ResourceKind.TABLE,
        String.join(".", identifier.namespace().levels()) + "." + identifier.name());
  }

  /** The routes that need only authentication (their answers are the catalog's shape). */
  List<Endpoint> routesWithoutPrivilege() {
    return routes.keySet().stream().filter(endpoint -> !needs.containsKey(endpoint)).toList();
  }

  /** Adds the catalog's routes to a Javalin app being configured. */
  public void register(JavalinConfig config, RouteRole role) {
    for (HandlerType method : METHODS) {
      config.routes.addHttpHandler(method, PATH + "/*", this::handle, role);
    }
  }

  private void namespaceRoutes() {
    routes.put(Endpoint.create("GET", "/v1/config"), call -> config());
    routes.put(
        Endpoint.V1_LIST_NAMESPACES,
        call -> {
          String parent = call.ctx().queryParam("parent");
          Namespace namespace =
              parent == null || parent.isEmpty()
                  ? Namespace.empty()
                  : RESTUtil.namespaceFromQueryParam(parent);
          String pageSize = call.ctx().queryParam("pageSize");
          return pageSize == null
              ? CatalogHandlers.listNamespaces(namespaces, namespace)
              : CatalogHandlers.listNamespaces(
                  namespaces, namespace, call.ctx().queryParam("pageToken"), pageSize);
        });
    routes.put(
        Endpoint.V1_CREATE_NAMESPACE,
        call -> {
          CreateNamespaceRequest request = body(call, CreateNamespaceRequest.class);
          checks.createNamespace(request);
          return CatalogHandlers.createNamespace(namespaces, request);
        });
    routes.put(
        Endpoint.V1_NAMESPACE_EXISTS,
        call -> {
          CatalogHandlers.namespaceExists(namespaces, namespace(call));
          return null;
        });
    routes.put(
        Endpoint.V1_LOAD_NAMESPACE,
        call -> CatalogHandlers.loadNamespace(namespaces, namespace(call)));
    routes.put(
        Endpoint.V1_UPDATE_NAMESPACE,
        call -> {
          UpdateNamespacePropertiesRequest request =
              body(call, UpdateNamespacePropertiesRequest.class);
          checks.namespaceProperties(request.updates());
          return CatalogHandlers.updateNamespaceProperties(namespaces, namespace(call), request);
        });
    routes.put(
        Endpoint.V1_DELETE_NAMESPACE,
        call -> {
          CatalogHandlers.dropNamespace(namespaces, namespace(call));
          return null;
        });
  }

  private void tableRoutes() {
    routes.put(
        Endpoint.V1_LIST_TABLES,
        call -> {
          String pageSize = call.ctx().queryParam("pageSize");
          ListTablesResponse listed =
              pageSize == null
                  ? CatalogHandlers.listTables(catalog, namespace(call))
                  : CatalogHandlers.listTables(
                      catalog, namespace(call), call.ctx().queryParam("pageToken"), pageSize);
          // only the tables the caller may read (a page may come out shorter than asked)
          return ListTablesResponse.builder()
              .addAll(
                  listed.identifiers().stream()
                      .filter(id -> guard.allows(call.ctx(), Privilege.READ, tableResource(id)))
                      .toList())
              .nextPageToken(listed.nextPageToken())
              .build();
        });
    routes.put(
        Endpoint.V1_CREATE_TABLE,
        call -> {
          CreateTableRequest request = body(call, CreateTableRequest.class);
          checks.createTable(namespace(call), request);
          return storage.withAccess(commits.create(namespace(call), request));
        });
    routes.put(
        Endpoint.V1_TABLE_EXISTS,
        call -> {
          CatalogHandlers.tableExists(catalog, table(call, "table"));
          return null;
        });
    routes.put(
        Endpoint.V1_LOAD_TABLE,
        call ->
            storage.withAccess(
                CatalogHandlers.loadTable(
                    catalog, table(call, "table"), snapshotMode(call.ctx()))));
    routes.put(
        Endpoint.V1_UPDATE_TABLE,
        call -> {
          UpdateTableRequest request = body(call, UpdateTableRequest.class);
          checks.update(table(call, "table"), request);
          return commits.update(table(call, "table"), request);
        });
    routes.put(
        Endpoint.V1_DELETE_TABLE,
        call -> {
          commits.drop(
              table(call, "table"), Boolean.parseBoolean(call.ctx().queryParam("purgeRequested")));
          return null;
        });
    routes.put(
        Endpoint.V1_RENAME_TABLE,
        call -> {
          RenameTableRequest request = body(call, RenameTableRequest.class);
          checks.renameTable(request.destination());
          commits.rename(request);
          return null;
        });
    routes.put(
        Endpoint.V1_REGISTER_TABLE,
        call -> {
          RegisterTableRequest request = body(call, RegisterTableRequest.class);
          checks.registerTable(namespace(call), request.name(), request.metadataLocation());
          return readingMetadata(
              request.metadataLocation(),
              () -> storage.withAccess(commits.register(namespace(call), request)));
        });
    routes.put(
        Endpoint.V1_REPORT_METRICS,
        call -> {
          table(call, "table"); // scan and commit reports are accepted and not kept
          return null;
        });
    routes.put(
        Endpoint.V1_COMMIT_TRANSACTION,
        call -> {
          CommitTransactionRequest request = body(call, CommitTransactionRequest.class);
          checks.updates(request.tableChanges());
          commits.commitTransaction(request);
          return null;
        });
  }

  private void viewRoutes(ViewCatalog views) {
    routes.put(
        Endpoint.V1_LIST_VIEWS,
        call -> {
          String pageSize = call.ctx().queryParam("pageSize");
          return pageSize == null
              ? CatalogHandlers.listViews(views, namespace(call))
              : CatalogHandlers.listViews(
                  views, namespace(call), call.ctx().queryParam("pageToken"), pageSize);
        });
    routes.put(
        Endpoint.V1_CREATE_VIEW,
        call -> {
          CreateViewRequest request = body(call, CreateViewRequest.class);
          checks.createView(namespace(call), request);
          return CatalogHandlers.createView(views, namespace(call), request);
        });
    routes.put(
        Endpoint.V1_VIEW_EXISTS,
        call -> {
          CatalogHandlers.viewExists(views, table(call, "view"));
          return null;
        });
    routes.put(Endpoint.V1_LOAD_VIEW, call -> CatalogHandlers.loadView(views, table(call, "view")));
    routes.put(
        Endpoint.V1_UPDATE_VIEW,
        call -> {
          UpdateTableRequest request = body(call, UpdateTableRequest.class);
          checks.update(table(call, "view"), request);
          return CatalogHandlers.updateView(views, table(call, "view"), request);
        });
    routes.put(
        Endpoint.V1_DELETE_VIEW,
        call -> {
          CatalogHandlers.dropView(views, table(call, "view"));
          return null;
        });
    routes.put(
        Endpoint.V1_RENAME_VIEW,
        call -> {
          RenameTableRequest request = body(call, RenameTableRequest.class);
          checks.renameView(request.destination());
          CatalogHandlers.renameView(views, request);
          return null;
        });
    routes.put(
        Endpoint.V1_REGISTER_VIEW,
        call -> {
          RegisterViewRequest request = body(call, RegisterViewRequest.class);
          checks.registerView(namespace(call), request.name(), request.metadataLocation());
          return readingMetadata(
              request.metadataLocation(),
              () -> CatalogHandlers.registerView(views, namespace(call), request));
        });
  }

  /**
   * Runs a registration, answering 400 with one message for any file that is not readable Iceberg
   * metadata (missing, a directory, not JSON, not metadata): never its content, never which.
   */
  private static <T> T readingMetadata(String location, Supplier<T> registration) {
    try {
      return registration.get();
    } catch (AlreadyExistsException | NoSuchNamespaceException | CommitFailedException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.info("Cannot register {}: {}", location, e.getClass().getSimpleName());
      throw new BadRequestException(
          "Cannot register '%s': not a readable Iceberg metadata file", location);
    }
  }

  private ConfigResponse config() {
    List<Endpoint> endpoints =
        routes.keySet().stream().filter(e -> !e.path().equals("/v1/config")).toList();
    return ConfigResponse.builder()
        .withDefaults(storage.catalogDefaults())
        .withEndpoints(endpoints)
        .build();
  }

  private void handle(Context ctx) {
    String method = ctx.method().name();
    try {
      String uri = ctx.req().getRequestURI();
      String path = uri.substring(uri.indexOf(PATH) + PATH.length() + 1);
      List<String> segments = Arrays.asList(path.split("/", -1));
      boolean pathMatched = false;
      for (Route route : matchers) {
        Map<String, String> variables = route.match(segments);
        if (variables == null) {
          continue;
        }
        pathMatched = true;
        if (route.endpoint().httpMethod().equals(method)) {
          Call call = new Call(variables, ctx);
          Need need = needs.get(route.endpoint());
          if (need != null) {
            for (Resource resource : need.resources().apply(call)) {
              guard.require(ctx, need.privilege(), resource);
            }
          }
          respond(ctx, routes.get(route.endpoint()).handle(call));
          return;
        }
      }
      int status = pathMatched ? 405 : 404;
      error(
          ctx,
          ErrorResponse.builder()
              .responseCode(status)
              .withType(pathMatched ? "MethodNotAllowedException" : "NoSuchEndpointException")
              .withMessage("No such endpoint: " + method + " " + uri)
              .build());
    } catch (HttpResponseException e) {
      // raised by Javalin itself, e.g. 413 for a body over http.max-request-size
      error(
          ctx,
          ErrorResponse.builder()
              .responseCode(e.getStatus())
              .withType(e.getClass().getSimpleName())
              .withMessage(e.getMessage())
              .build());
    } catch (RuntimeException | IOException e) {
      ErrorResponse response = IcebergErrors.toResponse(e);
      if (response.code() >= 500) {
        LOG.warn("Iceberg REST {} {} failed", method, ctx.path(), e);
      }
      error(ctx, response);
    }
  }

  private void respond(Context ctx, Object body) throws IOException {
    if (body == null) {
      ctx.status(204);
      return;
    }
    ctx.status(200).contentType("application/json").result(mapper.writeValueAsBytes(body));
  }

  private void error(Context ctx, ErrorResponse response) {
    ctx.status(response.code());
    if (ctx.method() == HandlerType.HEAD) {
      return;
    }
    try {
      ctx.contentType("application/json").result(mapper.writeValueAsBytes(response));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private <T extends RESTRequest> T body(Call call, Class<T> type) {
    T request;
    try {
      request = mapper.readValue(call.ctx().bodyAsBytes(), type);
    } catch (JacksonException e) {
      throw new BadRequestException(
          "Malformed %s: %s", type.getSimpleName(), e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the request body: " + e.getMessage(), e);
    }
    if (request == null) {
      throw new BadRequestException("Missing request body: %s", type.getSimpleName());
    }
    request.validate();
    return request;
  }

  private static Namespace namespace(Call call) {
    return RESTUtil.decodeNamespace(call.variables().get("namespace"), NAMESPACE_SEPARATOR);
  }

  private static TableIdentifier table(Call call, String variable) {
    return TableIdentifier.of(
        namespace(call), RESTUtil.decodeString(call.variables().get(variable)));
  }

  private static RESTCatalogProperties.SnapshotMode snapshotMode(Context ctx) {
    String mode = ctx.queryParam("snapshots");
    if (mode == null || mode.isEmpty()) {
      return RESTCatalogProperties.SnapshotMode.ALL;
    }
    try {
      return RESTCatalogProperties.SnapshotMode.valueOf(mode.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("Invalid snapshots mode: '%s' (all or refs)", mode);
    }
  }
}
