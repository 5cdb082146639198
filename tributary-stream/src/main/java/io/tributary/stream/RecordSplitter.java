package io.tributary.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Finds the records of an ingest request body and checks each one without building trees: a
 * streaming parser checks that a record is one complete JSON object and skips its contents.
 * Thread-safe.
 */
final class RecordSplitter {
  /** Why a record is not accepted: a stable code and a message for people. */
  record Failure(String code, String message) {}

  /**
   * The records of one body, {@code [starts[i], ends[i])}; {@code parsed} when the whole body was
   * parsed already, so every record is known to be a valid JSON value.
   */
  record Slices(int[] starts, int[] ends, int count, boolean parsed) {}

  private static final Failure NOT_AN_OBJECT =
      new Failure("not_an_object", "The record is valid JSON but not an object");

  private final JsonFactory json = new JsonFactory();
  private final long maxRecordBytes;

  RecordSplitter(long maxRecordBytes) {
    this.maxRecordBytes = maxRecordBytes;
  }

  /** One record per line; blank lines are skipped; records are validated later, one by one. */
  Slices splitLines(byte[] bytes, int length) {
    int[] starts = new int[16];
    int[] ends = new int[16];
    int count = 0;
    int position = 0;
    while (position < length) {
      int end = position;
      while (end < length && bytes[end] != '\n') {
        end++;
      }
      int first = position;
      int last = end;
      while (first < last && isWhitespace(bytes[first])) {
        first++;
      }
      while (last > first && isWhitespace(bytes[last - 1])) {
        last--;
      }
      if (first < last) {
        if (count == starts.length) {
          starts = Arrays.copyOf(starts, count * 2);
          ends = Arrays.copyOf(ends, count * 2);
        }
        starts[count] = first;
        ends[count] = last;
        count++;
      }
      position = end + 1;
    }
    return new Slices(starts, ends, count, false);
  }

  private static boolean isWhitespace(byte b) {
    return b == ' ' || b == '\t' || b == '\r' || b == '\n';
  }

  /**
   * A JSON array of records, or one record. The whole body must be valid JSON, else the request
   * fails: without it, record boundaries are unknown.
   */
  Slices splitArray(byte[] bytes, int length) {
    int[] starts = new int[16];
    int[] ends = new int[16];
    int count = 0;
    try (JsonParser parser = json.createParser(bytes, 0, length)) {
      JsonToken token = parser.nextToken();
      if (token == null) {
        return new Slices(starts, ends, 0, true);
      }
      boolean array = token == JsonToken.START_ARRAY;
      if (array) {
        token = parser.nextToken();
      }
      while (token != null && token != JsonToken.END_ARRAY) {
        if (count == starts.length) {
          starts = Arrays.copyOf(starts, count * 2);
          ends = Arrays.copyOf(ends, count * 2);
        }
        starts[count] = (int) parser.currentTokenLocation().getByteOffset();
        parser.skipChildren();
        ends[count] = (int) parser.currentLocation().getByteOffset();
        count++;
        if (!array) {
          break;
        }
        token = parser.nextToken();
      }
      if (array && token == null) {
        throw new InvalidInputException(
            ErrorCode.INVALID_JSON, "Invalid JSON request body: the array is not closed with ']'");
      }
      if (parser.nextToken() != null) {
        throw new InvalidInputException(
            ErrorCode.INVALID_JSON,
            "Invalid JSON request body at line "
                + parser.currentTokenLocation().getLineNr()
                + ", column "
                + parser.currentTokenLocation().getColumnNr()
                + ": unexpected content after the "
                + (array ? "array" : "record")
                + "; send one object per line as "
                + "application/x-ndjson");
      }
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(
          ErrorCode.INVALID_JSON,
          "Invalid JSON request body at line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ": "
              + e.getOriginalMessage(),
          e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Slices(starts, ends, count, true);
  }

  /**
   * Why each record is not acceptable ({@code null} where it is one complete JSON object): the same
   * answers as {@link #check} record by record, but lines that are valid objects are read with one
   * parser for the whole run of them instead of one parser each.
   */
  Failure[] checkAll(byte[] bytes, Slices slices) {
    Failure[] failures = new Failure[slices.count()];
    int last = slices.count() == 0 ? 0 : slices.ends()[slices.count() - 1];
    JsonParser parser = null;
    int base = 0;
    try {
      for (int i = 0; i < slices.count(); i++) {
        int start = slices.starts()[i];
        int end = slices.ends()[i];
        if (!slices.parsed() && end - start <= maxRecordBytes) {
          if (parser == null) {
            parser = json.createParser(bytes, start, last - start);
            base = start;
          }
          if (isObjectAt(parser, base, start, end)) {
            continue;
          }
        }
        parser = close(parser);
        failures[i] = check(bytes, start, end, slices.parsed());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      close(parser);
    }
    return failures;
  }

  /**
   * Whether the parser's next value is an object spanning exactly {@code [start, end)}; anything
   * else (an error, another value, content around it) leaves the parser unusable.
   */
  private static boolean isObjectAt(JsonParser parser, int base, int start, int end) {
    try {
      return parser.nextToken() == JsonToken.START_OBJECT
          && base + parser.currentTokenLocation().getByteOffset() == start
          && parser.skipChildren().currentLocation().getByteOffset() + base == end;
    } catch (IOException e) {
      return false;
    }
  }

  private static JsonParser close(JsonParser parser) {
    if (parser != null) {
      try {
        parser.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return null;
  }

  /**
   * Why the record is not acceptable, or null if it is one complete JSON object. Records of a
   * parsed body are known to be valid JSON values already.
   */
  Failure check(byte[] bytes, int start, int end, boolean parsed) {
    if (parsed && bytes[start] != '{') {
      return NOT_AN_OBJECT;
    }
    if (end - start > maxRecordBytes) {
      return new Failure(
          "record_too_large",
          "The record has "
              + (end - start)
              + " bytes, more than the limit of "
              + maxRecordBytes
              + " (ingest.max-record-bytes)");
    }
    if (parsed) {
      return null;
    }
    try (JsonParser parser = json.createParser(bytes, start, end - start)) {
      boolean object = parser.nextToken() == JsonToken.START_OBJECT;
      parser.skipChildren();
      if (parser.nextToken() != null) {
        return new Failure(
            "invalid_json",
            "Invalid JSON at column "
                + parser.currentTokenLocation().getColumnNr()
                + ": unexpected content after the "
                + (object ? "object" : "value"));
      }
      return object ? null : NOT_AN_OBJECT;
    } catch (JsonProcessingException e) {
      return new Failure(
          "invalid_json",
          "Invalid JSON at column "
              + e.getLocation().getColumnNr()
              + ": "
              + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
