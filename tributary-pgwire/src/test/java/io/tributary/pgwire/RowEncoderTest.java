package io.tributary.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.config.TributaryConfig;
import io.tributary.query.QueryCancel;
import io.tributary.query.QueryCursor;
import io.tributary.query.QueryEngine;
import io.tributary.query.RandomRows;
import io.tributary.query.TestLake;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * DataRows written straight from the cursor ({@link RowEncoder}) are byte for byte the DataRows of
 * the engine's row values through {@link ValueEncoder}, in text and in binary, on random rows of
 * every type (read as Arrow) and with a column only JDBC reads.
 */
class RowEncoderTest {
  private static Path dir;
  private static TestLake lake;
  private static QueryEngine engine;

  @BeforeContainer
  static void open() throws IOException {
    dir = Files.createTempDirectory("row-encoder");
    lake = new TestLake(dir, "raw");
    engine =
        new QueryEngine(
            lake.catalog(),
            lake.directory(),
            new TributaryConfig.Query(2, 256L << 20, 1000, Duration.ofSeconds(60)));
  }

  @AfterContainer
  static void close() throws Exception {
    engine.close();
    lake.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  @Property(seed = "20261205", tries = 8)
  void directRowsAreTheValueEncoderRows(@ForAll long seed) throws IOException {
    Random random = new Random(seed);
    // the statement check takes a few hundred VALUES rows; repeated up to 10 times, they span
    // Arrow batches of 2,048 rows
    String sql =
        "SELECT t.* FROM ("
            + RandomRows.sql(random, random.nextInt(300))
            + ") t, range("
            + (1 + random.nextInt(10))
            + ")";
    if (random.nextInt(4) == 0) {
      sql = "SELECT *, [k] AS list FROM (" + sql + ")"; // a LIST: every column read by JDBC
    }
    for (short format : new short[] {0, 1}) {
      Portal portal = new Portal(sql, new short[] {format});

      assertThat(direct(sql, portal)).isEqualTo(throughValues(sql, portal));
    }
  }

  @Example
  void infiniteTimestampsAsPostgresWritesThem() throws IOException {
    String sql = "SELECT 'infinity'::TIMESTAMP AS a, '-infinity'::TIMESTAMPTZ AS b";
    byte[] text = direct(sql, new Portal(sql, new short[] {0}));

    assertThat(new String(text, StandardCharsets.UTF_8)).contains("infinity").contains("-infinity");
  }

  private static byte[] direct(String sql, Portal portal) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    MessageWriter out = new MessageWriter(bytes);
    try (QueryCursor cursor = engine.open(sql, new QueryCancel())) {
      RowEncoder encoder = new RowEncoder(cursor, types(cursor), portal);
      while (cursor.advance()) {
        encoder.write(out, cursor);
      }
    }
    out.flush();
    return bytes.toByteArray();
  }

  /** As the endpoint wrote rows before {@link RowEncoder}: values, then {@link ValueEncoder}. */
  private static byte[] throughValues(String sql, Portal portal) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    MessageWriter out = new MessageWriter(bytes);
    Backend backend = new Backend(out);
    try (QueryCursor cursor = engine.open(sql, new QueryCancel())) {
      PgType[] types = types(cursor);
      for (List<Object> row = cursor.next(); row != null; row = cursor.next()) {
        byte[][] values = new byte[row.size()][];
        for (int i = 0; i < values.length; i++) {
          Object value = row.get(i);
          if (value != null) {
            values[i] =
                portal.format(i) == 1
                    ? ValueEncoder.binary(types[i], value)
                    : ValueEncoder.text(types[i], value).getBytes(StandardCharsets.UTF_8);
          }
        }
        backend.dataRow(values);
      }
    }
    out.flush();
    return bytes.toByteArray();
  }

  private static PgType[] types(QueryCursor cursor) {
    return cursor.columns().stream()
        .map(column -> PgType.ofDuckDb(column.type()))
        .toArray(PgType[]::new);
  }
}
