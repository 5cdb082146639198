package io.tributary.core.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The whole platform configuration: one YAML file, validated when loaded. Every error names the key
 * and the bad value. Without a file, {@link #defaults(Path)} gives the embedded defaults.
 */
public record TributaryConfig(
    Path dataDir,
    Http http,
    Kafka kafka,
    Catalog catalog,
    Ingest ingest,
    Query query,
    List<StreamSpec> streams,
    List<TopicSpec> topics,
    List<FunctionSpec> functions,
    List<CrawlerSpec> crawlers,
    EgressPolicy egress,
    Flows flows,
    PgWire pgwire,
    Access access,
    LakeStorage lake,
    Node node,
    ReportsConfig reports,
    ConsoleConfig console) {

  /**
   * This node's identity among the nodes of one platform ({@code node.id}); empty: the id created
   * at the first start and kept in the data dir.
   */
  public record Node(Optional<String> id) {
    public static final Node DEFAULT = new Node(Optional.empty());
    static final String ID_RULE =
        "must be 1 to 100 letters, digits, '.', '_' or '-', starting alphanumeric";
    private static final java.util.regex.Pattern ID =
        java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    public Node {
      Objects.requireNonNull(id, "id is null");
      if (id.isPresent() && !ID.matcher(id.get()).matches()) {
        throw new IllegalArgumentException("Invalid node.id: '" + id.get() + "' (" + ID_RULE + ")");
      }
    }

    static boolean validId(String id) {
      return ID.matcher(id).matches();
    }
  }

  /**
   * Access control ({@code access.enabled}): on by default; off is allowed only while every
   * listener binds to loopback (checked at start). {@code access.refresh-interval} is how often a
   * node looks whether another node sharing its metadata database changed users, grants or tokens
   * (a revocation on one node holds on the others within it): 1 s by default, 100 ms to 1 min.
   */
  public record Access(boolean enabled, Duration refreshInterval) {
    public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(1);
    public static final Duration MIN_REFRESH = Duration.ofMillis(100);
    public static final Duration MAX_REFRESH = Duration.ofMinutes(1);
    public static final Access DEFAULT = new Access(true);

    public Access {
      Objects.requireNonNull(refreshInterval, "refreshInterval is null");
      if (refreshInterval.compareTo(MIN_REFRESH) < 0
          || refreshInterval.compareTo(MAX_REFRESH) > 0) {
        throw new IllegalArgumentException(
            "Invalid access.refresh-interval: " + refreshInterval + " (must be 100ms..1m)");
      }
    }

    /** Access on or off, refreshed every {@link #DEFAULT_REFRESH}. */
    public Access(boolean enabled) {
      this(enabled, DEFAULT_REFRESH);
    }
  }

  /**
   * Flows: the folder whose YAML files are loaded at start ({@code flows.dir}), how many task tries
   * run at once on this node ({@code flows.workers}), and the pools (named concurrency limits) by
   * name with their slots ({@code flows.pools}; {@code default}, the pool of tasks that name none,
   * has {@value #DEFAULT_POOL_SLOTS} slots unless set).
   */
  public record Flows(Path dir, int workers, Map<String, Integer> pools) {
    public static final int DEFAULT_WORKERS = 8;
    public static final int DEFAULT_POOL_SLOTS = 16;

    public Flows {
      Objects.requireNonNull(dir, "dir is null");
      if (workers < 1 || workers > 1000) {
        throw new IllegalArgumentException(
            "Invalid flows.workers: " + workers + " (must be 1..1000)");
      }
      Map<String, Integer> all = new java.util.TreeMap<>(pools);
      all.putIfAbsent("default", DEFAULT_POOL_SLOTS);
      pools = Map.copyOf(all);
    }

    /** The default workers and pool. */
    public Flows(Path dir) {
      this(dir, DEFAULT_WORKERS, Map.of());
    }
  }

  /** The HTTP API listener. */
  public record Http(String host, int port) {
    public Http {
      Objects.requireNonNull(host, "host is null");
    }
  }

  /** Where the stream log lives. */
  public enum KafkaMode {
    EMBEDDED,
    EXTERNAL
  }

  /**
   * The stream log: an in-process broker listening on loopback {@code port} (controller on {@code
   * controllerPort}), or an external cluster at {@code bootstrapServers} whose clients take {@code
   * properties} ({@code kafka.properties}: Kafka client settings such as {@code security.protocol},
   * {@code sasl.*} and {@code ssl.*}, values may hold {@code ${secret:name}}; which keys are
   * allowed is checked when the stream log starts).
   */
  public record Kafka(
      KafkaMode mode,
      int port,
      int controllerPort,
      String bootstrapServers,
      Map<String, String> properties) {
    public Kafka {
      Objects.requireNonNull(mode, "mode is null");
      if (mode == KafkaMode.EXTERNAL && (bootstrapServers == null || bootstrapServers.isBlank())) {
        throw new ConfigException("Missing kafka.bootstrap-servers (required when mode: external)");
      }
      properties = Map.copyOf(properties);
      if (mode == KafkaMode.EMBEDDED && !properties.isEmpty()) {
        throw ConfigException.invalid(
            "kafka.properties",
            properties.keySet(),
            "only with mode: external; the embedded broker's clients are set up by the platform");
      }
    }

    /** Without client properties. */
    public Kafka(KafkaMode mode, int port, int controllerPort, String bootstrapServers) {
      this(mode, port, controllerPort, bootstrapServers, Map.of());
    }

    /** The bootstrap servers clients connect to, whichever the mode. */
    public String clientBootstrap() {
      return mode == KafkaMode.EMBEDDED ? "127.0.0.1:" + port : bootstrapServers;
    }
  }

  /** The Iceberg JDBC catalog and the warehouse directory. */
  public record Catalog(String uri, String user, String password, Path warehouse) {
    public Catalog {
      Objects.requireNonNull(uri, "uri is null");
      Objects.requireNonNull(warehouse, "warehouse is null");
      if (!uri.startsWith("jdbc:sqlite:")
          && !uri.startsWith("jdbc:postgresql:")
          && !uri.startsWith("jdbc:h2:")) {
        throw ConfigException.invalid(
            "catalog.uri", uri, "must be a jdbc:sqlite:, jdbc:postgresql: or jdbc:h2: URI");
      }
    }
  }

  /**
   * Ingest gateway limits, at least Firehose's PutRecordBatch limits by default, and what one
   * record may hold: {@code maxNestingDepth} levels of objects and arrays (checked by the gateway
   * and by delivery), {@code maxKeysPerRecord} leaf values (columns, checked by delivery).
   */
  public record Ingest(
      int maxRecordsPerRequest,
      long maxRecordBytes,
      long maxRequestBytes,
      long bufferMemory,
      int maxNestingDepth,
      int maxKeysPerRecord) {
    public static final int MAX_NESTING_DEPTH = 5_000;

    public static final Ingest DEFAULT =
        new Ingest(500, 1000L << 10, 4L << 20, 64L << 20, 1_000, 2_000);

    /** Limits with the default nesting depth and keys per record. */
    public Ingest(
        int maxRecordsPerRequest, long maxRecordBytes, long maxRequestBytes, long bufferMemory) {
      this(maxRecordsPerRequest, maxRecordBytes, maxRequestBytes, bufferMemory, 1_000, 2_000);
    }

    public Ingest {
      if (maxNestingDepth < 1 || maxNestingDepth > MAX_NESTING_DEPTH) {
        throw ConfigException.invalid(
            "ingest.max-nesting-depth", maxNestingDepth, "must be 1-" + MAX_NESTING_DEPTH);
      }
      if (maxKeysPerRecord < 1) {
        throw ConfigException.invalid(
            "ingest.max-keys-per-record", maxKeysPerRecord, "must be at least 1");
      }
      if (maxRecordBytes > maxRequestBytes) {
        throw ConfigException.invalid(
            "ingest.max-record-bytes", maxRecordBytes, "must not exceed ingest.max-request-bytes");
      }
      if (maxRequestBytes > bufferMemory) {
        throw ConfigException.invalid(
            "ingest.max-request-bytes", maxRequestBytes, "must not exceed ingest.buffer-memory");
      }
    }
  }

  /** The embedded SQL engine's resources and limits. */
  public record Query(int threads, long memoryLimitBytes, int maxRows, Duration timeout) {
    public static final Query DEFAULT = new Query(2, 512L << 20, 10_000, Duration.ofSeconds(60));
  }

  /**
   * The PostgreSQL wire protocol endpoint: where it listens, whether it runs, how many clients, its
   * TLS, how long a session may stay idle (0: forever) and the default statement timeout (0: only
   * {@code query.timeout}; clients change theirs with {@code SET statement_timeout}).
   */
  public record PgWire(
      String host,
      int port,
      boolean enabled,
      int maxConnections,
      PgWireTls tls,
      Duration idleSessionTimeout,
      Duration statementTimeout) {
    public static final PgWire DEFAULT =
        new PgWire("127.0.0.1", 5433, true, 64, PgWireTls.OFF, Duration.ZERO, Duration.ZERO);

    public PgWire {
      Objects.requireNonNull(host, "host is null");
      Objects.requireNonNull(tls, "tls is null");
      Objects.requireNonNull(idleSessionTimeout, "idleSessionTimeout is null");
      Objects.requireNonNull(statementTimeout, "statementTimeout is null");
    }

    /** Without TLS and timeouts. */
    public PgWire(String host, int port, boolean enabled, int maxConnections) {
      this(host, port, enabled, maxConnections, PgWireTls.OFF, Duration.ZERO, Duration.ZERO);
    }
  }

  public TributaryConfig {
    Objects.requireNonNull(dataDir, "dataDir is null");
    Objects.requireNonNull(http, "http is null");
    Objects.requireNonNull(kafka, "kafka is null");
    Objects.requireNonNull(catalog, "catalog is null");
    Objects.requireNonNull(ingest, "ingest is null");
    Objects.requireNonNull(query, "query is null");
    Objects.requireNonNull(pgwire, "pgwire is null");
    Objects.requireNonNull(access, "access is null");
    Objects.requireNonNull(lake, "lake is null");
    Objects.requireNonNull(reports, "reports is null");
    Objects.requireNonNull(console, "console is null");
    streams = List.copyOf(streams);
    Set<String> names = new HashSet<>();
    for (StreamSpec stream : streams) {
      if (!names.add(stream.name())) {
        throw ConfigException.invalid("streams", stream.name(), "stream declared twice");
      }
    }
    topics = List.copyOf(topics);
    functions = List.copyOf(functions);
    Objects.requireNonNull(egress, "egress is null");
    // reports mail through the SMTP server: it must be a host the egress policy allows
    reports
        .smtp()
        .flatMap(
            smtp ->
                egress.checkConnection(
                    "SMTP server", smtp.host(), smtp.port(), host -> new java.net.InetAddress[0]))
        .ifPresent(
            denial -> {
              throw ConfigException.invalid(
                  "reports.smtp.host",
                  reports.smtp().get().host(),
                  denial.message() + " [" + denial.rule() + "]");
            });
    Functions.check(streams, topics, functions);
    Functions.checkEgress(functions, egress);
    crawlers = List.copyOf(crawlers);
    Objects.requireNonNull(flows, "flows is null");
    Set<String> crawlerNames = new HashSet<>();
    for (CrawlerSpec crawler : crawlers) {
      if (!crawlerNames.add(crawler.name())) {
        throw ConfigException.invalid("crawlers", crawler.name(), "crawler declared twice");
      }
    }
  }

  /**
   * A config built in code (tests, benchmarks): no topics, functions or crawlers, functions may
   * call nothing, flows in {@code <data-dir>/flows}, the PostgreSQL endpoint on a free loopback
   * port, access control on, the lake and the reports under the data dir, the node id kept there,
   * the console's default session settings.
   */
  public TributaryConfig(
      Path dataDir,
      Http http,
      Kafka kafka,
      Catalog catalog,
      Ingest ingest,
      Query query,
      List<StreamSpec> streams) {
    this(
        dataDir,
        http,
        kafka,
        catalog,
        ingest,
        query,
        streams,
        List.of(),
        List.of(),
        List.of(),
        EgressPolicy.NONE,
        new Flows(dataDir.resolve("flows")),
        new PgWire("127.0.0.1", 0, true, PgWire.DEFAULT.maxConnections()),
        Access.DEFAULT,
        LakeStorage.local(dataDir),
        Node.DEFAULT,
        ReportsConfig.defaults(dataDir),
        ConsoleConfig.DEFAULT);
  }

  /** This config with {@code egress} as its egress policy (checked again). */
  public TributaryConfig withEgress(EgressPolicy egress) {
    return new TributaryConfig(
        dataDir, http, kafka, catalog, ingest, query, streams, topics, functions, crawlers, egress,
        flows, pgwire, access, lake, node, reports, console);
  }

  /** The embedded defaults: everything under {@code dataDir}, one {@code app_events} stream. */
  public static TributaryConfig defaults(Path dataDir) {
    return parse(null, dataDir);
  }

  /** Loads and validates a YAML file. */
  public static TributaryConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException("Cannot read config file " + file + ": " + e.getMessage(), e);
    }
    return fromYaml(text, file.toString());
  }

  /** Parses and validates YAML text; {@code source} names it in errors. */
  public static TributaryConfig fromYaml(String yaml, String source) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    } catch (JacksonException e) {
      throw new ConfigException(
          "Invalid YAML in " + source + ": " + e.getOriginalMessage() + locationOf(e), e);
    }
    if (root != null && !root.isNull() && !root.isMissingNode() && !root.isObject()) {
      throw new ConfigException("Invalid config " + source + ": the top level must be a mapping");
    }
    return parse(root, null);
  }

  private static String locationOf(JacksonException e) {
    return e.getLocation() == null
        ? ""
        : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
  }

  private static TributaryConfig parse(JsonNode root, Path defaultDataDir) {
    ConfigNode top = new ConfigNode(root, "");
    top.allowOnly(
        "data-dir",
        "http",
        "kafka",
        "catalog",
        "ingest",
        "query",
        "streams",
        "topics",
        "functions",
        "crawlers",
        "egress",
        "secrets",
        "flows",
        "pgwire",
        "access",
        "lake",
        "landing",
        "node",
        "reports",
        "console");
    Path dataDir =
        Path.of(top.string("data-dir", defaultDataDir == null ? "./data" : defaultDataDir + ""))
            .toAbsolutePath()
            .normalize();

    ConfigNode httpNode = top.child("http").allowOnly("host", "port");
    Http http =
        new Http(httpNode.string("host", "127.0.0.1"), httpNode.integer("port", 7070, 0, 65535));

    ConfigNode kafkaNode =
        top.child("kafka")
            .allowOnly("mode", "port", "controller-port", "bootstrap-servers", "properties");
    int kafkaPort = kafkaNode.integer("port", 9092, 1, 65535);
    Kafka kafka =
        new Kafka(
            kafkaNode.enumeration("mode", KafkaMode.EMBEDDED),
            kafkaPort,
            kafkaNode.integer("controller-port", kafkaPort + 1, 1, 65535),
            kafkaNode.string("bootstrap-servers", null),
            kafkaNode.scalars("properties"));
    if (kafka.mode() == KafkaMode.EMBEDDED && kafka.port() == kafka.controllerPort()) {
      throw ConfigException.invalid(
          "kafka.controller-port", kafka.controllerPort(), "must differ from kafka.port");
    }

    ConfigNode catalogNode = top.child("catalog").allowOnly("uri", "user", "password", "warehouse");
    Catalog catalog =
        new Catalog(
            catalogNode.string("uri", "jdbc:sqlite:" + dataDir.resolve("catalog.db")),
            catalogNode.string("user", null),
            catalogNode.string("password", null),
            Path.of(catalogNode.string("warehouse", dataDir.resolve("lake").toString()))
                .toAbsolutePath()
                .normalize());

    LakeStorage lake =
        LakeStorage.fromConfig(
            top.child("lake"), dataDir, catalogNode.has("warehouse"), top.string("landing", null));

    ConfigNode ingestNode =
        top.child("ingest")
            .allowOnly(
                "max-records-per-request",
                "max-record-bytes",
                "max-request-bytes",
                "buffer-memory",
                "max-nesting-depth",
                "max-keys-per-record");
    Ingest ingest =
        new Ingest(
            ingestNode.integer(
                "max-records-per-request", Ingest.DEFAULT.maxRecordsPerRequest(), 1, 100_000),
            ingestNode.size(
                "max-record-bytes", Ingest.DEFAULT.maxRecordBytes(), 1 << 10, 64L << 20),
            ingestNode.size(
                "max-request-bytes", Ingest.DEFAULT.maxRequestBytes(), 1 << 10, 256L << 20),
            ingestNode.size("buffer-memory", Ingest.DEFAULT.bufferMemory(), 1 << 20, 4L << 30),
            ingestNode.integer(
                "max-nesting-depth", Ingest.DEFAULT.maxNestingDepth(), 1, Ingest.MAX_NESTING_DEPTH),
            ingestNode.integer(
                "max-keys-per-record", Ingest.DEFAULT.maxKeysPerRecord(), 1, 1_000_000));

    ConfigNode queryNode =
        top.child("query").allowOnly("threads", "memory-limit", "max-rows", "timeout");
    Query query =
        new Query(
            queryNode.integer("threads", Query.DEFAULT.threads(), 1, 64),
            queryNode.size("memory-limit", Query.DEFAULT.memoryLimitBytes(), 64L << 20, 64L << 30),
            queryNode.integer("max-rows", Query.DEFAULT.maxRows(), 1, 10_000_000),
            queryNode.duration(
                "timeout", Query.DEFAULT.timeout(), Duration.ofSeconds(1), Duration.ofHours(1)));

    ConfigNode pgwireNode =
        top.child("pgwire")
            .allowOnly(
                "host",
                "port",
                "enabled",
                "max-connections",
                "tls",
                "idle-session-timeout",
                "statement-timeout");
    PgWire pgwire =
        new PgWire(
            pgwireNode.string("host", PgWire.DEFAULT.host()),
            pgwireNode.integer("port", PgWire.DEFAULT.port(), 0, 65535),
            pgwireNode.bool("enabled", PgWire.DEFAULT.enabled()),
            pgwireNode.integer("max-connections", PgWire.DEFAULT.maxConnections(), 1, 10_000),
            PgWireTls.parse(pgwireNode),
            pgwireNode.duration(
                "idle-session-timeout", Duration.ZERO, Duration.ZERO, Duration.ofDays(7)),
            pgwireNode.duration(
                "statement-timeout", Duration.ZERO, Duration.ZERO, Duration.ofHours(1)));
    if (pgwire.enabled() && pgwire.port() != 0 && pgwire.port() == http.port()) {
      throw ConfigException.invalid("pgwire.port", pgwire.port(), "must differ from http.port");
    }

    List<StreamSpec> streams = new ArrayList<>();
    if (!top.has("streams")) {
      streams.add(StreamSpec.withDefaults("app_events"));
    }
    for (ConfigNode streamNode : top.list("streams")) {
      streams.add(StreamSpec.fromConfig(null, streamNode));
    }
    List<CrawlerSpec> crawlers = new ArrayList<>();
    for (ConfigNode crawlerNode : top.list("crawlers")) {
      crawlers.add(CrawlerSpec.fromConfig(null, crawlerNode));
    }
    List<TopicSpec> topics = new ArrayList<>();
    for (ConfigNode topicNode : top.list("topics")) {
      topics.add(TopicSpec.fromConfig(null, topicNode));
    }
    List<FunctionSpec> functions = new ArrayList<>();
    for (ConfigNode functionNode : top.list("functions")) {
      functions.add(FunctionSpec.fromConfig(null, functionNode));
    }
    EgressPolicy egress = EgressPolicy.fromConfig(top.child("egress"), top.child("secrets"));
    ConfigNode flowsNode = top.child("flows").allowOnly("dir", "workers", "pools");
    Map<String, Integer> pools = new java.util.TreeMap<>();
    ConfigNode poolsNode = flowsNode.child("pools");
    for (java.util.Iterator<String> names = poolsNode.fieldNames(); names.hasNext(); ) {
      String pool = names.next();
      if (!pool.matches("[a-z_][a-z0-9_]{0,99}")) {
        throw new ConfigException(
            "Invalid pool name flows.pools." + pool + ": use [a-z_][a-z0-9_]*");
      }
      pools.put(pool, poolsNode.integer(pool, 1, 1, 10_000));
    }
    Flows flows =
        new Flows(
            Path.of(flowsNode.string("dir", dataDir.resolve("flows").toString()))
                .toAbsolutePath()
                .normalize(),
            flowsNode.integer("workers", Flows.DEFAULT_WORKERS, 1, 1000),
            pools);
    ConfigNode accessNode = top.child("access").allowOnly("enabled", "refresh-interval");
    Access access =
        new Access(
            accessNode.bool("enabled", Access.DEFAULT.enabled()),
            accessNode.duration(
                "refresh-interval",
                Access.DEFAULT_REFRESH,
                Access.MIN_REFRESH,
                Access.MAX_REFRESH));
    String nodeId = top.child("node").allowOnly("id").string("id", null);
    if (nodeId != null && !Node.validId(nodeId)) {
      throw ConfigException.invalid("node.id", nodeId, Node.ID_RULE);
    }
    return new TributaryConfig(
        dataDir,
        http,
        kafka,
        catalog,
        ingest,
        query,
        streams,
        topics,
        functions,
        crawlers,
        egress,
        flows,
        pgwire,
        access,
        lake,
        new Node(Optional.ofNullable(nodeId)),
        ReportsConfig.fromConfig(top.child("reports"), dataDir),
        ConsoleConfig.fromConfig(top.child("console")));
  }
}
