package io.tributary.server;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tributary.access.Access;
import io.tributary.access.AccessListener;
import io.tributary.access.AccessState;
import io.tributary.access.AccessStore;
import io.tributary.access.AdminCredentials;
import io.tributary.access.Identity;
import io.tributary.access.LoginLimiter;
import io.tributary.access.PasswordHasher;
import io.tributary.access.Privilege;
import io.tributary.access.Provisioner;
import io.tributary.access.Resource;
import io.tributary.access.ScramVerifier;
import io.tributary.access.User;
import io.tributary.access.audit.AuditEvent;
import io.tributary.access.audit.Caller;
import io.tributary.access.secrets.GeneratedPasswordRotator;
import io.tributary.access.secrets.PasswordGenerator;
import io.tributary.access.secrets.Placeholders;
import io.tributary.access.secrets.Rotations;
import io.tributary.access.secrets.SecretStore;
import io.tributary.access.secrets.VariableStore;
import io.tributary.batch.Batch;
import io.tributary.console.Sessions;
import io.tributary.console.StatusPages;
import io.tributary.core.InvalidInputException;
import io.tributary.core.TableId;
import io.tributary.core.config.CrawlerSpec;
import io.tributary.core.config.TributaryConfig;
import io.tributary.dashboards.Dashboard;
import io.tributary.dashboards.Dashboards;
import io.tributary.datasets.Datasets;
import io.tributary.datasets.RecommendTaskRunner;
import io.tributary.datasets.Recommender;
import io.tributary.experiments.ExperimentTaskRunner;
import io.tributary.experiments.Experiments;
import io.tributary.experiments.StreamExposureLog;
import io.tributary.flow.Flows;
import io.tributary.flow.JavaTaskRunner;
import io.tributary.flow.SparkTaskRunner;
import io.tributary.flow.SqlTaskRunner;
import io.tributary.flow.TaskFailedException;
import io.tributary.flow.TaskReplay;
import io.tributary.flow.TaskRunner;
import io.tributary.lake.CatalogPasswords;
import io.tributary.lake.Flattener;
import io.tributary.lake.Lake;
import io.tributary.lake.S3Check;
import io.tributary.lake.TablePolicy;
import io.tributary.pgwire.PgUsers;
import io.tributary.pgwire.PgWireServer;
import io.tributary.pgwire.ServerTls;
import io.tributary.query.QueryEngine;
import io.tributary.query.ReadThroughCache;
import io.tributary.query.workbench.ResultPages;
import io.tributary.reports.Backoff;
import io.tributary.reports.Deliveries;
import io.tributary.reports.ReportHistory;
import io.tributary.reports.ReportParser;
import io.tributary.reports.ReportProducer;
import io.tributary.reports.ReportRenderer;
import io.tributary.reports.ReportTaskRunner;
import io.tributary.reports.Reports;
import io.tributary.stream.DeliveryService;
import io.tributary.stream.IngestGateway;
import io.tributary.stream.StreamLog;
import io.tributary.stream.StreamRegistry;
import io.tributary.stream.function.FunctionService;
import io.tributary.stream.function.Secrets;
import io.tributary.stream.topic.TopicRegistry;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole platform in one process: lake and catalog, audit log, secret store (refusing to start
 * without its master key), config variables, stream log (embedded or external Kafka), stream
 * registry, delivery, ingest gateway, query engine, landing zone and crawlers, flows, the HTTP API
 * and the PostgreSQL protocol endpoint. Closing it stops the PostgreSQL endpoint and the HTTP
 * server first, then flushes delivery buffers, then releases the rest in reverse order.
 */
public final class Platform implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Platform.class);

  private final TributaryConfig config;
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final PrometheusMeterRegistry meters;
  private final Lake lake;
  private final AuditLog audit;
  private final SecretStore secrets;
  private final VariableStore variables;
  private final StreamLog log;
  private final StreamRegistry streams;
  private final DeliveryService delivery;
  private final TopicRegistry topics;
  private final FunctionService functions;
  private final QueryEngine query;
  private final Batch batch;
  private final Flows flows;
  private final Reports reports;
  private final FlowOwners flowOwners;
  private final Dashboards dashboards;
  private final Experiments experiments;
  private final HttpApi http;
  private final PgWireServer pgwire;
  private final AdminCredentials admin;
  private final Optional<Access> access;
  private final ClusterNodes nodes;

  private static final int LOGIN_FAILURES = 10;
  private static final Duration LOGIN_WINDOW = Duration.ofMinutes(5);

  private Platform(TributaryConfig config, Clock clock, UnaryOperator<String> environment) {
    this.config = config;
    StartChecks.check(config);
    try {
      meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      resources.push(meters::close);
      // the S3 secret key may be a ${secret:...} of the store the lake's database holds: resolved
      // at use, once the store is open
      AtomicReference<UnaryOperator<String>> resolver =
          new AtomicReference<>(Platform::unresolvedBeforeStart);
      SecureRandom random = new SecureRandom();
      String nodeId =
          config.node().id().orElseGet(() -> ClusterNodes.localId(config.dataDir(), random));
      Optional<CatalogPassword> catalogPassword =
          CatalogPassword.secretName(config.catalog())
              .map(
                  name ->
                      CatalogPassword.open(
                          config.catalog(), name, config.dataDir(), environment, random));
      lake =
          opened(
              Lake.open(
                  config.catalog(),
                  config.lake(),
                  text -> resolver.get().apply(text),
                  clock,
                  TablePolicy.defaults(),
                  catalogPassword
                      .<CatalogPasswords>map(password -> password)
                      .orElseGet(() -> CatalogPasswords.of(config.catalog()))));
      // closed after everything that records events, so they all reach the lake
      audit =
          opened(
              new AuditLog(
                  lake, config.dataDir().resolve("audit-spill.ndjson"), Duration.ofSeconds(2)));
      secrets =
          SecretStore.open(
              this::metadataConnection,
              environment,
              config.dataDir().resolve("master.key"),
              clock,
              random,
              audit);
      catalogPassword.ifPresent(password -> password.attach(lake, secrets));
      variables = new VariableStore(this::metadataConnection, clock, audit);
      CurrentValues current = new CurrentValues(secrets, variables);
      Placeholders placeholders = new Placeholders(current::secret, current::variable);
      resolver.set(placeholders::resolve);
      // fail fast on a missing bucket, refused credentials or an unreachable endpoint
      S3Check.verify(lake);
      PasswordGenerator passwords = new PasswordGenerator(random);
      Rotations rotations =
          opened(
              new Rotations(
                  secrets,
                  Map.of(
                      GeneratedPasswordRotator.NAME,
                      new GeneratedPasswordRotator(
                          passwords, GeneratedPasswordRotator.Target.STORE_ONLY),
                      UserPasswords.ROTATOR,
                      new GeneratedPasswordRotator(
                          passwords, new UserPasswords(this::accessService)),
                      CatalogPassword.ROTATOR,
                      new GeneratedPasswordRotator(
                          passwords,
                          catalogPassword
                              .<GeneratedPasswordRotator.Target>map(password -> password)
                              .orElseGet(CatalogPassword::unused))),
                  Duration.ofSeconds(5)));
      log =
          opened(
              StreamLog.start(
                  config.kafka(),
                  config.ingest(),
                  config.dataDir(),
                  config.access().enabled(),
                  random,
                  new Secrets(current, System::getenv, config.dataDir())::resolve));
      streams = opened(new StreamRegistry(this::metadataConnection, log, config.ingest(), clock));
      streams.declare(config.streams());
      delivery =
          opened(
              new DeliveryService(
                  lake,
                  log,
                  new Flattener.Limits(
                      config.ingest().maxKeysPerRecord(), config.ingest().maxNestingDepth()),
                  meters,
                  clock));
      streams.addListener(delivery);
      streams.list().forEach(delivery::streamPut);
      IngestGateway gateway = new IngestGateway(streams, log, config.ingest(), meters, clock);
      topics =
          new TopicRegistry(
              this::metadataConnection, log, streams, gateway, config.ingest(), clock);
      topics.declare(config.topics());
      FunctionOwners functionOwners =
          new FunctionOwners(
              this::metadataConnection,
              this::accessService,
              target -> topics.get(target).isPresent(),
              clock);
      // opened after delivery, so closed before it: what functions emitted gets delivered
      functions =
          opened(
              new FunctionService(
                  this::metadataConnection,
                  log,
                  streams,
                  topics,
                  config.dataDir(),
                  nodeId,
                  current,
                  System::getenv,
                  functionOwners,
                  config.egress().withPlatformPorts(platformPorts(config)),
                  meters,
                  clock,
                  new Random()));
      functions.declare(config.functions());
      functions.startAll();
      query =
          opened(
              new QueryEngine(
                  lake.catalog(),
                  lake.warehouse(),
                  config.query(),
                  config.lake().onS3()
                      ? new ReadThroughCache(
                          config.lake().cache().dir(),
                          config.lake().cache().maxBytes(),
                          config.lake().s3Warehouse().uri(),
                          meters)
                      : null));
      batch =
          opened(
              Batch.start(
                  config,
                  lake,
                  new KafkaLandingEvents(log),
                  this::metadataConnection,
                  nodeId,
                  clock));
      FlowOwners flowOwners =
          new FlowOwners(
              this::metadataConnection,
              this::accessService,
              crawler -> batch.registry().get(crawler).map(CrawlerSpec::namespace),
              config.egress().withPlatformPorts(platformPorts(config)),
              placeholders::resolve,
              clock);
      this.flowOwners = flowOwners;
      reports =
          new Reports(
              config.reports().dir(),
              // webhooks and the SMTP server follow the egress policy functions and http tasks do
              new ReportParser(
                  query::check, config.egress().withPlatformPorts(platformPorts(config))),
              new ReportProducer(query::execute),
              new ReportRenderer(),
              new Deliveries(
                  config.reports(),
                  placeholders::resolve,
                  Backoff.DEFAULT,
                  config.egress().withPlatformPorts(platformPorts(config)),
                  clock),
              new ReportHistory(this::metadataConnection),
              clock);
      experiments =
          new Experiments(
              this::metadataConnection,
              query,
              lake,
              new StreamExposureLog(streams, gateway, Duration.ofSeconds(5)),
              table -> streams.list().stream().anyMatch(s -> s.table().equals(table)),
              clock);
      experiments.loadFiles(config.dataDir().resolve("experiments"));
      functions.useAssignments(experiments);
      SparkTaskRunner spark =
          FlowTaskTypes.spark(
              config.dataDir(),
              System::getenv,
              this::httpUri,
              this::sparkCatalogToken,
              (flow, sql) -> sparkInputs(flowOwners, flow, sql));
      flows =
          opened(
              Flows.start(
                  this::metadataConnection,
                  lake,
                  query,
                  new Flows.Settings(
                      config.flows().dir(),
                      Duration.ofSeconds(1),
                      config.flows().workers(),
                      config.flows().pools(),
                      Duration.ofSeconds(5),
                      nodeId),
                  meters,
                  clock,
                  flowTaskTypes(config, spark, clock),
                  table -> streams.list().stream().anyMatch(s -> s.table().equals(table)),
                  placeholders::resolve,
                  flowOwners));
      dashboards =
          opened(
              Dashboards.start(
                  new Dashboards.Settings(
                      config.dataDir().resolve("dashboards"),
                      Duration.ofSeconds(1),
                      Math.min(config.query().maxRows(), 10_000)),
                  this::metadataConnection,
                  query,
                  clock));
      admin = AdminCredentials.loadOrCreate(config.dataDir(), random);
      access =
          config.access().enabled() ? Optional.of(openAccess(clock, random)) : Optional.empty();
      Optional<Provisioner> provisioner =
          access.map(service -> new Provisioner(service, this::resourceExists));
      AccessRoutes accessRoutes = new AccessRoutes(access, provisioner, audit, clock);
      BatchRoutes batchRoutes = new BatchRoutes(batch);
      TaskReplay replay =
          new TaskReplay(flows, new SqlTaskRunner(query, lake, flowOwners), spark, lake);
      FlowRoutes flowRoutes = new FlowRoutes(flows, lake, replay, flowOwners);
      FunctionsApi functionsApi = new FunctionsApi(topics, functions, functionOwners);
      SecretRoutes secretRoutes = new SecretRoutes(secrets, rotations, passwords);
      VariableRoutes variableRoutes = new VariableRoutes(variables);
      DashboardRoutes dashboardRoutes = new DashboardRoutes(dashboards, clock);
      // console sessions live in the metadata database: every node accepts and ends them
      Sessions consoleSessions =
          new Sessions(
              this::metadataConnection,
              new Sessions.Settings(
                  config.console().sessionIdleTimeout(),
                  config.console().sessionMaxAge(),
                  config.console().maxSessionsPerUser()),
              clock,
              random);
      access.ifPresent(
          service -> service.addListener(new ConsoleSessionEnder(consoleSessions, service)));
      AccessGate gate = new AccessGate(access, audit, consoleSessions);
      ExperimentRoutes experimentRoutes = new ExperimentRoutes(experiments, gate);
      ConsoleRoutes consoleRoutes =
          new ConsoleRoutes(
              access,
              gate.sessions(),
              audit,
              new StatusPages.Services(
                  streams, delivery, functions, batch, flows, lake, query, meters, clock),
              replay);
      WorkbenchRoutes workbenchRoutes =
          new WorkbenchRoutes(
              lake,
              query,
              streams,
              this::metadataConnection,
              ResultPages.Limits.DEFAULTS,
              () -> dashboards.list().stream().map(Dashboard::name).toList(),
              clock);
      ReportRoutes reportRoutes = new ReportRoutes(reports, clock);
      DatasetRoutes datasetRoutes =
          new DatasetRoutes(new Datasets(lake, query, clock), new Recommender(lake, query, clock));
      http =
          opened(
              new HttpApi(
                  config.http(),
                  config.ingest(),
                  lake,
                  streams,
                  gateway,
                  delivery,
                  query,
                  meters,
                  gate,
                  new IcebergOAuth(access),
                  routes -> {
                    accessRoutes.register(routes);
                    batchRoutes.register(routes);
                    functionsApi.register(routes);
                    flowRoutes.register(routes);
                    experimentRoutes.register(routes);
                    secretRoutes.register(routes);
                    variableRoutes.register(routes);
                    dashboardRoutes.register(routes);
                    consoleRoutes.register(routes);
                    workbenchRoutes.register(routes);
                    reportRoutes.register(routes);
                    datasetRoutes.register(routes);
                    routes.get(
                        "/v1/cluster",
                        ctx -> HttpApi.json(ctx, 200, clusterView()),
                        Requires.admin());
                  }));
      nodes =
          opened(
              new ClusterNodes(
                  this::metadataConnection, nodeId, httpUri().toString(), this::owned, clock));
      pgwire =
          config.pgwire().enabled()
              ? opened(startPgWire(config, query, meters, clock, pgUsers(random)))
              : null;
      if (pgwire != null && access.isPresent()) {
        // removing a user (or its expiry) ends its PostgreSQL sessions at once
        PgWireServer sessions = pgwire;
        access
            .get()
            .addListener(
                new AccessListener() {
                  @Override
                  public void changed(AccessState state) {
                    sessions.terminateSessionsOf(user -> state.user(user).isEmpty());
                  }

                  @Override
                  public void passwordSet(String user, String password) {}
                });
      }
      functions.refusePlatformPorts(
          pgwire == null ? Set.of(http.port()) : Set.of(http.port(), pgwire.port()));
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** What this node owns now, written with its heartbeats. */
  private Map<String, Object> owned() {
    return Map.of(
        "delivery",
        delivery.ownedPartitions(),
        "functions",
        functions.ownedPartitions(),
        "crawlerRuns",
        batch.crawlers().running(),
        "flowTries",
        flows.runningTries());
  }

  /** {@code GET /v1/cluster}: the live nodes and what each owns. */
  private Map<String, Object> clusterView() {
    nodes.heartbeat(); // this node as it is now
    return Map.of("node", nodes.id(), "nodes", nodes.live());
  }

  /** The ports the platform listens on that are known before it starts. */
  private static Set<Integer> platformPorts(TributaryConfig config) {
    Set<Integer> ports = new HashSet<>();
    if (config.http().port() != 0) {
      ports.add(config.http().port());
    }
    if (config.kafka().mode() == TributaryConfig.KafkaMode.EMBEDDED) {
      ports.add(config.kafka().port());
      ports.add(config.kafka().controllerPort());
    }
    return ports;
  }

  private Access openAccess(Clock clock, SecureRandom random) {
    Access service =
        new Access(
            new AccessStore(this::metadataConnection),
            new PasswordHasher(PasswordHasher.Cost.DEFAULT, random),
            new LoginLimiter(clock, LOGIN_FAILURES, LOGIN_WINDOW),
            clock,
            random);
    if (log.clientMechanism().isPresent()) {
      // Kafka logins read the users' stored verifiers; ACLs follow the grants off the access lock
      log.useScramCredentials(
          user -> KafkaAccess.credential(service.state(), user, clock.instant()));
      AsyncAccessListener kafka =
          opened(
              new AsyncAccessListener(
                  "Kafka",
                  new KafkaAccess(log.admin()),
                  Duration.ofSeconds(1),
                  Duration.ofSeconds(30)));
      io.micrometer.core.instrument.Gauge.builder(
              "tributary.access.kafka.lag", kafka, AsyncAccessListener::lag)
          .description("Access changes not yet applied to the embedded Kafka broker's ACLs")
          .register(meters);
      service.addListener(kafka);
    }
    service.ensureAdmin(admin.password(), admin.token());
    // temporary users are refused once expired; this removes them (and their grants) for good
    ScheduledExecutorService sweeper =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "tributary-access-expiry");
              thread.setDaemon(true);
              return thread;
            });
    opened(sweeper::shutdownNow);
    sweeper.scheduleWithFixedDelay(
        () -> {
          try {
            service.removeExpired();
          } catch (RuntimeException e) {
            LOG.warn("Cannot remove expired temporary users: {}", e.toString());
          }
        },
        1,
        1,
        TimeUnit.MINUTES);
    // another node sharing the metadata database may change access: its revocations hold here
    // within the interval (listeners end the PostgreSQL sessions of users it removed)
    long refresh = config.access().refreshInterval().toMillis();
    sweeper.scheduleWithFixedDelay(
        () -> {
          try {
            service.refresh();
          } catch (RuntimeException e) {
            LOG.warn("Cannot refresh access from the metadata database: {}", e.toString());
          }
        },
        refresh,
        refresh,
        TimeUnit.MILLISECONDS);
    LOG.info(
        "Access control is on: the admin's password and token are in {}",
        config.dataDir().resolve(AdminCredentials.FILE_NAME).toAbsolutePath());
    return service;
  }

  /**
   * The PostgreSQL endpoint's users: the platform's (SCRAM verifiers kept by access; temporary
   * users until they expire), each reading the tables granted; the admin alone with access off.
   */
  private PgUsers pgUsers(SecureRandom random) {
    if (access.isEmpty()) {
      return PgUsers.adminOnly(admin, random);
    }
    Access service = access.get();
    return new PgUsers() {
      @Override
      public List<ScramVerifier> verifiers(String user) {
        return service
            .state()
            .user(user)
            .filter(found -> !found.expiredAt(service.clock().instant()))
            .map(User::scramVerifiers)
            .orElse(List.of());
      }

      @Override
      public Predicate<TableId> readableTables(String user) {
        Identity identity = service.identityOf(user);
        return table ->
            service.authorizer().allows(identity, Privilege.READ, Resource.table(table));
      }

      @Override
      public void loggedIn(String user, String address, boolean success) {
        audit.record(
            AuditEvent.of(
                service.clock().instant(),
                new Caller(user, address),
                "auth.pgwire",
                "pgwire",
                success ? AuditEvent.Outcome.SUCCESS : AuditEvent.Outcome.FAILURE,
                "scram-sha-256"));
      }
    };
  }

  /** Whether a table or namespace an access file names exists in the lake. */
  private boolean resourceExists(Resource resource) {
    return switch (resource.kind()) {
      case TABLE -> lake.listTables().contains(TableId.parse(resource.name()));
      case NAMESPACE ->
          lake.listTables().stream().anyMatch(id -> id.namespace().equals(resource.name()))
              || ((org.apache.iceberg.catalog.SupportsNamespaces) lake.catalog())
                  .namespaceExists(org.apache.iceberg.catalog.Namespace.of(resource.name()));
      default -> true;
    };
  }

  private static PgWireServer startPgWire(
      TributaryConfig config,
      QueryEngine query,
      PrometheusMeterRegistry meters,
      Clock clock,
      PgUsers users) {
    SecureRandom random = new SecureRandom();
    TributaryConfig.PgWire settings = config.pgwire();
    return new PgWireServer(
        new PgWireServer.Settings(
            settings.host(),
            settings.port(),
            settings.maxConnections(),
            config.query().timeout(),
            settings.idleSessionTimeout(),
            settings.statementTimeout(),
            ServerTls.of(settings.tls(), config.dataDir(), clock, random)),
        query,
        users,
        meters,
        random);
  }

  /** Starts every component; fails fast (closing what it opened) with the reason. */
  public static Platform start(TributaryConfig config, Clock clock) {
    return new Platform(config, clock, System::getenv);
  }

  /** Starts as {@link #start(TributaryConfig, Clock)} with {@code environment}'s variables. */
  static Platform start(TributaryConfig config, Clock clock, UnaryOperator<String> environment) {
    return new Platform(config, clock, environment);
  }

  private java.sql.Connection metadataConnection() {
    try {
      return lake.openMetadataConnection();
    } catch (java.sql.SQLException e) {
      throw new io.tributary.core.RetriableException(
          io.tributary.core.ErrorCode.CATALOG_UNAVAILABLE,
          "Cannot connect to the catalog database: " + e.getMessage(),
          e);
    }
  }

  /**
   * The task types of flows beyond the flow module's own: java, crawl, spark, report, experiment
   * and recommend.
   */
  private Map<String, TaskRunner> flowTaskTypes(
      TributaryConfig config, SparkTaskRunner spark, Clock clock) {
    Map<String, TaskRunner> types = new HashMap<>(FlowTaskTypes.of(batch.crawlers(), spark));
    types.put("java", opened(new JavaTaskRunner(config.dataDir().resolve("plugins"))));
    types.put("report", new ReportTaskRunner(reports, flowOwners));
    types.put("experiment", new ExperimentTaskRunner(experiments, lake, flowOwners));
    types.put(
        "recommend", new RecommendTaskRunner(new Recommender(lake, query, clock), flowOwners));
    return types;
  }

  /** The tables a spark task's SQL reads, at their current snapshots, as its flow's owner may. */
  private Map<TableId, Long> sparkInputs(FlowOwners owners, String flow, String sql)
      throws TaskFailedException {
    Predicate<TableId> readable = owners.readable(flow);
    try {
      return query.currentSnapshots(sql, readable);
    } catch (InvalidInputException e) {
      throw new TaskFailedException(e.getMessage(), false, e);
    }
  }

  /**
   * A token for a Spark task's calls of the Iceberg REST catalog: the flow owner's, valid as long
   * as an OAuth token of the catalog, so the catalog enforces the owner's grants on every table
   * Spark reads or writes; none with access off (or while the owner no longer exists: the try's
   * owner check fails first).
   */
  private Optional<String> sparkCatalogToken(String flow) {
    Optional<Access> service = access;
    if (service == null || service.isEmpty()) {
      return Optional.empty();
    }
    String owner = flowOwners.ownerOf(flow);
    if (service.get().state().user(owner).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        service
            .get()
            .issueToken(owner, Set.of(Identity.ALL_SCOPES), Optional.of(IcebergOAuth.LIFETIME))
            .secret());
  }

  private <T extends AutoCloseable> T opened(T resource) {
    resources.push(resource);
    return resource;
  }

  public TributaryConfig config() {
    return config;
  }

  /** Where the HTTP API listens, e.g. {@code http://127.0.0.1:7070}. */
  public URI httpUri() {
    return URI.create("http://" + config.http().host() + ":" + http.port());
  }

  /** Every HTTP route as {@code METHOD path}: what access checks must cover. */
  List<String> httpRoutes() {
    return http.routes();
  }

  /** The HTTP routes registered without an access requirement: must be none. */
  List<String> httpRoutesWithoutRequirement() {
    return http.routesWithoutRequirement();
  }

  /** The admin's credentials ({@code <data-dir>/admin-credentials.json}). */
  public AdminCredentials adminCredentials() {
    return admin;
  }

  /** The access service; null until it is started, then as {@link #access()}. */
  private Optional<Access> accessService() {
    return access;
  }

  /** The access service, or empty when {@code access.enabled} is false. */
  public Optional<Access> access() {
    return access;
  }

  /** The port of the PostgreSQL protocol endpoint, or -1 when it is disabled. */
  public int pgwirePort() {
    return pgwire == null ? -1 : pgwire.port();
  }

  /** The reports: definitions, runs and their history. */
  public Reports reports() {
    return reports;
  }

  public Lake lake() {
    return lake;
  }

  /** The secret store. */
  public SecretStore secrets() {
    return secrets;
  }

  /** Config variables for pipelines. */
  public VariableStore variables() {
    return variables;
  }

  public StreamLog streamLog() {
    return log;
  }

  public StreamRegistry streams() {
    return streams;
  }

  public DeliveryService delivery() {
    return delivery;
  }

  public TopicRegistry topics() {
    return topics;
  }

  public FunctionService functions() {
    return functions;
  }

  public QueryEngine query() {
    return query;
  }

  /** Landing zone and crawlers. */
  public Batch batch() {
    return batch;
  }

  /** Dashboards: definitions (files and saved) and their tiles' data. */
  public Dashboards dashboards() {
    return dashboards;
  }

  /** Flows: definitions, runs and their execution. */
  public Experiments experiments() {
    return experiments;
  }

  public Flows flows() {
    return flows;
  }

  @Override
  public void close() {
    while (!resources.isEmpty()) {
      AutoCloseable resource = resources.pop();
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("Failed to close {}: {}", resource, e.toString());
      }
    }
  }

  private static String unresolvedBeforeStart(String text) {
    if (text.contains("${")) {
      throw new IllegalStateException(
          "Cannot resolve " + text + " before the secret store is open");
    }
    return text;
  }
}
