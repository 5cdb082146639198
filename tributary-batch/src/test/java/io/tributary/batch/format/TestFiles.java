package io.tributary.batch.format;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/** Test helpers: resource files, reading all rows, schema summaries. */
final class TestFiles {
  private TestFiles() {}

  static Path resource(String name) {
    try {
      return Path.of(TestFiles.class.getResource("/formats/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<SourceRow> readAll(Path file, Classification c, Schema target, ExtraColumns extra)
      throws IOException {
    List<SourceRow> rows = new ArrayList<>();
    try (RowReader reader = RowReaders.open(file, c, target, extra)) {
      SourceRow row;
      while ((row = reader.next()) != null) {
        rows.add(row);
      }
    }
    return rows;
  }

  static List<SourceRow> readAll(Path file, Classification c) throws IOException {
    return readAll(file, c, c.schema(), ExtraColumns.FAIL);
  }

  /** column name → type string, in schema order. */
  static Map<String, String> types(Schema schema) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (Types.NestedField f : schema.columns()) {
      out.put(f.name(), f.type().toString());
    }
    return out;
  }

  static Map<String, String> sorted(Map<String, String> m) {
    return new TreeMap<>(m);
  }
}
