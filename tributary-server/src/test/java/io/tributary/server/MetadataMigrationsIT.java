package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tributary.core.migrate.SchemaMigrations;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The platform's metadata migrations on SQLite and on a real PostgreSQL: a fresh database and one
 * created by the code before the migrations (current and older) end with the same schema; nodes
 * starting at once apply each migration once; a changed applied migration refuses the start.
 */
class MetadataMigrationsIT {
  /** Every component with migrations, as the stores apply them at open. */
  private static final List<String> COMPONENTS =
      List.of(
          "access",
          "cluster-nodes",
          "console-sessions",
          "secrets",
          "variables",
          "crawl-ledger",
          "crawler-runs",
          "flow-backfills",
          "flow-definitions",
          "flow-runs",
          "flow-scheduler",
          "query-history");

  /** Their versions in all, with the spec table "flows". */
  private static final int VERSIONS = 19;

  private static PostgresServer postgres;
  private static final AtomicInteger DATABASES = new AtomicInteger();

  @TempDir Path dir;

  @BeforeAll
  static void startPostgres() throws Exception {
    Optional<Path> bin = PostgresServer.binaries();
    if (bin.isPresent()) {
      postgres = PostgresServer.start(bin.get());
    }
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  private Supplier<Connection> database(String dialect) throws SQLException {
    if (dialect.equals("sqlite")) {
      Properties properties = new Properties();
      properties.put("busy_timeout", "10000");
      String url = "jdbc:sqlite:" + dir.resolve(DATABASES.incrementAndGet() + ".db");
      return () -> connect(url, properties);
    }
    assumeTrue(postgres != null, "PostgreSQL server binaries not found under /usr/lib/postgresql");
    String name = "migrations_" + DATABASES.incrementAndGet();
    try (Connection admin =
            DriverManager.getConnection(postgres.jdbcUri(), PostgresServer.USER, "");
        Statement statement = admin.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    }
    Properties properties = new Properties();
    properties.put("user", PostgresServer.USER);
    String url = postgres.jdbcUri(name);
    return () -> connect(url, properties);
  }

  private static Connection connect(String url, Properties properties) {
    try {
      return DriverManager.getConnection(url, properties);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int migrate(Supplier<Connection> db) {
    SchemaMigrations migrations = new SchemaMigrations(db, Clock.systemUTC());
    ClassLoader loader = MetadataMigrationsIT.class.getClassLoader();
    int applied = 0;
    for (String component : COMPONENTS) {
      applied += migrations.apply(component, "db/" + component, Map.of(), loader);
    }
    return applied
        + migrations.apply("spec-table/flows", "db/spec-table", Map.of("table", "flows"), loader);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aDatabaseOfTheCodeBeforeMigrationsIsBaselinedToTheSameSchema(String dialect)
      throws Exception {
    Supplier<Connection> fresh = database(dialect);
    assertThat(migrate(fresh)).isEqualTo(VERSIONS);
    assertThat(migrate(fresh)).as("a restart applies nothing").isZero();

    Supplier<Connection> current = database(dialect);
    legacy(current, dialect, "legacy/metadata-ddl.sql");
    assertThat(migrate(current))
        .as(
            "the idempotent claim indexes, the nodes table, crawler leases, try nodes, query history,"
                + " claims at the pick, console sessions")
        .isEqualTo(7);

    Supplier<Connection> older = database(dialect);
    legacy(older, dialect, "legacy/metadata-ddl-older.sql");
    execute(older, "INSERT INTO access_users (name, kind) VALUES ('ada', 'USER')");
    assertThat(migrate(older))
        .as(
            "previous passwords, task pools, claim indexes, nodes, crawler leases, try nodes,"
                + " query history, claims at the pick, console sessions")
        .isEqualTo(9);

    assertThat(schema(current)).isEqualTo(schema(fresh));
    assertThat(schema(older)).isEqualTo(schema(fresh));
    assertThat(count(older, "SELECT COUNT(*) FROM access_users")).as("no data lost").isOne();
    assertThat(count(older, "SELECT COUNT(*) FROM schema_migrations")).isEqualTo((long) VERSIONS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void nodesStartingAtOnceApplyEachMigrationOnce(String dialect) throws Exception {
    Supplier<Connection> db = database(dialect);
    ExecutorService nodes = Executors.newFixedThreadPool(3);
    try {
      List<Callable<Integer>> starts = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        starts.add(() -> migrate(db));
      }
      int applied = 0;
      for (Future<Integer> start : nodes.invokeAll(starts)) {
        applied += start.get();
      }
      assertThat(applied).isEqualTo(VERSIONS);
    } finally {
      nodes.shutdownNow();
    }
    assertThat(count(db, "SELECT COUNT(*) FROM schema_migrations")).isEqualTo((long) VERSIONS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aChangedAppliedMigrationRefusesTheStartNamingTheFile(String dialect) throws Exception {
    Supplier<Connection> db = database(dialect);
    migrate(db);
    execute(
        db,
        "UPDATE schema_migrations SET checksum = 'tampered'"
            + " WHERE component = 'access' AND version = 2");

    assertThatThrownBy(() -> migrate(db))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("db/access/V2__previous_passwords.sql")
        .hasMessageContaining("tampered");
  }

  private static void legacy(Supplier<Connection> db, String dialect, String resource)
      throws IOException, SQLException {
    String sql;
    try (InputStream in =
        MetadataMigrationsIT.class.getClassLoader().getResourceAsStream(resource)) {
      sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    boolean pg = dialect.equals("postgresql");
    sql =
        sql.replaceAll("(?m)^--.*$", "")
            .replace("${bytes}", pg ? "BYTEA" : "BLOB")
            .replace("${time}", pg ? "TIMESTAMP WITH TIME ZONE" : "BIGINT");
    for (String statement : sql.split(";")) {
      if (!statement.isBlank()) {
        execute(db, statement);
      }
    }
  }

  /** Tables (but the migrations' own), their columns, keys and indexes, sorted. */
  private static Map<String, List<String>> schema(Supplier<Connection> db) throws SQLException {
    Map<String, List<String>> result = new TreeMap<>();
    try (Connection connection = db.get()) {
      DatabaseMetaData metadata = connection.getMetaData();
      String schema = connection.getSchema();
      List<String> tables = new ArrayList<>();
      try (ResultSet rows = metadata.getTables(null, schema, "%", new String[] {"TABLE"})) {
        while (rows.next()) {
          tables.add(rows.getString("TABLE_NAME"));
        }
      }
      for (String table : tables) {
        if (table.startsWith("schema_migrations")) {
          continue;
        }
        List<String> shape = new ArrayList<>();
        try (ResultSet rows = metadata.getColumns(null, schema, table, "%")) {
          while (rows.next()) {
            shape.add(
                "column "
                    + rows.getString("COLUMN_NAME")
                    + " "
                    + rows.getString("TYPE_NAME")
                    + "("
                    + rows.getInt("COLUMN_SIZE")
                    + ") nullable="
                    + rows.getString("IS_NULLABLE")
                    + " default="
                    + rows.getString("COLUMN_DEF"));
          }
        }
        try (ResultSet rows = metadata.getPrimaryKeys(null, schema, table)) {
          while (rows.next()) {
            shape.add("key " + rows.getString("COLUMN_NAME"));
          }
        }
        List<String> indexes = new ArrayList<>();
        try (ResultSet rows = metadata.getIndexInfo(null, schema, table, false, false)) {
          while (rows.next()) {
            indexes.add(
                "index " + rows.getString("INDEX_NAME") + " " + rows.getString("COLUMN_NAME"));
          }
        }
        indexes.sort(null);
        shape.addAll(indexes);
        result.put(table, shape);
      }
    }
    return result;
  }

  private static void execute(Supplier<Connection> db, String sql) throws SQLException {
    try (Connection connection = db.get();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static long count(Supplier<Connection> db, String sql) throws SQLException {
    try (Connection connection = db.get();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
