package io.tributary.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.RetriableException;
import io.tributary.core.TributaryException;
import io.tributary.core.config.TributaryConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cursors stream: a result many times larger than a query's DuckDB memory share is read row by row,
 * errors keep DuckDB's own message whether raised as the statement starts or mid-stream, and a
 * cursor closed early frees its slot.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryStreamingIT {
  /** 32 MiB for two concurrent queries: 16 MiB each, far below the results read here. */
  private static final TributaryConfig.Query SMALL =
      new TributaryConfig.Query(1, 32L << 20, 10, Duration.ofSeconds(60));

  private static final String BIG =
      "SELECT i, 'row number ' || i || ' with some padding text' AS s FROM range(3000000) t(i)";

  private TestLake lake;
  private QueryEngine engine;

  @BeforeAll
  void setUp(@TempDir Path dir) {
    lake = new TestLake(dir, "raw");
    engine = new QueryEngine(lake.catalog(), lake.directory(), SMALL);
  }

  @AfterAll
  void tearDown() throws Exception {
    engine.close();
    lake.close();
  }

  @Test
  void aResultManyTimesTheQueryMemoryStreamsThroughACursor() {
    long rows = 0;
    long sum = 0;
    try (QueryCursor cursor = engine.open(BIG, new QueryCancel())) {
      for (List<Object> row = cursor.next(); row != null; row = cursor.next()) {
        rows++;
        sum += ((Number) row.get(0)).longValue();
      }
    }
    assertThat(rows).isEqualTo(3_000_000);
    assertThat(sum).isEqualTo(3_000_000L * 2_999_999L / 2);
    assertThat(engine.activeQueries()).isZero();
  }

  @Test
  void timestampsStreamAsIsoText() {
    String sql =
        "SELECT TIMESTAMP '1969-12-31 23:59:59.5' AS lt,"
            + " TIMESTAMPTZ '2024-05-01 12:00:00.123456+00' AS tz, NULL::TIMESTAMP AS nl,"
            + " NULL::TIMESTAMPTZ AS nz, TIMESTAMP '10000-01-01 00:00:00' AS far";
    try (QueryCursor cursor = engine.open(sql, new QueryCancel())) {
      assertThat(cursor.next())
          .containsExactly(
              "1969-12-31T23:59:59.5",
              "2024-05-01T12:00:00.123456Z",
              null,
              null,
              "+10000-01-01T00:00:00");
      assertThat(cursor.next()).isNull();
    }
  }

  @Test
  void aSortedResultBeyondTheMemoryShareFailsWithDuckDbsOwnMessage() {
    // a sort must hold its input: over the memory share it fails as the statement starts, where
    // DuckDB's streaming driver says only "Invalid result set"; the message is recovered
    assertThatThrownBy(() -> engine.open(BIG + " ORDER BY s DESC", new QueryCancel()).close())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Out of Memory")
        .hasMessageNotContaining(StartErrors.LOST_MESSAGE);
    assertThat(engine.activeQueries()).isZero();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SELECT CAST('x' AS INT)",
        "SELECT i, CAST(CASE WHEN i < 90000 THEN '1' ELSE 'x' END AS INT) FROM range(100000) t(i)"
            + " ORDER BY i",
        "SELECT count(*) FROM range(100000) t(i) GROUP BY CAST(CASE WHEN i < 9 THEN '1' ELSE 'x'"
            + " END AS INT)"
      })
  void anErrorAsTheStatementStartsKeepsDuckDbsMessage(String sql) {
    assertThatThrownBy(() -> engine.open(sql, new QueryCancel()).close())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Could not convert string 'x' to INT32")
        .satisfies(
            e -> assertThat(((TributaryException) e).errorCode()).isEqualTo(ErrorCode.QUERY_ERROR));
    assertThatThrownBy(() -> engine.stream(sql, rows -> rows.next()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Could not convert string 'x' to INT32");
    assertThatThrownBy(() -> engine.execute(sql))
        .hasMessageContaining("Could not convert string 'x' to INT32");
    assertThat(engine.activeQueries()).isZero();
  }

  @Test
  void anErrorWhileRowsStreamKeepsDuckDbsMessage() {
    String sql =
        "SELECT CAST(CASE WHEN i < 2000000 THEN '1' ELSE 'x' END AS INT) FROM range(3000000) t(i)";
    long[] read = {0};
    assertThatThrownBy(
            () -> {
              try (QueryCursor cursor = engine.open(sql, new QueryCancel())) {
                while (cursor.next() != null) {
                  read[0]++;
                }
              }
            })
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Could not convert string 'x' to INT32");
    assertThat(read[0]).isLessThanOrEqualTo(2_000_000);
    assertThat(engine.activeQueries()).isZero();
  }

  @Test
  void aCancelWhileRowsStreamStopsTheCursor() {
    QueryCancel cancel = new QueryCancel();
    try (QueryCursor cursor = engine.open(BIG, cancel)) {
      assertThat(cursor.next()).isNotNull();
      cancel.cancel();
      assertThatThrownBy(cursor::next)
          .isInstanceOf(RetriableException.class)
          .satisfies(
              e ->
                  assertThat(((TributaryException) e).errorCode())
                      .isEqualTo(ErrorCode.QUERY_CANCELED));
    }
    assertThat(engine.activeQueries()).isZero();
  }

  @Test
  void aCursorClosedEarlyFreesItsSlot() {
    try (QueryCursor cursor = engine.open(BIG, new QueryCancel())) {
      assertThat(cursor.next()).isNotNull();
      assertThat(engine.activeQueries()).isEqualTo(1);
    }
    assertThat(engine.activeQueries()).isZero();
  }

  @Test
  void aCursorReadPastTheTimeoutFailsAsATimeout() {
    try (QueryEngine quick =
        new QueryEngine(
            lake.catalog(),
            lake.directory(),
            new TributaryConfig.Query(1, 32L << 20, 10, Duration.ofMillis(300)))) {
      assertThatThrownBy(
              () -> {
                try (QueryCursor cursor =
                    quick.open("SELECT * FROM range(1000000000)", new QueryCancel())) {
                  while (cursor.next() != null) {
                    Thread.onSpinWait();
                  }
                }
              })
          .isInstanceOf(RetriableException.class)
          .hasMessageContaining("did not finish within 300 ms");
      assertThat(quick.activeQueries()).isZero();
    }
  }
}
