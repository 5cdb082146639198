package io.tributary.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.javalin.http.Context;
import io.tributary.core.TableId;
import io.tributary.core.TributaryException;
import io.tributary.query.QueryCancel;
import io.tributary.query.QueryCursor;
import io.tributary.query.QueryEngine;
import io.tributary.query.QueryResult;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a query as a stream of rows, written to the client as the engine produces them (chunked,
 * no row limit): NDJSON, one JSON object per row keyed by column name, or CSV with a header line.
 * Neither side holds the result: DuckDB streams it, the JVM holds one row and an output buffer.
 *
 * <p>An error before the first row is an ordinary error answer. Once rows went out, the status is
 * sent: an error then ends NDJSON with one {@code {"error": {"code", "message"}}} line, and both
 * formats end with an aborted connection (no last chunk), so no client takes a cut result for a
 * whole one. A client that goes away ends the query and frees its engine slot at the next write.
 */
final class RowStreaming {
  private static final Logger LOG = LoggerFactory.getLogger(RowStreaming.class);
  private static final int BUFFER_BYTES = 64 << 10;

  /** Rows buffered longer than this go out even if the buffer is not full. */
  private static final long FLUSH_NANOS = 200_000_000L;

  /** The streamed formats, by the media type a client asks for in {@code Accept}. */
  enum Format {
    NDJSON("application/x-ndjson"),
    CSV("text/csv");

    final String mediaType;

    Format(String mediaType) {
      this.mediaType = mediaType;
    }

    /**
     * The streamed format {@code accept} prefers: the first media range that names one, unless
     * {@code application/json} comes before it; empty for the JSON answer.
     */
    static Optional<Format> accepted(String accept) {
      if (accept == null) {
        return Optional.empty();
      }
      for (String range : accept.split(",")) {
        String type = range.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (type.equals("application/json")) {
          return Optional.empty();
        }
        for (Format format : values()) {
          if (format.mediaType.equals(type)) {
            return Optional.of(format);
          }
        }
      }
      return Optional.empty();
    }
  }

  private final ObjectMapper json;
  private final CsvMapper csv = new CsvMapper();

  RowStreaming(ObjectMapper json) {
    this.json = json;
    csv.getFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
  }

  /**
   * Runs {@code sql} on {@code engine}, reading only the tables {@code readable} accepts, and
   * streams its rows to {@code ctx} in {@code format}.
   */
  void answer(
      Context ctx, QueryEngine engine, String sql, Predicate<TableId> readable, Format format) {
    try (QueryCursor cursor = engine.open(sql, new QueryCancel(), List.of(), readable)) {
      ctx.status(200);
      ctx.res().setContentType(format.mediaType + "; charset=utf-8");
      ctx.res().setHeader("Cache-Control", "no-store");
      OutputStream out = new BufferedOutputStream(ctx.res().getOutputStream(), BUFFER_BYTES);
      RowWriter writer =
          format == Format.NDJSON ? ndjson(out, cursor.columns()) : csv(out, cursor.columns());
      try {
        long flushed = System.nanoTime();
        for (List<Object> row = cursor.next(); row != null; row = cursor.next()) {
          writer.row(row);
          if (System.nanoTime() - flushed > FLUSH_NANOS) {
            out.flush();
            flushed = System.nanoTime();
          }
        }
        writer.close();
        out.flush();
      } catch (TributaryException e) {
        LOG.debug("Query stream failed after its first rows: {}", e.toString());
        writer.fail(e);
        out.flush();
        abort(ctx, e);
      }
    } catch (IOException e) {
      // the client went away: closing the cursor ended the query and freed its slot
      LOG.debug("Query stream client gone: {}", e.toString());
    }
  }

  private static void abort(Context ctx, Throwable cause) {
    ServletContextRequest.getServletContextRequest(ctx.req()).getServletChannel().abort(cause);
  }

  /** Writes rows of one format. */
  private interface RowWriter {
    void row(List<Object> row) throws IOException;

    /** Marks the stream failed, where the format can say so. */
    void fail(TributaryException error) throws IOException;

    void close() throws IOException;
  }

  private RowWriter ndjson(OutputStream out, List<QueryResult.Column> columns) throws IOException {
    JsonGenerator generator = json.getFactory().createGenerator(out);
    generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    generator.setRootValueSeparator(null); // rows end with a newline instead
    String[] names = columns.stream().map(QueryResult.Column::name).toArray(String[]::new);
    return new RowWriter() {
      @Override
      public void row(List<Object> row) throws IOException {
        generator.writeStartObject();
        for (int i = 0; i < names.length; i++) {
          generator.writeFieldName(names[i]);
          writeValue(generator, row.get(i));
        }
        generator.writeEndObject();
        generator.writeRaw('\n');
      }

      @Override
      public void fail(TributaryException error) throws IOException {
        generator.writeObject(
            Map.of("error", Map.of("code", error.code(), "message", error.getMessage())));
        generator.writeRaw('\n');
        generator.flush();
      }

      @Override
      public void close() throws IOException {
        generator.close();
      }
    };
  }

  /** Writes the common scalars directly; anything else through the mapper's serializers. */
  private static void writeValue(JsonGenerator generator, Object value) throws IOException {
    if (value == null) {
      generator.writeNull();
    } else if (value instanceof String text) {
      generator.writeString(text);
    } else if (value instanceof Long number) {
      generator.writeNumber(number);
    } else if (value instanceof Integer number) {
      generator.writeNumber(number);
    } else if (value instanceof Double number) {
      generator.writeNumber(number);
    } else if (value instanceof Boolean bool) {
      generator.writeBoolean(bool);
    } else {
      generator.writeObject(value);
    }
  }

  private RowWriter csv(OutputStream out, List<QueryResult.Column> columns) throws IOException {
    CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
    columns.forEach(column -> schema.addColumn(column.name()));
    SequenceWriter rows = csv.writer(schema.build()).writeValues(out);
    List<String> cells = new ArrayList<>(columns.size());
    return new RowWriter() {
      @Override
      public void row(List<Object> row) throws IOException {
        cells.clear();
        for (Object value : row) {
          cells.add(cell(value));
        }
        rows.write(cells);
      }

      @Override
      public void fail(TributaryException error) throws IOException {
        rows.flush(); // CSV cannot say it: the aborted connection does
      }

      @Override
      public void close() throws IOException {
        rows.close();
      }
    };
  }

  /** A CSV cell: empty for NULL, JSON for lists and structs, base64 for bytes. */
  private String cell(Object value) throws IOException {
    if (value == null) {
      return null;
    }
    if (value instanceof byte[] bytes) {
      return Base64.getEncoder().encodeToString(bytes);
    }
    if (value instanceof List<?> || value instanceof Map<?, ?>) {
      return json.writeValueAsString(value);
    }
    return value.toString();
  }
}
