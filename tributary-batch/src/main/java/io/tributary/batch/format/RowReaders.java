package io.tributary.batch.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.CloseableIterator;
import org.apache.iceberg.mapping.MappingUtil;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.parquet.ParquetSchemaUtil;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;

/**
 * Opens {@link RowReader}s over classified files. Every reader streams: memory is bounded by one
 * row (plus I/O buffers), never by the file.
 *
 * <ul>
 *   <li>CSV: the header (if any) is skipped; a record with more fields than the file has columns is
 *       rejected; a record with fewer has nulls in the missing columns; an empty field, a blank
 *       field in a non-string column, and {@code NULL}/{@code null}/{@code \N} are null. A syntax
 *       error (a quote never closed) rejects the rest of the file as one row and ends it.
 *   <li>JSON lines: a line that is malformed or not an object is rejected alone, reading goes on;
 *       blank lines are skipped.
 *   <li>JSON array: an element that is not an object is rejected alone; a syntax error rejects the
 *       rest of the file as one row and ends it (a JSON text cannot be resynchronised).
 *   <li>Parquet: read with Iceberg's generic Parquet reader (by field id, or by name for files
 *       without ids); {@link RowReader#bytesRead()} is estimated from rows read.
 * </ul>
 */
public final class RowReaders {
  /** JSON lines: one value per line, exact decimals. */
  static final ObjectMapper JSON_LINE =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** JSON array elements, exact decimals. */
  static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  /** The longest JSON line read (characters); a longer one is rejected without being held. */
  static final int MAX_LINE = 64 << 20;

  private RowReaders() {}

  /**
   * As {@link #open(Path, Classification, Schema, ExtraColumns)} with {@link ExtraColumns#FAIL}.
   */
  public static RowReader open(Path file, Classification classification, Schema target)
      throws IOException {
    return open(file, classification, target, ExtraColumns.FAIL);
  }

  /**
   * Opens {@code file} as classified, converting each row to {@code target} by (normalised) column
   * name; columns absent from the file are null; file columns absent from target follow {@code
   * extra}. A value that doesn't fit its column's type rejects only its row, with a reason naming
   * the column and the value ({@code column 'price': 'abc' is not a double}).
   *
   * @throws InvalidInputException if the classification is UNKNOWN, or (with {@link
   *     ExtraColumns#FAIL}) the CSV or Parquet file has columns that {@code target} lacks
   */
  public static RowReader open(
      Path file, Classification classification, Schema target, ExtraColumns extra)
      throws IOException {
    Objects.requireNonNull(file, "file is null");
    Objects.requireNonNull(classification, "classification is null");
    Objects.requireNonNull(target, "target is null");
    Objects.requireNonNull(extra, "extra is null");
    switch (classification.format()) {
      case CSV:
        return new CsvReader(file, classification, target, extra);
      case JSON_LINES:
        return new JsonLinesReader(file, classification, target, extra);
      case JSON_ARRAY:
        return new JsonArrayReader(file, classification, target, extra);
      case PARQUET:
        return new ParquetReader(file, target, extra);
      default:
        throw new InvalidInputException(
            ErrorCode.UNKNOWN_FORMAT, "Cannot read " + file + ": " + classification.reason());
    }
  }

  private static InvalidInputException extraColumns(Path file, List<String> missing) {
    return new InvalidInputException(
        ErrorCode.EXTRA_COLUMNS, "File " + file + " has columns that the table lacks: " + missing);
  }

  /** Skips a BOM of {@code bytes} bytes if the stream starts with one. */
  private static void skipBom(InputStream in, boolean bom, int bytes) throws IOException {
    if (bom) {
      in.skipNBytes(bytes);
    }
  }

  private static final class CsvReader implements RowReader {
    private final Sources.Opened source;
    private final CsvRecords csv;
    private final CsvDialect dialect;
    private final Types.StructType target;
    private final int columns;
    private final int[] positions;
    private final Type[] types;
    private final String[] paths;
    private final Conversions conversions;
    private boolean done;

    CsvReader(Path file, Classification c, Schema schema, ExtraColumns extra) throws IOException {
      this.dialect = c.csv();
      this.target = schema.asStruct();
      this.conversions = new Conversions(extra);
      List<Types.NestedField> fileColumns = c.schema().columns();
      this.columns = fileColumns.size();
      this.positions = new int[columns];
      this.types = new Type[columns];
      this.paths = new String[columns];
      List<String> missing = new ArrayList<>();
      for (int i = 0; i < columns; i++) {
        String name = fileColumns.get(i).name();
        Types.NestedField f = target.field(name);
        positions[i] = f == null ? -1 : target.fields().indexOf(f);
        types[i] = f == null ? null : f.type();
        paths[i] = name;
        if (f == null) {
          missing.add(name);
        }
      }
      if (!missing.isEmpty() && extra == ExtraColumns.FAIL) {
        throw extraColumns(file, missing);
      }
      source = Sources.open(file, c.compression());
      try {
        skipBom(
            source.in(), dialect.bom(), dialect.charset().equals(StandardCharsets.UTF_8) ? 3 : 2);
        csv =
            dialect.charset().equals(StandardCharsets.UTF_8)
                ? new CsvRecords(source.in(), dialect.delimiter(), dialect.quote())
                : new CsvRecords(
                    new InputStreamReader(source.in(), dialect.charset()),
                    dialect.delimiter(),
                    dialect.quote());
        if (dialect.header() && !csv.next()) {
          done = true;
        }
      } catch (IOException | RuntimeException e) {
        source.close();
        throw e;
      }
    }

    @Override
    public SourceRow next() throws IOException {
      if (done) {
        return null;
      }
      try {
        if (!csv.next()) {
          done = true;
          return null;
        }
      } catch (JsonProcessingException e) {
        done = true;
        return SourceRow.rejected(
            csv.nextLine(),
            "malformed CSV (the rest of the file is skipped): " + e.getOriginalMessage(),
            null);
      }
      String[] fields = csv.fields();
      int size = csv.size();
      if (size > columns) {
        return SourceRow.rejected(
            csv.line(),
            "the row has " + size + " fields, the file has " + columns + " columns",
            csv.render(dialect.delimiter(), dialect.quote()));
      }
      GenericRecord record = conversions.newRecord(target);
      boolean decimalComma = dialect.decimalComma();
      for (int i = 0; i < size; i++) {
        int pos = positions[i];
        String value = fields[i];
        if (pos < 0 || value.isEmpty()) {
          continue;
        }
        Type type = types[i];
        if (type.typeId() == Type.TypeID.STRING) {
          if (!TextValues.isNullToken(value)) {
            record.set(pos, value);
          }
          continue;
        }
        if (TextValues.isNull(value)) {
          continue;
        }
        try {
          record.set(pos, conversions.text(value, type, paths[i], decimalComma));
        } catch (Conversions.Reject r) {
          return SourceRow.rejected(
              csv.line(), r.getMessage(), csv.render(dialect.delimiter(), dialect.quote()));
        }
      }
      return SourceRow.ok(csv.line(), record, null);
    }

    @Override
    public long bytesRead() {
      return source.raw().count();
    }

    @Override
    public void close() throws IOException {
      try {
        csv.close();
      } finally {
        source.close();
      }
    }
  }

  private static final class JsonLinesReader implements RowReader {
    private final Sources.Opened source;
    private final LineReader lines;
    private final Types.StructType target;
    private final Conversions conversions;
    private long line;

    JsonLinesReader(Path file, Classification c, Schema schema, ExtraColumns extra)
        throws IOException {
      this.target = schema.asStruct();
      this.conversions = new Conversions(extra);
      source = Sources.open(file, c.compression());
      try {
        byte[] head = Sources.peek(source.in(), 3);
        skipBom(source.in(), Sources.startsWith(head, 0xef, 0xbb, 0xbf), 3);
        lines =
            new LineReader(new InputStreamReader(source.in(), StandardCharsets.UTF_8), MAX_LINE);
      } catch (IOException | RuntimeException e) {
        source.close();
        throw e;
      }
    }

    @Override
    public SourceRow next() throws IOException {
      String text;
      while ((text = lines.next()) != null) {
        line++;
        if (lines.tooLong()) {
          return SourceRow.rejected(
              line, "the line is longer than " + MAX_LINE + " characters", null);
        }
        if (!text.isBlank()) {
          return row(text);
        }
      }
      return null;
    }

    private SourceRow row(String text) {
      try (JsonParser p = JSON_LINE.getFactory().createParser(text)) {
        JsonToken t = p.nextToken();
        if (t != JsonToken.START_OBJECT) {
          p.skipChildren();
          return SourceRow.rejected(
              line,
              p.nextToken() == null ? "not a JSON object" : "malformed JSON: more than one value",
              text);
        }
        Record record;
        try {
          record = conversions.streamObject(p, target, "", 0);
        } catch (Conversions.Reject r) {
          return SourceRow.rejected(line, r.getMessage(), text);
        }
        if (p.nextToken() != null) {
          return SourceRow.rejected(line, "malformed JSON: more than one value on the line", text);
        }
        return SourceRow.ok(line, record, text);
      } catch (JsonProcessingException e) {
        return SourceRow.rejected(line, "malformed JSON: " + e.getOriginalMessage(), text);
      } catch (IOException e) {
        return SourceRow.rejected(line, "malformed JSON: " + e.getMessage(), text);
      }
    }

    @Override
    public long bytesRead() {
      return source.raw().count();
    }

    @Override
    public void close() throws IOException {
      try {
        lines.close();
      } finally {
        source.close();
      }
    }
  }

  private static final class JsonArrayReader implements RowReader {
    private final Sources.Opened source;
    private final JsonParser parser;
    private final Types.StructType target;
    private final Conversions conversions;
    private long element;
    private boolean done;

    JsonArrayReader(Path file, Classification c, Schema schema, ExtraColumns extra)
        throws IOException {
      this.target = schema.asStruct();
      this.conversions = new Conversions(extra);
      source = Sources.open(file, c.compression());
      try {
        parser = JSON.getFactory().createParser(source.in()); // detects and skips a UTF-8 BOM
        if (parser.nextToken() != JsonToken.START_ARRAY) {
          throw new InvalidInputException(
              ErrorCode.NOT_JSON_ARRAY, "File " + file + " is not a JSON array");
        }
      } catch (IOException | RuntimeException e) {
        source.close();
        throw e;
      }
    }

    @Override
    public SourceRow next() throws IOException {
      if (done) {
        return null;
      }
      JsonNode node;
      try {
        JsonToken t = parser.nextToken();
        if (t == JsonToken.END_ARRAY || t == null) {
          done = true;
          if (t != null && parser.nextToken() != null) {
            return SourceRow.rejected(
                element + 1,
                "content after the end of the JSON array (the rest of the file is skipped)",
                null);
          }
          return null;
        }
        element++;
        node = parser.readValueAsTree();
      } catch (JsonProcessingException e) {
        done = true;
        return SourceRow.rejected(
            element,
            "malformed JSON (the rest of the file is skipped): " + e.getOriginalMessage(),
            null);
      }
      String text = node.toString();
      if (!node.isObject()) {
        return SourceRow.rejected(element, "not a JSON object", text);
      }
      try {
        return SourceRow.ok(element, conversions.jsonObject(node, target, ""), text);
      } catch (Conversions.Reject r) {
        return SourceRow.rejected(element, r.getMessage(), text);
      }
    }

    @Override
    public long bytesRead() {
      return source.raw().count();
    }

    @Override
    public void close() throws IOException {
      try {
        parser.close();
      } finally {
        source.close();
      }
    }
  }

  private static final class ParquetReader implements RowReader {
    private final CloseableIterable<Record> rows;
    private final CloseableIterator<Record> iterator;
    private final Types.StructType source;
    private final Types.StructType target;
    private final Conversions conversions;
    private final long fileSize;
    private final long totalRows;
    private long row;

    ParquetReader(Path file, Schema schema, ExtraColumns extra) throws IOException {
      this.target = schema.asStruct();
      this.conversions = new Conversions(extra);
      this.fileSize = Files.size(file);
      MessageType footer;
      try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
        footer = reader.getFooter().getFileMetaData().getSchema();
        totalRows = reader.getRecordCount();
      }
      Schema fileSchema = ParquetFormat.fileSchema(footer);
      this.source = fileSchema.asStruct();
      int[] mapping = Conversions.mapping(source, target);
      List<String> missing = new ArrayList<>();
      for (int i = 0; i < mapping.length; i++) {
        if (mapping[i] < 0) {
          missing.add(Names.normalize(source.fields().get(i).name(), i + 1));
        }
      }
      if (!missing.isEmpty() && extra == ExtraColumns.FAIL) {
        throw extraColumns(file, missing);
      }
      Parquet.ReadBuilder builder =
          Parquet.read(org.apache.iceberg.Files.localInput(file.toFile()))
              .project(fileSchema)
              .createReaderFunc(type -> GenericParquetReaders.buildReader(fileSchema, type));
      if (!ParquetSchemaUtil.hasIds(footer)) {
        builder = builder.withNameMapping(MappingUtil.create(fileSchema));
      }
      rows = builder.build();
      iterator = rows.iterator();
    }

    @Override
    public SourceRow next() throws IOException {
      if (!iterator.hasNext()) {
        return null;
      }
      Record r = iterator.next();
      row++;
      try {
        return SourceRow.ok(row, conversions.parquetRecord(r, source, target, ""), null);
      } catch (Conversions.Reject e) {
        return SourceRow.rejected(row, e.getMessage(), r.toString());
      }
    }

    @Override
    public long bytesRead() {
      return totalRows == 0 ? fileSize : fileSize * row / totalRows;
    }

    @Override
    public void close() throws IOException {
      try {
        iterator.close();
      } finally {
        rows.close();
      }
    }
  }
}
