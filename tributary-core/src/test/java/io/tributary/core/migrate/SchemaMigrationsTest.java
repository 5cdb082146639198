package io.tributary.core.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaMigrationsTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

  @TempDir Path dir;

  private Supplier<Connection> sqlite() {
    String url = "jdbc:sqlite:" + dir.resolve("meta.db");
    Properties properties = new Properties();
    properties.put("busy_timeout", "10000");
    return () -> {
      try {
        return DriverManager.getConnection(url, properties);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    };
  }

  private int apply(String folder) {
    return new SchemaMigrations(sqlite(), CLOCK)
        .apply("sample", "db/" + folder, Map.of(), getClass().getClassLoader());
  }

  @Test
  void appliesEveryMigrationOnceInOrder() throws SQLException {
    assertThat(apply("sample")).isEqualTo(2);
    assertThat(apply("sample")).isZero();

    assertThat(columns("items")).containsExactly("id", "name", "price");
    assertThat(history())
        .containsExactly("1 create_items " + 1767323045000L, "2 item_price " + 1767323045000L);
    assertThat(apply("sample-v3")).as("an upgrade applies the new version only").isEqualTo(1);
    assertThat(columns("items")).containsExactly("id", "name", "price", "stock");
    assertThat(count("SELECT COUNT(*) FROM items")).as("no data lost").isEqualTo(1);
  }

  @Test
  void baselinesADatabaseCreatedBeforeTheMigrations() throws SQLException {
    execute("CREATE TABLE items (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(63) NOT NULL)");
    execute("INSERT INTO items (id, name) VALUES (7, 'kept')");

    assertThat(apply("sample")).as("V1 baselined, V2 applied").isEqualTo(1);

    assertThat(columns("items")).containsExactly("id", "name", "price");
    assertThat(count("SELECT COUNT(*) FROM items")).as("V1's insert not replayed").isEqualTo(1);
    assertThat(history()).hasSize(2);
  }

  @Test
  void baselinesTheHighestVersionWhoseTablesAndColumnsExist() throws SQLException {
    execute("CREATE TABLE items (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(63), price BIGINT)");

    assertThat(apply("sample")).isZero();
    assertThat(history()).hasSize(2);
  }

  @Test
  void refusesToStartWhenAnAppliedMigrationChangedNamingTheFile() {
    apply("sample");

    assertThatThrownBy(() -> apply("sample-changed"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("db/sample-changed/V1__create_items.sql")
        .hasMessageContaining("must not change");
  }

  @Test
  void refusesASchemaNewerThanTheCode() {
    apply("sample-v3");

    assertThatThrownBy(() -> apply("sample"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("version 3, newer than this Tributary knows (2)");
  }

  @Test
  void concurrentStartsApplyEachMigrationOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Integer>> starts = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        starts.add(() -> apply("sample-v3"));
      }
      int applied = 0;
      for (Future<Integer> start : pool.invokeAll(starts)) {
        applied += start.get();
      }
      assertThat(applied).isEqualTo(3);
    } finally {
      pool.shutdownNow();
    }
    assertThat(history()).hasSize(3);
    assertThat(count("SELECT COUNT(*) FROM items")).isEqualTo(1);
  }

  @Test
  void readsTheDialectsVariantAndReplacesPlaceholders() {
    Migration plain =
        Migration.load(getClass().getClassLoader(), "db/sample", "sqlite", Map.of()).get(1);
    Migration postgres =
        Migration.load(getClass().getClassLoader(), "db/sample", "postgresql", Map.of()).get(1);

    assertThat(plain.file()).isEqualTo("db/sample/V2__item_price.sql");
    assertThat(postgres.file()).isEqualTo("db/sample/V2__item_price.postgresql.sql");
    assertThat(postgres.statements())
        .containsExactly("ALTER TABLE items ADD COLUMN price NUMERIC(18)");
    assertThat(postgres.checksum()).isNotEqualTo(plain.checksum());
    assertThat(
            Migration.parse(1, "t", "f", "CREATE TABLE ${t} (a INT);", Map.of("t", "x"))
                .statements())
        .containsExactly("CREATE TABLE x (a INT)");
    assertThatThrownBy(() -> Migration.parse(1, "t", "f", "CREATE TABLE ${t} (a INT)", Map.of()))
        .hasMessageContaining("Unreplaced placeholder");
  }

  private void execute(String sql) throws SQLException {
    try (Connection connection = sqlite().get();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private long count(String sql) throws SQLException {
    try (Connection connection = sqlite().get();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private List<String> columns(String table) throws SQLException {
    List<String> result = new ArrayList<>();
    try (Connection connection = sqlite().get();
        ResultSet rows = connection.getMetaData().getColumns(null, null, table, null)) {
      while (rows.next()) {
        result.add(rows.getString("COLUMN_NAME"));
      }
    }
    return result;
  }

  private List<String> history() throws SQLException {
    List<String> result = new ArrayList<>();
    try (Connection connection = sqlite().get();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT version, description, applied_at FROM schema_migrations"
                    + " WHERE component = 'sample' ORDER BY version")) {
      while (rows.next()) {
        result.add(rows.getInt(1) + " " + rows.getString(2) + " " + rows.getLong(3));
      }
    }
    return result;
  }
}
