package io.tributary.datasets;

import io.tributary.core.TableId;
import io.tributary.core.config.TributaryConfig;
import io.tributary.lake.Committed;
import io.tributary.lake.Lake;
import io.tributary.lake.RowLoad;
import io.tributary.query.QueryEngine;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;

/** A lake on SQLite in a temporary directory, its query engine, and rows appended to tables. */
final class TestLake implements AutoCloseable {
  static final TributaryConfig.Query QUERY =
      new TributaryConfig.Query(2, 512L << 20, 100_000, Duration.ofSeconds(60));

  final Lake lake;
  final QueryEngine engine;

  TestLake(Path dir) {
    lake =
        Lake.open(
            new TributaryConfig.Catalog(
                "jdbc:sqlite:" + dir.resolve("catalog.db"), null, null, dir.resolve("lake")),
            Clock.systemUTC());
    engine = new QueryEngine(lake.catalog(), lake.warehouse(), QUERY);
  }

  /** Appends {@code rows} (Iceberg's internal values) to {@code table}, creating it if missing. */
  long append(TableId table, Schema schema, List<Object[]> rows) {
    Committed committed =
        new RowLoad(lake.writer(table), List.of())
            .write(
                schema,
                rows.stream().<StructLike>map(Row::new).iterator(),
                RowLoad.Mode.APPEND,
                Map.of());
    return committed.snapshotId();
  }

  static long micros(Instant instant) {
    return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000;
  }

  @Override
  public void close() {
    engine.close();
    lake.close();
  }

  private record Row(Object[] values) implements StructLike {
    @Override
    public int size() {
      return values.length;
    }

    @Override
    public <T> T get(int pos, Class<T> javaClass) {
      return javaClass.cast(values[pos]);
    }

    @Override
    public <T> void set(int pos, T value) {
      values[pos] = value;
    }
  }
}
