package io.tributary.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

/**
 * A result far larger than a query's DuckDB memory share (128 MiB here) streams to the client: by a
 * pgJDBC cursor with a fetch size (portal row limits) and by COPY, while the JVM heap stays flat.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LargeResultIT {
  private static final int COPIES = 12;
  private static final long ROWS = (long) PgWireFixture.BIG_ROWS * COPIES;
  private static final String LARGE =
      "SELECT b.n, repeat(b.label, 8) AS wide, k FROM raw.big b, range("
          + COPIES
          + ") AS copies(k)";
  private static final long HEAP_GROWTH_LIMIT = 96L << 20;
  private PgWireFixture fixture;

  @BeforeAll
  void setUp(@TempDir Path dir) {
    fixture = new PgWireFixture(dir, 4, Duration.ofMinutes(5));
  }

  @AfterAll
  void tearDown() throws Exception {
    fixture.close();
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(
        fixture.jdbcUrl(""), fixture.credentials.user(), fixture.credentials.password());
  }

  private static long heapAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  @Test
  void aCursorWithAFetchSizeStreamsMillionsOfRowsInBoundedMemory() throws SQLException {
    long baseline = heapAfterGc();
    long peak = 0;
    long rows = 0;
    long sum = 0;
    try (Connection connection = connect()) {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        statement.setFetchSize(2000);
        try (ResultSet result = statement.executeQuery(LARGE)) {
          while (result.next()) {
            sum += result.getLong(1);
            assertThat(result.getString(2)).hasSize(8 * ("row-" + result.getLong(1)).length());
            if (++rows % 400_000 == 0 && rows < ROWS) {
              assertThat(fixture.engine.activeQueries()).isEqualTo(1);
              peak = Math.max(peak, heapAfterGc() - baseline);
            }
          }
        }
      }
      connection.commit();
    }
    long n = PgWireFixture.BIG_ROWS;
    assertThat(rows).isEqualTo(ROWS);
    assertThat(sum).isEqualTo(COPIES * (n * (n - 1) / 2));
    assertThat(peak).as("heap growth while streaming").isLessThan(HEAP_GROWTH_LIMIT);
    assertThat(fixture.engine.activeQueries()).isZero();
  }

  /**
   * 200 million rows (gigabytes) that DuckDB could not hold at once: the first rows arrive while
   * the rest are not produced yet, and closing the cursor early ends the query.
   */
  @Test
  void theFirstRowsArriveBeforeTheWholeResultExists() throws SQLException {
    long started = System.nanoTime();
    try (Connection connection = connect()) {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        statement.setFetchSize(1000);
        try (ResultSet result =
            statement.executeQuery(
                "SELECT b.n, b.label, k FROM raw.big b, range(10000) AS copies(k)")) {
          for (int i = 0; i < 10_000; i++) {
            assertThat(result.next()).isTrue();
          }
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started))
            .isLessThan(Duration.ofSeconds(30));
      }
      connection.rollback();
    }
    assertThat(fixture.engine.activeQueries()).isZero();
  }

  @Test
  void copyToStdoutStreamsMillionsOfRows() throws Exception {
    long baseline = heapAfterGc();
    CountingStream out = new CountingStream();
    long copied;
    try (Connection connection = connect()) {
      CopyManager copy = connection.unwrap(BaseConnection.class).getCopyAPI();
      copied = copy.copyOut("COPY (" + LARGE + ") TO STDOUT WITH (FORMAT csv)", out);
    }
    assertThat(copied).isEqualTo(ROWS);
    assertThat(out.lines).isEqualTo(ROWS);
    assertThat(heapAfterGc() - baseline).isLessThan(HEAP_GROWTH_LIMIT);
    assertThat(fixture.engine.activeQueries()).isZero();
  }

  /** Counts lines without keeping them. */
  private static final class CountingStream extends OutputStream {
    long lines;

    @Override
    public void write(int b) {
      if (b == '\n') {
        lines++;
      }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      for (int i = offset; i < offset + length; i++) {
        write(bytes[i]);
      }
    }
  }
}
