package io.tributary.batch.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tributary.batch.format.Classification;
import io.tributary.batch.format.Compression;
import io.tributary.batch.format.CsvDialect;
import io.tributary.batch.format.Format;
import io.tributary.batch.format.Names;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.duckdb.DuckDBConnection;

/**
 * The fast load path: DuckDB converts a clean CSV or JSON-lines file to one Parquet file, with the
 * columns, types and dialect the crawler inferred ({@code auto_detect=false}), Iceberg field ids in
 * the Parquet schema and zstd; the file is then added to the table with metrics read from its
 * footer. DuckDB refuses the whole file at the first value that does not convert; the crawler then
 * loads that file with the Java row reader, which sends bad rows to the error table. So a file gets
 * exactly the rows and errors of the Java path, only faster when it is clean.
 *
 * <p>DuckDB's {@code read_json} with explicit {@code columns} silently drops keys it was not given,
 * and the columns come from a bounded sample. So before a JSON-lines file is converted, one cheap
 * pass ({@link JsonKeyCheck}: Jackson's tokenizer reading the top-level keys and skipping the
 * values) looks for a line that is not an object of its own or has a key the sample did not see; if
 * there is one, the file is refused like a bad value and the row reader loads it (rejecting each
 * such row with a reason). CSV is read with {@code strict_mode} and without {@code null_padding},
 * so a row with more fields than the header fails the statement instead of being cut.
 */
public final class DuckDbLoader implements AutoCloseable {
  private static final int JSON_SAMPLE_LINES = 1000;

  private final DuckDBConnection database;

  /** An in-memory DuckDB with {@code threads} threads and a memory limit. */
  public DuckDbLoader(int threads, long memoryLimitBytes) {
    try {
      java.util.Properties properties = new java.util.Properties();
      properties.put("autoinstall_known_extensions", "false");
      properties.put("autoload_known_extensions", "false");
      database = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", properties);
      try (Statement statement = database.createStatement()) {
        statement.execute("SET threads = " + threads);
        statement.execute("SET memory_limit = '" + (memoryLimitBytes >> 20) + "MB'");
        statement.execute("SET preserve_insertion_order = false");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot start DuckDB for loading: " + e.getMessage(), e);
    }
  }

  /**
   * How DuckDB reads one file.
   *
   * @param sql the reader (a table function call or a sub-query) with the inferred columns
   * @param check null, or the check for lines whose values {@code sql} would drop
   */
  record Reader(String sql, JsonKeyCheck check) {
    Reader {
      java.util.Objects.requireNonNull(sql, "sql is null");
    }
  }

  /**
   * The DuckDB reader for {@code file}, or empty if this path does not take it (formats other than
   * CSV and JSON lines, nested columns, compression other than gzip, charsets other than UTF-8,
   * JSON keys that are not their normalised column names).
   */
  static Optional<Reader> readerFor(Path file, Classification c, Schema fileSchema)
      throws IOException {
    if (c.compression() != Compression.NONE && c.compression() != Compression.GZIP) {
      return Optional.empty();
    }
    Map<String, String> columns = new java.util.LinkedHashMap<>();
    for (Types.NestedField field : c.schema().columns()) {
      String type = duckType(field.type());
      if (type == null) {
        return Optional.empty();
      }
      columns.put(field.name(), type);
    }
    String compression = c.compression() == Compression.GZIP ? "gzip" : "none";
    if (c.format() == Format.CSV) {
      CsvDialect dialect = c.csv();
      if (!dialect.charset().equals(StandardCharsets.UTF_8)
          && !dialect.charset().equals(StandardCharsets.US_ASCII)) {
        return Optional.empty();
      }
      StringBuilder sql = new StringBuilder("read_csv(").append(literal(file.toString()));
      sql.append(", auto_detect = false, header = ").append(dialect.header());
      sql.append(", delim = ").append(literal(String.valueOf(dialect.delimiter())));
      sql.append(", quote = ").append(literal(String.valueOf(dialect.quote())));
      sql.append(", escape = ").append(literal(String.valueOf(dialect.quote())));
      if (dialect.decimalComma()) {
        sql.append(", decimal_separator = ','");
      }
      sql.append(", nullstr = ['', 'NULL', 'null', '\\N']");
      sql.append(", strict_mode = true, null_padding = false");
      sql.append(", compression = '").append(compression).append("'");
      sql.append(", columns = ").append(struct(columns)).append(")");
      return Optional.of(new Reader(sql.toString(), null));
    }
    if (c.format() == Format.JSON_LINES) {
      Optional<Map<String, String>> keys = rawKeys(file, c.compression());
      if (keys.isEmpty()) {
        return Optional.empty();
      }
      Map<String, String> byKey = new java.util.LinkedHashMap<>();
      List<String> renames = new ArrayList<>();
      for (Map.Entry<String, String> column : columns.entrySet()) {
        String key = keys.get().get(column.getKey());
        if (key == null) {
          return Optional.empty();
        }
        byKey.put(key, column.getValue());
        renames.add(quote(key) + " AS " + quote(column.getKey()));
      }
      StringBuilder sql = new StringBuilder("(SELECT ").append(String.join(", ", renames));
      sql.append(" FROM read_json(").append(literal(file.toString()));
      sql.append(", format = 'newline_delimited', auto_detect = false");
      sql.append(", compression = '").append(compression).append("'");
      sql.append(", columns = ").append(struct(byKey)).append("))");
      return Optional.of(
          new Reader(sql.toString(), new JsonKeyCheck(file, c.compression(), byKey.keySet())));
    }
    return Optional.empty();
  }

  /**
   * The top-level keys of the first lines by their normalised name (in the order first seen), if
   * every key is its own normalised name or normalises uniquely.
   */
  private static Optional<Map<String, String>> rawKeys(Path file, Compression compression)
      throws IOException {
    Map<String, String> keys = new java.util.LinkedHashMap<>();
    JsonFactory factory = new JsonFactory();
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = compression == Compression.GZIP ? new GZIPInputStream(raw) : raw;
        BufferedReader reader =
            new BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8))) {
      int lines = 0;
      for (String line = reader.readLine();
          line != null && lines < JSON_SAMPLE_LINES;
          line = reader.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        lines++;
        try (JsonParser parser = factory.createParser(line)) {
          if (parser.nextToken() != JsonToken.START_OBJECT) {
            return Optional.empty();
          }
          for (JsonToken token = parser.nextToken();
              token == JsonToken.FIELD_NAME;
              token = parser.nextToken()) {
            String key = parser.currentName();
            String previous = keys.putIfAbsent(Names.normalize(key), key);
            if (previous != null && !previous.equals(key)) {
              return Optional.empty(); // two keys, one column: leave it to the row reader
            }
            parser.nextToken();
            parser.skipChildren();
          }
        }
      }
    }
    return Optional.of(keys);
  }

  /**
   * Loads {@code file} into new Parquet data files of {@code table}; throws {@link SQLException}
   * when DuckDB refuses a value or the reader's check finds lines it would not read whole (nothing
   * is left behind then).
   */
  FileLoader.Loaded load(
      Table table, Reader reader, Schema fileSchema, Map<String, Object> partitions)
      throws SQLException, IOException {
    if (reader.check() != null) {
      Optional<String> unread = reader.check().firstUnreadLine();
      if (unread.isPresent()) {
        throw new SQLException(unread.get());
      }
    }
    Schema schema = table.schema();
    PartitionKey key = FileLoader.partitionKey(table, schema, partitions);
    String name = UUID.randomUUID() + ".parquet";
    String location =
        key == null
            ? table.locationProvider().newDataLocation(name)
            : table.locationProvider().newDataLocation(table.spec(), key, name);
    // DuckDB writes local files only: a table in remote storage (S3) gets a local file uploaded
    // through the table's FileIO once complete
    boolean local = isLocal(location);
    Path target;
    if (local) {
      target = Path.of(stripScheme(location));
      Files.createDirectories(target.getParent());
    } else {
      target = Files.createTempFile("tributary-load-", ".parquet");
    }
    List<String> select = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (Types.NestedField field : schema.columns()) {
      String type = duckType(field.type());
      String column = quote(field.name());
      String expression;
      if (partitions.containsKey(field.name())) {
        expression = "CAST(" + valueLiteral(partitions.get(field.name())) + " AS " + type + ")";
      } else if (fileSchema.findField(field.name()) != null) {
        expression = "CAST(" + column + " AS " + type + ")";
      } else {
        expression = "CAST(NULL AS " + type + ")";
      }
      select.add(expression + " AS " + column);
      ids.add(literal(field.name()) + ": " + field.fieldId());
    }
    String sql =
        "COPY (SELECT "
            + String.join(", ", select)
            + " FROM "
            + reader.sql()
            + ") TO "
            + literal(target.toString())
            + " (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880, FIELD_IDS {"
            + String.join(", ", ids)
            + "})";
    try (Connection connection = database.duplicate();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      Files.deleteIfExists(target);
      throw e;
    }
    InputFile input = org.apache.iceberg.Files.localInput(target.toFile());
    Metrics metrics = ParquetUtil.fileMetrics(input, MetricsConfig.forTable(table));
    long rows = metrics.recordCount() == null ? 0 : metrics.recordCount();
    long length = input.getLength();
    if (rows == 0) {
      Files.deleteIfExists(target);
      return new FileLoader.Loaded(List.of(), List.of(), 0, 0, "duckdb");
    }
    if (!local) {
      try {
        upload(target, table.io().newOutputFile(location));
      } finally {
        Files.deleteIfExists(target);
      }
    }
    DataFile dataFile =
        DataFiles.builder(table.spec())
            .withPath(location)
            .withFormat(FileFormat.PARQUET)
            .withFileSizeInBytes(length)
            .withMetrics(metrics)
            .withPartition(key)
            .build();
    return new FileLoader.Loaded(List.of(dataFile), List.of(), rows, 0, "duckdb");
  }

  /** Whether every column of {@code schema} has a DuckDB type here. */
  static boolean supports(Schema schema) {
    return schema.columns().stream().allMatch(f -> duckType(f.type()) != null);
  }

  private static String duckType(Type type) {
    return switch (type.typeId()) {
      case BOOLEAN -> "BOOLEAN";
      case INTEGER -> "INTEGER";
      case LONG -> "BIGINT";
      case FLOAT -> "FLOAT";
      case DOUBLE -> "DOUBLE";
      case STRING -> "VARCHAR";
      case DATE -> "DATE";
      case TIMESTAMP ->
          ((Types.TimestampType) type).shouldAdjustToUTC() ? "TIMESTAMPTZ" : "TIMESTAMP";
      case DECIMAL -> {
        Types.DecimalType decimal = (Types.DecimalType) type;
        yield decimal.precision() <= 38
            ? "DECIMAL(" + decimal.precision() + "," + decimal.scale() + ")"
            : null;
      }
      default -> null;
    };
  }

  private static String valueLiteral(Object value) {
    if (value == null) {
      return "NULL";
    }
    if (value instanceof LocalDate date) {
      return "DATE " + literal(date.toString());
    }
    if (value instanceof Number) {
      return value.toString();
    }
    return literal(value.toString());
  }

  private static String struct(Map<String, String> columns) {
    List<String> parts = new ArrayList<>();
    columns.forEach((name, type) -> parts.add(literal(name) + ": " + literal(type)));
    return "{" + String.join(", ", parts) + "}";
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  /** Whether {@code location} is a local file: a {@code file:} URI or a plain path. */
  static boolean isLocal(String location) {
    return location.startsWith("file:") || !location.contains("://");
  }

  /**
   * Copies {@code file} to {@code output}. An object store shows the object only once the stream
   * closed cleanly, so a failed copy leaves nothing behind.
   */
  private static void upload(Path file, org.apache.iceberg.io.OutputFile output)
      throws IOException {
    try (java.io.OutputStream out = output.createOrOverwrite()) {
      Files.copy(file, out);
    }
  }

  static String stripScheme(String location) {
    if (location.startsWith("file://")) {
      return location.substring("file://".length());
    }
    return location.startsWith("file:") ? location.substring("file:".length()) : location;
  }

  @Override
  public void close() {
    try {
      database.close();
    } catch (SQLException ignored) {
      // closing an in-memory database
    }
  }
}
