package io.tributary.lake;

import io.tributary.core.config.TributaryConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/** Lakes on SQLite in a temporary directory, and reading tables back. */
final class TestLakes {
  private TestLakes() {}

  static TributaryConfig.Catalog settings(Path dir) {
    return new TributaryConfig.Catalog(
        "jdbc:sqlite:" + dir.resolve("catalog.db"), null, null, dir.resolve("lake"));
  }

  static Lake open(Path dir) {
    return Lake.open(settings(dir));
  }

  static Lake open(Path dir, Clock clock) {
    return Lake.open(settings(dir), clock);
  }

  static List<Record> read(Table table) {
    table.refresh();
    List<Record> records = new ArrayList<>();
    try (CloseableIterable<Record> all = IcebergGenerics.read(table).build()) {
      all.forEach(records::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return records;
  }
}
