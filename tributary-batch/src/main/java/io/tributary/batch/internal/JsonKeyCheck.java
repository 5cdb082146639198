package io.tributary.batch.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tributary.batch.format.Compression;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Finds the first line of a JSON-lines file that DuckDB's {@code read_json} with explicit columns
 * would not read whole: a line that is not one JSON object of its own, or an object with a
 * top-level key outside {@code known} (whose value {@code read_json} would drop silently).
 *
 * <p>One streaming pass of Jackson's tokenizer over the file's bytes: it reads the top-level keys
 * and skips the values without decoding them, several times faster than DuckDB listing the keys of
 * every line ({@code json_keys}) in a query of its own. The values are DuckDB's to convert (or
 * refuse) in the conversion itself.
 *
 * @param file the JSON-lines file
 * @param compression how it is compressed: none or gzip
 * @param known the top-level keys as written in the file that the conversion reads
 */
record JsonKeyCheck(Path file, Compression compression, Set<String> known) {
  private static final JsonFactory JSON = new JsonFactory();

  JsonKeyCheck {
    if (compression != Compression.NONE && compression != Compression.GZIP) {
      throw new IllegalArgumentException(
          "Cannot check the keys of " + file + ": compression " + compression);
    }
    known = Set.copyOf(known);
  }

  /** The first line the conversion would not read whole, and why; empty if there is none. */
  Optional<String> firstUnreadLine() throws IOException {
    try (InputStream raw = Files.newInputStream(file);
        InputStream in =
            new BufferedInputStream(
                compression == Compression.GZIP ? new GZIPInputStream(raw, 1 << 16) : raw,
                1 << 16);
        JsonParser parser = JSON.createParser(in)) {
      int lastLine = 0;
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        int line = parser.currentTokenLocation().getLineNr();
        if (token != JsonToken.START_OBJECT) {
          return Optional.of("line " + line + " is not a JSON object");
        }
        if (line == lastLine) {
          return Optional.of("line " + line + " holds more than one JSON value");
        }
        for (token = parser.nextToken();
            token == JsonToken.FIELD_NAME;
            token = parser.nextToken()) {
          String key = parser.currentName();
          if (!known.contains(key)) {
            return Optional.of(
                "line " + line + " has the key '" + key + "' that the sample did not see");
          }
          parser.nextToken();
          parser.skipChildren();
        }
        lastLine = parser.currentTokenLocation().getLineNr();
        if (lastLine != line) {
          return Optional.of("line " + line + " holds an object that spans lines");
        }
      }
      return Optional.empty();
    } catch (JacksonException e) {
      return Optional.of("malformed JSON: " + e.getOriginalMessage());
    }
  }
}
