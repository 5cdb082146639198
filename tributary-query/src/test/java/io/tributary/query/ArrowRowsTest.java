package io.tributary.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Results read as Arrow batches ({@link ArrowRows}) give exactly the values the JDBC path gives, on
 * random rows of every column type Arrow reads (NULLs, unicode, timestamps before 1970 and with
 * fractions, infinities, NaN, extreme integers), and the object-free readers agree with them.
 */
class ArrowRowsTest {
  private static ScheduledExecutorService timer;
  private static Connection connection;

  @BeforeContainer
  static void open() throws SQLException {
    assertThat(ArrowRows.available())
        .as("Arrow works in the test JVM (argLine --add-opens)")
        .isTrue();
    timer = Executors.newSingleThreadScheduledExecutor();
    Properties properties = new Properties();
    properties.setProperty("jdbc_stream_results", "true");
    connection = DriverManager.getConnection("jdbc:duckdb:", properties);
  }

  @AfterContainer
  static void close() throws SQLException {
    connection.close();
    timer.shutdownNow();
  }

  @Property(seed = "20261205", tries = 12)
  void arrowRowsAreTheJdbcRows(@ForAll long seed) throws SQLException {
    Random random = new Random(seed);
    int rows = random.nextInt(2600); // more than one batch of 2,048 rows at times
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE OR REPLACE TABLE t AS " + RandomRows.sql(random, rows));
    }
    String query = "SELECT * FROM t ORDER BY k";

    List<List<Object>> jdbc = read(query, false);
    List<List<Object>> arrow = read(query, true);

    assertThat(arrow).hasSize(rows).hasSameSizeAs(jdbc);
    for (int i = 0; i < rows; i++) {
      assertThat(arrow.get(i)).as("row %d", i).isEqualTo(jdbc.get(i));
    }
  }

  @Example
  void aFailureWhileRowsStreamIsAnErrorNotAShortResult() throws SQLException {
    String query =
        "SELECT i::VARCHAR AS v, i AS n FROM range(600000) t(i)"
            + " WHERE CASE WHEN i > 500000 THEN error('boom at ' || i) ELSE true END";

    assertThatThrownBy(() -> read(query, true)).hasMessageContaining("boom at");
  }

  @Example
  void resultsOfOtherTypesAreReadThroughJdbc() throws SQLException {
    try (QueryCursor cursor = cursor("SELECT [1, 2] AS list, 'x' AS text", true)) {
      assertThat(cursor.kind(0)).isEqualTo(QueryCursor.ValueKind.OBJECT);
      assertThat(cursor.kind(1)).isEqualTo(QueryCursor.ValueKind.OBJECT);
      assertThat(cursor.next()).containsExactly(List.of(1, 2), "x");
    }
  }

  @Example
  void rowsClosedBeforeTheirEndStopTheProducerAndLeaveNoThread() throws SQLException {
    long started = System.nanoTime();
    try (QueryCursor cursor =
        cursor("SELECT i::VARCHAR AS v, i AS n FROM range(50000000) t(i)", true)) {
      for (int i = 0; i < 3 * 2048; i++) { // past the first batch: the producer reads ahead
        assertThat(cursor.advance()).isTrue();
        assertThat(cursor.longValue(1)).isEqualTo(i);
      }
      assertThat(producers()).as("a producer reads ahead").isNotEmpty();
    }

    assertThat(producers()).as("producer threads after close").isEmpty();
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("DuckDB stopped producing the 50M rows nobody reads")
        .isLessThan(Duration.ofSeconds(20));
  }

  @Example
  void rowsReadToTheEndInManyBatchesLeaveNoThread() throws SQLException {
    List<List<Object>> rows =
        read("SELECT i::VARCHAR AS v, i AS n FROM range(100000) t(i) ORDER BY i", true);

    assertThat(rows).hasSize(100_000);
    for (int i = 0; i < rows.size(); i += 997) {
      assertThat(rows.get(i)).containsExactly(Integer.toString(i), (long) i);
    }
    assertThat(producers()).as("producer threads after close").isEmpty();
  }

  @Example
  void aSmallResultStartsNoProducer() throws SQLException {
    try (QueryCursor cursor = cursor("SELECT 'x' AS v, 1 AS n", true)) {
      assertThat(cursor.next()).containsExactly("x", 1);
      assertThat(producers()).isEmpty();
      assertThat(cursor.advance()).isFalse();
    }
  }

  /** The Arrow producer threads alive now. */
  private static List<Thread> producers() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.isAlive() && thread.getName().equals("tributary-query-arrow"))
        .toList();
  }

  private static List<List<Object>> read(String query, boolean columnar) throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    try (QueryCursor cursor = cursor(query, columnar)) {
      int width = cursor.columns().size();
      for (int i = 0; i < width && columnar; i++) {
        assertThat(cursor.kind(i)).isNotEqualTo(QueryCursor.ValueKind.OBJECT);
      }
      while (cursor.advance()) {
        List<Object> row = new ArrayList<>(width);
        for (int i = 0; i < width; i++) {
          Object value = cursor.value(i);
          if (columnar) {
            assertThat(objectFree(cursor, i)).isEqualTo(value);
          }
          row.add(value);
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /** The value built from the object-free readers, as a pgwire encoder reads it. */
  private static Object objectFree(QueryCursor cursor, int column) {
    if (cursor.isNull(column)) {
      return null;
    }
    return switch (cursor.kind(column)) {
      case TEXT -> {
        byte[] bytes = new byte[cursor.textLength(column) + 2];
        cursor.copyText(column, bytes, 1);
        yield new String(bytes, 1, bytes.length - 2, StandardCharsets.UTF_8);
      }
      case INTEGER -> {
        long value = cursor.longValue(column);
        yield cursor.columns().get(column).type().equals("BIGINT") ? (Object) value : (int) value;
      }
      case BOOLEAN -> cursor.booleanValue(column);
      case DOUBLE -> cursor.doubleValue(column);
      case TIMESTAMP -> QueryCursor.timestampValue(cursor.longValue(column), false);
      case UTC_TIMESTAMP -> QueryCursor.timestampValue(cursor.longValue(column), true);
      case DATE -> java.time.LocalDate.ofEpochDay(cursor.longValue(column)).toString();
      case OBJECT -> cursor.value(column);
    };
  }

  private static QueryCursor cursor(String query, boolean columnar) throws SQLException {
    Statement statement = connection.createStatement();
    try {
      return new QueryCursor(
          () -> {},
          statement,
          statement.executeQuery(query),
          new QueryCancel(),
          timer.schedule(() -> {}, 1, TimeUnit.HOURS),
          () -> {},
          e -> new IllegalStateException(e == null ? "stopped" : e.getMessage(), e),
          () -> false,
          columnar);
    } catch (SQLException | RuntimeException e) {
      statement.close();
      throw e;
    }
  }
}
