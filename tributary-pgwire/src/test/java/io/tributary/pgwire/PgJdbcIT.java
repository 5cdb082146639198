package io.tributary.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tributary.access.AdminCredentials;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** pgJDBC 42.7 against the endpoint: SCRAM, both protocols, binary transfer, cursors, metadata. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PgJdbcIT {
  private static final int MAX_CONNECTIONS = 6;

  private PgWireFixture fixture;
  private long threadsBefore;

  @BeforeAll
  void setUp(@TempDir Path dir) {
    threadsBefore = pgwireThreads();
    fixture = new PgWireFixture(dir, MAX_CONNECTIONS, Duration.ofSeconds(20));
  }

  @AfterAll
  void tearDown() throws Exception {
    // every cursor closed, whatever the clients did: no query slot or DuckDB database left open
    await().atMost(Duration.ofSeconds(30)).until(() -> fixture.server.connectionCount() == 0);
    assertThat(fixture.engine.activeQueries()).isZero();
    fixture.close();
    assertThat(pgwireThreads()).isEqualTo(threadsBefore);
  }

  private Connection connect(String options) throws SQLException {
    return DriverManager.getConnection(
        fixture.jdbcUrl(options), fixture.credentials.user(), fixture.credentials.password());
  }

  private static long pgwireThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().startsWith("tributary-pgwire"))
        .count();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "?prepareThreshold=-1&binaryTransfer=true",
        "?preferQueryMode=simple",
        "?prepareThreshold=1&binaryTransfer=false"
      })
  void everyTypeReadsBackInEveryTransferMode(String options) throws SQLException {
    try (Connection connection = connect(options);
        PreparedStatement statement =
            connection.prepareStatement("SELECT * FROM raw.t WHERE id <= ? ORDER BY id")) {
      for (int execution = 0; execution < 3; execution++) { // past prepareThreshold
        statement.setInt(1, 3);
        try (ResultSet rows = statement.executeQuery()) {
          assertThat(rows.getMetaData().getColumnTypeName(1)).isEqualTo("int4");
          assertThat(rows.getMetaData().getColumnTypeName(3)).isEqualTo("numeric");
          assertThat(rows.getMetaData().getColumnTypeName(8)).isEqualTo("timestamptz");
          assertThat(rows.getMetaData().getColumnTypeName(9)).isEqualTo("bytea");
          assertThat(rows.next()).isTrue();
          assertThat(rows.getInt("id")).isEqualTo(1);
          assertThat(rows.getString("name")).isEqualTo("alpha");
          assertThat(rows.getBigDecimal("amount")).isEqualByComparingTo("12.50");
          assertThat(rows.getDouble("score")).isEqualTo(1.5);
          assertThat(rows.getBoolean("ok")).isTrue();
          assertThat(rows.getObject("day", LocalDate.class)).isEqualTo(LocalDate.of(2024, 5, 1));
          assertThat(rows.getObject("ts", LocalDateTime.class))
              .isEqualTo(LocalDateTime.of(2024, 5, 1, 12, 0));
          assertThat(rows.getObject("tstz", OffsetDateTime.class))
              .isEqualTo(OffsetDateTime.of(2024, 5, 1, 12, 0, 0, 0, ZoneOffset.UTC));
          assertThat(rows.getBytes("data")).containsExactly(1, 2, 0xff);
          assertThat(rows.getLong("big")).isEqualTo(10_000_000_000L);
          assertThat(rows.getString("tags")).isEqualTo("[\"a\",\"b\"]");
          assertThat(rows.next()).isTrue();
          assertThat(rows.getString("name")).isEqualTo("beta, \"quoted\"");
          assertThat(rows.getBigDecimal("amount")).isEqualByComparingTo("-0.05");
          assertThat(rows.getDouble("score")).isEqualTo(-2.25);
          assertThat(rows.getBoolean("ok")).isFalse();
          assertThat(rows.getObject("day", LocalDate.class)).isEqualTo(LocalDate.of(1999, 12, 31));
          assertThat(rows.getObject("ts", LocalDateTime.class))
              .isEqualTo(LocalDateTime.of(1999, 12, 31, 23, 59, 59, 123_456_000));
          assertThat(rows.getBytes("data")).isEmpty();
          assertThat(rows.next()).isTrue();
          assertThat(rows.getString("name")).isNull();
          assertThat(rows.getObject("amount")).isNull();
          assertThat(rows.getObject("tstz")).isNull();
          assertThat(rows.next()).isFalse();
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "?prepareThreshold=-1&binaryTransfer=true"})
  void parametersOfEveryCommonType(String options) throws SQLException {
    try (Connection connection = connect(options);
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT id FROM raw.t WHERE name = ? AND amount = ? AND score = ? AND ok = ?"
                    + " AND day = ? AND big = ? AND ts = ? AND id = ?")) {
      statement.setString(1, "alpha");
      statement.setBigDecimal(2, new BigDecimal("12.50"));
      statement.setDouble(3, 1.5);
      statement.setBoolean(4, true);
      statement.setDate(5, Date.valueOf(LocalDate.of(2024, 5, 1)));
      statement.setLong(6, 10_000_000_000L);
      statement.setObject(7, LocalDateTime.of(2024, 5, 1, 12, 0));
      statement.setShort(8, (short) 1);
      try (ResultSet rows = statement.executeQuery()) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getInt(1)).isEqualTo(1);
        assertThat(rows.next()).isFalse();
      }
      statement.setString(1, "x' OR '1'='1");
      try (ResultSet rows = statement.executeQuery()) {
        assertThat(rows.next()).isFalse();
      }
    }
    try (Connection connection = connect(options);
        PreparedStatement statement =
            connection.prepareStatement("SELECT ?::TIMESTAMPTZ AS t, ? AS nothing")) {
      statement.setTimestamp(1, Timestamp.valueOf(LocalDateTime.of(2024, 5, 1, 12, 0)));
      statement.setNull(2, java.sql.Types.INTEGER);
      try (ResultSet rows = statement.executeQuery()) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getObject(1)).isNotNull();
        assertThat(rows.getObject(2)).isNull();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "?preferQueryMode=simple"})
  void timeTravelAndMetadataTables(String options) throws SQLException {
    org.apache.iceberg.Table big = fixture.lake.load("raw", "big");
    List<Long> snapshots = new ArrayList<>();
    big.snapshots().forEach(snapshot -> snapshots.add(snapshot.snapshotId()));
    try (Connection connection = connect(options);
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT count(*), max(n) FROM raw.big FOR VERSION AS OF "
                    + snapshots.get(0)
                    + " WHERE n >= ?")) {
      statement.setLong(1, 0);
      try (ResultSet rows = statement.executeQuery()) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getLong(1)).isEqualTo(PgWireFixture.BIG_ROWS / 4);
        assertThat(rows.getLong(2)).isEqualTo(PgWireFixture.BIG_ROWS / 4 - 1);
      }
    }
    try (Connection connection = connect(options);
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT snapshot_id, operation FROM raw.\"big$snapshots\" ORDER BY committed_at,"
                    + " snapshot_id")) {
      List<Long> listed = new ArrayList<>();
      while (rows.next()) {
        listed.add(rows.getLong(1));
        assertThat(rows.getString(2)).isEqualTo("append");
      }
      assertThat(listed).containsExactlyInAnyOrderElementsOf(snapshots);
    }
  }

  @Test
  void aCursorWithAFetchSizeStreamsInATransaction() throws SQLException {
    try (Connection connection = connect("")) {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        statement.setFetchSize(1000);
        long count = 0;
        long sum = 0;
        try (ResultSet rows = statement.executeQuery("SELECT n FROM raw.big")) {
          while (rows.next()) {
            count++;
            sum += rows.getLong(1);
          }
        }
        assertThat(count).isEqualTo(PgWireFixture.BIG_ROWS);
        long n = PgWireFixture.BIG_ROWS;
        assertThat(sum).isEqualTo(n * (n - 1) / 2);
      }
      connection.commit();
    }
  }

  @Test
  void simpleQueriesWithSeveralStatementsAndSessionCommands() throws SQLException {
    try (Connection connection = connect("?preferQueryMode=simple");
        Statement statement = connection.createStatement()) {
      assertThat(statement.execute("SET extra_float_digits = 3; SELECT 1; SELECT 2 AS two"))
          .isFalse();
      assertThat(statement.getMoreResults()).isTrue();
      assertThat(statement.getMoreResults()).isTrue();
      try (ResultSet rows = statement.getResultSet()) {
        rows.next();
        assertThat(rows.getInt("two")).isEqualTo(2);
      }
    }
    try (Connection connection = connect("");
        Statement statement = connection.createStatement()) {
      statement.execute(
          "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED");
      statement.execute("SET application_name = 'probe'");
      assertThat(single(statement, "SHOW application_name")).isEqualTo("probe");
      assertThat(single(statement, "SHOW TRANSACTION ISOLATION LEVEL")).isEqualTo("read committed");
      assertThat(single(statement, "SHOW standard_conforming_strings")).isEqualTo("on");
      assertThat(connection.getTransactionIsolation())
          .isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
      connection.setReadOnly(true);
      connection.setAutoCommit(false);
      assertThat(single(statement, "SELECT count(*) FROM ref.shows")).isEqualTo("2");
      statement.execute("SET TRANSACTION READ ONLY");
      connection.rollback();
      connection.setAutoCommit(true);
      assertThat(connection.getMetaData().getDatabaseProductVersion()).startsWith("16.0");
    }
  }

  private static String single(Statement statement, String sql) throws SQLException {
    try (ResultSet rows = statement.executeQuery(sql)) {
      assertThat(rows.next()).isTrue();
      return rows.getString(1);
    }
  }

  @Test
  void errorsCarryTheirSqlState() throws SQLException {
    try (Connection connection = connect("");
        Statement statement = connection.createStatement()) {
      assertState(statement, "SELECT * FROM raw.nope", "42P01");
      assertState(statement, "SELECT nope FROM raw.t", "42703");
      assertState(statement, "SELEC 1", "42601");
      assertState(statement, "INSERT INTO raw.t (id) VALUES (9)", "25006");
      assertState(statement, "CREATE TABLE x (a INT)", "25006");
      assertState(statement, "COPY raw.t FROM STDIN", "25006");
      assertState(statement, "LISTEN channel", "0A000");
      assertState(statement, "SHOW no_such_setting", "42704");
      assertThat(single(statement, "SELECT 42")).isEqualTo("42"); // the connection goes on
      connection.setAutoCommit(false);
      assertState(statement, "SELECT * FROM raw.nope", "42P01");
      assertState(statement, "SELECT 1", "25P02");
      connection.rollback();
      assertThat(single(statement, "SELECT 43")).isEqualTo("43");
    }
    assertThat(
            fixture.meters.get("tributary.query.errors").tag("sqlstate", "42P01").counter().count())
        .isEqualTo(2);
    assertThat(
            fixture
                .meters
                .get("tributary.query.duration")
                .tag("interface", "pgwire")
                .timer()
                .count())
        .isPositive();
  }

  private static void assertState(Statement statement, String sql, String sqlState) {
    assertThatThrownBy(() -> statement.execute(sql))
        .isInstanceOfSatisfying(
            SQLException.class,
            e -> assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo(sqlState));
  }

  @Test
  void wrongPasswordAndUnknownDatabaseAreRefused() {
    assertThatThrownBy(
            () ->
                DriverManager.getConnection(
                    fixture.jdbcUrl(""), fixture.credentials.user(), "wrong"))
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
    assertThatThrownBy(() -> DriverManager.getConnection(fixture.jdbcUrl(""), "nobody", "wrong"))
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
    String otherDatabase = fixture.jdbcUrl("").replace("/tributary", "/postgres");
    assertThatThrownBy(
            () ->
                DriverManager.getConnection(
                    otherDatabase, fixture.credentials.user(), fixture.credentials.password()))
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("3D000"));
  }

  @Test
  void databaseMetaDataListsTheLake() throws SQLException {
    try (Connection connection = connect("")) {
      DatabaseMetaData metadata = connection.getMetaData();
      List<String> schemas = new ArrayList<>();
      try (ResultSet rows = metadata.getSchemas()) {
        while (rows.next()) {
          schemas.add(rows.getString("TABLE_SCHEM"));
        }
      }
      assertThat(schemas).contains("raw", "ref");
      List<String> tables = new ArrayList<>();
      try (ResultSet rows = metadata.getTables(null, "raw", "%", null)) {
        while (rows.next()) {
          assertThat(rows.getString("TABLE_CAT")).isEqualTo("tributary");
          tables.add(rows.getString("TABLE_NAME"));
        }
      }
      assertThat(tables).contains("t", "big");
      List<String> columns = new ArrayList<>();
      try (ResultSet rows = metadata.getColumns(null, "raw", "t", null)) {
        while (rows.next()) {
          columns.add(rows.getString("COLUMN_NAME") + ":" + rows.getString("TYPE_NAME"));
        }
      }
      assertThat(columns).startsWith("id:int4", "name:text", "amount:numeric");
    }
  }

  @Test
  void cancelStopsARunningQuery() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try (Connection connection = connect("");
        Statement statement = connection.createStatement()) {
      Future<Boolean> running =
          executor.submit(
              () ->
                  statement.execute(
                      "SELECT count(*) FROM raw.big a, raw.big b WHERE (a.n * 7 + b.n) % 1000003 = 17"));
      await().atMost(Duration.ofSeconds(30)).until(() -> fixture.server.runningStatements() == 1);
      statement.cancel();
      await().atMost(Duration.ofSeconds(10)).until(running::isDone); // the timeout is 20 s
      assertThatThrownBy(running::get)
          .cause()
          .isInstanceOfSatisfying(
              SQLException.class,
              e -> {
                assertThat(e.getSQLState()).isEqualTo("57014");
                assertThat(e.getMessage()).contains("canceled on request");
              });
      assertThat(single(statement, "SELECT 7")).isEqualTo("7");
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void aClientLeavingMidResultFreesItsConnectionAndQuerySlot() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      for (int i = 0; i < 3; i++) { // more than the engine's 2 query slots
        Connection connection = connect("");
        connection.setAutoCommit(false);
        Statement statement = connection.createStatement();
        statement.setFetchSize(10);
        ResultSet rows = statement.executeQuery("SELECT * FROM raw.big");
        assertThat(rows.next()).isTrue();
        connection.abort(executor);
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> fixture.server.connectionCount() == 0);
      try (Connection connection = connect("");
          Statement statement = connection.createStatement()) {
        assertThat(single(statement, "SELECT count(*) FROM raw.big")).isEqualTo("200000");
      }
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void connectionsBeyondTheLimitGet53300() throws Exception {
    await().atMost(Duration.ofSeconds(30)).until(() -> fixture.server.connectionCount() == 0);
    List<Connection> open = new ArrayList<>();
    try {
      for (int i = 0; i < MAX_CONNECTIONS; i++) {
        open.add(connect(""));
      }
      assertThatThrownBy(() -> connect(""))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("53300"));
    } finally {
      for (Connection connection : open) {
        connection.close();
      }
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> fixture.server.connectionCount() == 0);
    try (Connection connection = connect("")) {
      assertThat(connection.isValid(5)).isTrue();
    }
  }

  @Test
  void theCredentialsFileIsPrivate(@TempDir Path dir) throws Exception {
    AdminCredentials created = AdminCredentials.loadOrCreate(dir, new java.security.SecureRandom());
    Path file = dir.resolve(AdminCredentials.FILE_NAME);
    assertThat(java.nio.file.Files.getPosixFilePermissions(file))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    assertThat(AdminCredentials.loadOrCreate(dir, new java.security.SecureRandom()))
        .isEqualTo(created);
    assertThat(created.user()).isEqualTo("admin");
    assertThat(created.password()).hasSizeGreaterThanOrEqualTo(20);
    properties(created);
  }

  private static Properties properties(AdminCredentials credentials) {
    Properties properties = new Properties();
    properties.setProperty("user", credentials.user());
    return properties;
  }
}
