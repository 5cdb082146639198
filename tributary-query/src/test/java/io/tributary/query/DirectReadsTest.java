package io.tributary.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.InvalidInputException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * A statement reads tables, never files or SQL text, however deeply it hides the call: judged on
 * DuckDB's own parse of it.
 */
class DirectReadsTest {
  private static final List<String> FILE_READS =
      List.of(
          "read_parquet('/lake/raw/hidden/data/*.parquet')",
          "read_parquet(['/lake/a.parquet', '/lake/b.parquet'], union_by_name = true)",
          "READ_CSV_AUTO('/lake/x.csv')",
          "read_json('/lake/x.json')",
          "read_text('/lake/x')",
          "read_blob('/lake/x')",
          "glob('/lake/**')",
          "parquet_metadata('/lake/x.parquet')",
          "parquet_schema('/lake/x.parquet')",
          "sniff_csv('/lake/x.csv')",
          "query('SELECT * FROM raw.hid' || 'den')",
          "query_table('raw.hidden')",
          "'/lake/raw/hidden/data/f.parquet'",
          "\"/lake/raw/hidden/data/f.parquet\"",
          "'f.csv'");
  private static final List<String> TABLES =
      List.of(
          "raw.app_events",
          "range(3) r(i)",
          "generate_series(1, 3) g(i)",
          "unnest([1, 2]) u(i)",
          "duckdb_tables()",
          "(VALUES (1), (2)) v(i)");

  private static Connection connection;

  @BeforeContainer
  static void open() throws SQLException {
    connection = DriverManager.getConnection("jdbc:duckdb:");
  }

  @AfterContainer
  static void close() throws SQLException {
    connection.close();
  }

  /** A random statement with {@code from} somewhere in it, nested {@code depth} times. */
  private static String hide(String from, Random random, int depth) {
    String statement = "SELECT * FROM " + from;
    for (int i = 0; i < depth; i++) {
      String other = TABLES.get(random.nextInt(TABLES.size()));
      statement =
          switch (random.nextInt(7)) {
            case 0 -> "WITH q AS (" + statement + ") SELECT * FROM q";
            case 1 -> "SELECT * FROM (" + statement + ") s";
            case 2 -> "SELECT * FROM " + other + " WHERE EXISTS (" + statement + ")";
            case 3 -> "SELECT (SELECT count(*) FROM (" + statement + ") c) AS n";
            case 4 -> statement + " UNION ALL SELECT * FROM " + other;
            case 5 ->
                "SELECT * FROM (SELECT * FROM " + other + ") t, LATERAL (" + statement + ") l";
            default -> "DESCRIBE " + statement;
          };
    }
    return random.nextBoolean() ? statement : "EXPLAIN " + statement;
  }

  @Property(tries = 300, seed = "20261205")
  void aFileReadIsRefusedWhereverItHides(@ForAll long seed) throws SQLException {
    Random random = new Random(seed);
    String read = FILE_READS.get(random.nextInt(FILE_READS.size()));
    String sql = hide(read, random, random.nextInt(5));

    assertThatThrownBy(() -> StatementCheck.runnable(connection, sql))
        .as(sql)
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("query_not_allowed"))
        .hasMessageContaining("reads the lake's tables by name");
  }

  @Property(tries = 300, seed = "20261205")
  void tablesAndHarmlessFunctionsPass(@ForAll long seed) throws SQLException {
    Random random = new Random(seed);
    String sql = hide(TABLES.get(random.nextInt(TABLES.size())), random, random.nextInt(5));

    assertThatCode(() -> StatementCheck.runnable(connection, sql))
        .as(sql)
        .doesNotThrowAnyException();
  }

  @Provide
  Arbitrary<String> statementForms() {
    return Arbitraries.of(
        "SUMMARIZE '/lake/raw/hidden/data/f.parquet'",
        "SHOW '/lake/f.parquet'",
        "FROM read_parquet('/lake/f.parquet')",
        "SELECT 1 FROM raw.t JOIN glob('/lake/*') g ON true");
  }

  @Property(tries = 4, generation = GenerationMode.EXHAUSTIVE)
  void statementFormsThatNameFilesAreRefused(@ForAll("statementForms") String sql) {
    assertThatThrownBy(() -> StatementCheck.runnable(connection, sql))
        .as(sql)
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("query_not_allowed"));
  }
}
