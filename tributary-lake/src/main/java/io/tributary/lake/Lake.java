package io.tributary.lake;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import io.tributary.core.RetriableException;
import io.tributary.core.TableId;
import io.tributary.core.config.LakeStorage;
import io.tributary.core.config.PartitionField;
import io.tributary.core.config.TributaryConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import java.util.stream.StreamSupport;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.jdbc.JdbcClientPool;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The Iceberg lake: a JDBC catalog (SQLite by default, PostgreSQL at scale) over a local warehouse
 * directory, or an S3 prefix ({@link LakeStorage}) read and written through Iceberg's {@code
 * S3FileIO}, with namespaces {@code raw} and {@code transformed}.
 *
 * <p>Every commit this module makes to a table (appends, schema and spec changes, compaction,
 * expiry) holds that table's {@link #commitLock}, so there is one committer per table in the
 * process; writers in other processes are handled by Iceberg's optimistic retries.
 */
public final class Lake implements AutoCloseable {
  /** The namespaces every lake has. */
  public static final List<String> NAMESPACES = List.of("raw", "transformed");

  private static final String CATALOG_NAME = "lake";
  private static final String SQLITE_BUSY_TIMEOUT_MS = "30000";

  private final TributaryConfig.Catalog settings;
  private final CatalogPasswords passwords;
  private final LakeStorage storage;
  private final JdbcCatalog catalog;
  private final AutoCloseable storageClient;
  private final S3Client s3;
  private final Clock clock;
  private final TablePolicy policy;
  private final Map<TableId, ReentrantLock> locks = new ConcurrentHashMap<>();

  /**
   * Our own pool for Iceberg's manifest work. Iceberg's shared worker pool is shut down by a JVM
   * shutdown hook, which would make the final flush of a graceful shutdown fail; this one lives
   * until the lake is closed.
   */
  private final ExecutorService workers =
      Executors.newFixedThreadPool(
          2,
          runnable -> {
            Thread thread = new Thread(runnable, "lake-worker");
            thread.setDaemon(true);
            return thread;
          });

  /**
   * Threads that convert rows and write Parquet files, so files of one flush are written in
   * parallel.
   */
  private final ExecutorService writers =
      Executors.newFixedThreadPool(
          Math.max(2, Runtime.getRuntime().availableProcessors()),
          runnable -> {
            Thread thread = new Thread(runnable, "lake-writer");
            thread.setDaemon(true);
            return thread;
          });

  private Lake(
      TributaryConfig.Catalog settings,
      CatalogPasswords passwords,
      LakeStorage storage,
      JdbcCatalog catalog,
      AutoCloseable storageClient,
      S3Client s3,
      Clock clock,
      TablePolicy policy) {
    this.settings = settings;
    this.passwords = passwords;
    this.storage = storage;
    this.catalog = catalog;
    this.storageClient = storageClient;
    this.s3 = s3;
    this.clock = clock;
    this.policy = policy;
  }

  /** Opens the lake with the system clock. */
  public static Lake open(TributaryConfig.Catalog settings) {
    return open(settings, Clock.systemUTC());
  }

  /**
   * Creates the warehouse directory if missing, opens the catalog and creates the namespaces.
   *
   * @param clock decides which snapshots are old enough to expire
   */
  public static Lake open(TributaryConfig.Catalog settings, Clock clock) {
    return open(settings, clock, TablePolicy.defaults());
  }

  /**
   * Opens the lake as {@link #open(TributaryConfig.Catalog, Clock)} does, creating and evolving
   * tables under {@code policy}.
   */
  public static Lake open(TributaryConfig.Catalog settings, Clock clock, TablePolicy policy) {
    return open(settings, clock, policy, CatalogPasswords.of(settings));
  }

  /**
   * Opens the lake as {@link #open(TributaryConfig.Catalog, Clock, TablePolicy)} does, each new
   * connection to the catalog's database (the catalog's pool and metadata connections) using the
   * first of {@code passwords} it accepts rather than the config's password.
   */
  public static Lake open(
      TributaryConfig.Catalog settings,
      Clock clock,
      TablePolicy policy,
      CatalogPasswords passwords) {
    Objects.requireNonNull(settings, "settings is null");
    return open(
        settings,
        LakeStorage.local(settings.warehouse()),
        UnaryOperator.identity(),
        clock,
        policy,
        passwords);
  }

  /**
   * Opens the lake on {@code storage}: the local warehouse directory of {@code settings} (created
   * if missing), or the S3 warehouse, whose secret access key {@code resolve} turns into the key at
   * each use (for {@code ${secret:name}} references).
   */
  public static Lake open(
      TributaryConfig.Catalog settings,
      LakeStorage storage,
      UnaryOperator<String> resolve,
      Clock clock,
      TablePolicy policy) {
    return open(settings, storage, resolve, clock, policy, CatalogPasswords.of(settings));
  }

  /**
   * Opens the lake on {@code storage} (see above), each new connection to the catalog's database
   * using the first of {@code passwords} it accepts.
   */
  public static Lake open(
      TributaryConfig.Catalog settings,
      LakeStorage storage,
      UnaryOperator<String> resolve,
      Clock clock,
      TablePolicy policy,
      CatalogPasswords passwords) {
    Objects.requireNonNull(settings, "settings is null");
    Objects.requireNonNull(passwords, "passwords is null");
    Objects.requireNonNull(storage, "storage is null");
    Objects.requireNonNull(resolve, "resolve is null");
    Objects.requireNonNull(clock, "clock is null");
    Objects.requireNonNull(policy, "policy is null");
    Map<String, String> properties = new HashMap<>();
    properties.put(CatalogProperties.URI, settings.uri());
    properties.put("jdbc.schema-version", "V1");
    connectionProperties(settings).forEach((k, v) -> properties.put("jdbc." + k, (String) v));
    FileIO io;
    AutoCloseable client;
    S3Client s3 = storage.usesS3() ? S3Clients.open(storage.s3(), resolve) : null;
    if (storage.onS3()) {
      properties.put(CatalogProperties.WAREHOUSE_LOCATION, storage.s3Warehouse().uri());
      S3FileIO s3Io = new S3FileIO(() -> s3);
      s3Io.initialize(Map.of());
      io = s3Io;
      client = s3;
    } else {
      Path warehouse = settings.warehouse().toAbsolutePath().normalize();
      try {
        Files.createDirectories(warehouse);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create the lake warehouse " + warehouse, e);
      }
      properties.put(CatalogProperties.WAREHOUSE_LOCATION, "file://" + warehouse);
      io = new LocalFileIO();
      client = s3 == null ? () -> {} : s3;
    }
    JdbcCatalog catalog =
        new JdbcCatalog(
            ignored -> io,
            props ->
                new JdbcClientPool(settings.uri(), props) {
                  @Override
                  protected Connection newClient() {
                    try {
                      return CatalogPasswords.connect(
                          settings.uri(), connectionProperties(settings), passwords);
                    } catch (SQLException e) {
                      throw new org.apache.iceberg.jdbc.UncheckedSQLException(
                          e, "Failed to connect: %s", settings.uri());
                    }
                  }
                },
            true);
    try {
      catalog.initialize(CATALOG_NAME, properties);
      Lake lake = new Lake(settings, passwords, storage, catalog, client, s3, clock, policy);
      NAMESPACES.forEach(lake::createNamespace);
      return lake;
    } catch (RuntimeException e) {
      closeQuietly(catalog, e);
      closeQuietly(client, e);
      throw e;
    }
  }

  /**
   * The underlying Iceberg catalog, for reading (the query engine) and the REST endpoint's catalog
   * operations. Changes to a table go through {@link #writer} (or {@link #externalCommits} for
   * commits of Iceberg clients), which hold the table's commit lock.
   */
  public Catalog catalog() {
    return catalog;
  }

  /**
   * The local warehouse directory ({@code catalog.warehouse}); unused when the lake is on S3
   * ({@link #storage}).
   */
  public Path warehouse() {
    return settings.warehouse().toAbsolutePath().normalize();
  }

  /** Where the table files live: the local directory or an S3 prefix, and the query cache. */
  public LakeStorage storage() {
    return storage;
  }

  /**
   * The client of {@code lake.s3} when the warehouse or the landing zone is on S3; the lake closes
   * it.
   */
  public Optional<S3Client> s3Client() {
    return Optional.ofNullable(s3);
  }

  /** The rules that keep the catalog's clients inside this lake's warehouse, local or S3. */
  public LakeLocations locations() {
    return storage.onS3()
        ? new LakeLocations(storage.s3Warehouse())
        : new LakeLocations(warehouse());
  }

  /**
   * A new connection to the catalog's database, for platform metadata tables. The caller closes it.
   */
  public Connection openMetadataConnection() throws SQLException {
    return CatalogPasswords.connect(settings.uri(), connectionProperties(settings), passwords);
  }

  /** Every table in every namespace, sorted by namespace then name. */
  public List<TableId> listTables() {
    List<TableId> tables = new ArrayList<>();
    for (Namespace namespace : catalog.listNamespaces()) {
      for (TableIdentifier table : catalog.listTables(namespace)) {
        toTableId(table).ifPresent(tables::add);
      }
    }
    tables.sort(Comparator.comparing(TableId::namespace).thenComparing(TableId::name));
    return tables;
  }

  /** The table, or empty if it does not exist. */
  public Optional<Table> loadTable(TableId id) {
    Objects.requireNonNull(id, "id is null");
    try {
      return Optional.of(catalog.loadTable(identifier(id)));
    } catch (NoSuchTableException e) {
      return Optional.empty();
    }
  }

  /**
   * Describes the table's current state.
   *
   * @throws NotFoundException if the table does not exist
   */
  public TableInfo describe(TableId id) {
    Table table = loadTable(id).orElseThrow(() -> new NotFoundException("table", id.toString()));
    List<TableInfo.Column> columns =
        table.schema().columns().stream()
            .map(f -> new TableInfo.Column(f.name(), f.type().toString(), f.isRequired()))
            .toList();
    List<String> spec =
        table.spec().fields().stream()
            .map(
                f ->
                    describeField(
                        f.transform().toString(), table.schema().findColumnName(f.sourceId())))
            .toList();
    Snapshot current = table.currentSnapshot();
    Map<String, String> summary = current == null ? Map.of() : current.summary();
    List<TableInfo.SnapshotInfo> snapshots =
        StreamSupport.stream(table.snapshots().spliterator(), false)
            .sorted(
                Comparator.comparingLong(Snapshot::sequenceNumber)
                    .thenComparingLong(Snapshot::timestampMillis)
                    .reversed())
            .limit(TableInfo.MAX_SNAPSHOTS)
            .map(
                s ->
                    new TableInfo.SnapshotInfo(
                        s.snapshotId(),
                        Instant.ofEpochMilli(s.timestampMillis()),
                        s.operation(),
                        s.summary()))
            .toList();
    return new TableInfo(
        id,
        table.location(),
        columns,
        spec,
        current == null ? null : current.snapshotId(),
        current == null ? null : Instant.ofEpochMilli(current.timestampMillis()),
        summaryLong(summary, SnapshotSummary.TOTAL_RECORDS_PROP),
        summaryLong(summary, SnapshotSummary.TOTAL_DATA_FILES_PROP),
        summaryLong(summary, SnapshotSummary.TOTAL_FILE_SIZE_PROP),
        table.properties(),
        snapshots);
  }

  /** The one way to change table {@code id}: see {@link TableWriter}. */
  public TableWriter writer(TableId id) {
    Objects.requireNonNull(id, "id is null");
    return new TableWriter(this, id, commitLock(id), policy);
  }

  /** Commits sent by Iceberg clients (the REST endpoint), under the tables' commit locks. */
  public ExternalCommits externalCommits() {
    return new ExternalCommits(this);
  }

  /** The policy tables are created and evolved under. */
  public TablePolicy policy() {
    return policy;
  }

  /**
   * A writer for one table, created on its first {@link TableSink#prepare} or {@link
   * TableSink#append}. Use one sink per table in the process.
   *
   * @param partitionBy the partition fields; fields whose column does not exist yet are added when
   *     it appears
   */
  public TableSink sink(TableId id, List<PartitionField> partitionBy) {
    Objects.requireNonNull(id, "id is null");
    return new TableSink(this, writer(id), List.copyOf(partitionBy));
  }

  /**
   * Compacts small data files and expires old snapshots.
   *
   * @throws NotFoundException if the table does not exist
   */
  public MaintenanceResult maintain(TableId id, MaintenanceOptions options) {
    Objects.requireNonNull(options, "options is null");
    Table table = loadTable(id).orElseThrow(() -> new NotFoundException("table", id.toString()));
    return new Maintenance(id, table, writer(id), options, clock, workers).run();
  }

  /**
   * Sets and removes table properties in one commit, holding the table's {@link #commitLock} (for
   * example the description, Iceberg's {@code comment}, and tags: see {@link TableInfo}).
   *
   * @throws NotFoundException if the table does not exist
   * @throws RetriableException if concurrent commits kept winning over Iceberg's retries
   */
  public TableInfo updateProperties(TableId id, Map<String, String> set, Set<String> remove) {
    Objects.requireNonNull(id, "id is null");
    Map<String, String> toSet = Map.copyOf(set);
    Set<String> toRemove = Set.copyOf(remove);
    toSet.keySet().stream()
        .filter(toRemove::contains)
        .findFirst()
        .ifPresent(
            key -> {
              throw new InvalidInputException(
                  ErrorCode.INVALID_REQUEST, "Property '" + key + "' is both set and removed");
            });
    writer(id).updateProperties(toSet, toRemove);
    return describe(id);
  }

  /** The lock every commit to this table in the process holds. */
  ReentrantLock commitLock(TableId id) {
    Objects.requireNonNull(id, "id is null");
    return locks.computeIfAbsent(id, ignored -> new ReentrantLock());
  }

  /** The executor commits and scans of this lake run their manifest work on. */
  ExecutorService workers() {
    return workers;
  }

  /** The executor sinks write data files on. */
  ExecutorService writers() {
    return writers;
  }

  @Override
  public void close() {
    try {
      catalog.close();
    } finally {
      workers.shutdownNow();
      writers.shutdownNow();
      try {
        storageClient.close();
      } catch (Exception e) {
        throw new IllegalStateException("Cannot close the lake's storage client", e);
      }
    }
  }

  static TableIdentifier identifier(TableId id) {
    return TableIdentifier.of(id.namespace(), id.name());
  }

  /** Creates the table (and its namespace), or loads it if another writer created it first. */
  Table createTable(TableId id, Schema schema, PartitionSpec spec, Map<String, String> properties) {
    createNamespace(id.namespace());
    try {
      return catalog.createTable(identifier(id), schema, spec, properties);
    } catch (AlreadyExistsException e) {
      return catalog.loadTable(identifier(id));
    }
  }

  /** Drops the table and deletes its files; false if it did not exist. */
  boolean dropTable(TableId id) {
    return catalog.dropTable(identifier(id), true);
  }

  private void createNamespace(String name) {
    Namespace namespace = Namespace.of(name);
    if (!catalog.namespaceExists(namespace)) {
      try {
        catalog.createNamespace(namespace);
      } catch (AlreadyExistsException ignored) {
        // created concurrently: fine
      }
    }
  }

  private static Properties connectionProperties(TributaryConfig.Catalog settings) {
    Properties properties = new Properties();
    if (settings.user() != null) {
      properties.put("user", settings.user());
    }
    if (settings.uri().startsWith("jdbc:sqlite:")) {
      // several threads share the catalog database: wait for the writer instead of failing
      properties.put("busy_timeout", SQLITE_BUSY_TIMEOUT_MS);
      properties.put("journal_mode", "WAL");
    }
    return properties;
  }

  private static Optional<TableId> toTableId(TableIdentifier table) {
    if (table.namespace().levels().length != 1) {
      return Optional.empty();
    }
    try {
      return Optional.of(new TableId(table.namespace().level(0), table.name()));
    } catch (InvalidInputException ignored) {
      return Optional.empty(); // created by another engine with a name we cannot address
    }
  }

  private static String describeField(String transform, String column) {
    // Iceberg prints bucket[16] / truncate[4]; config writes bucket(16, col)
    int bracket = transform.indexOf('[');
    if (bracket > 0) {
      return transform.substring(0, bracket)
          + "("
          + transform.substring(bracket + 1, transform.length() - 1)
          + ", "
          + column
          + ")";
    }
    return transform + "(" + column + ")";
  }

  private static long summaryLong(Map<String, String> summary, String key) {
    String value = summary.get(key);
    return value == null ? 0 : Long.parseLong(value);
  }

  private static void closeQuietly(AutoCloseable closeable, Exception primary) {
    try {
      closeable.close();
    } catch (Exception e) {
      primary.addSuppressed(e);
    }
  }
}
