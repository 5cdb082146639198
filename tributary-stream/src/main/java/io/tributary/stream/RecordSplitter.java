package io.tributary.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
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

  private final JsonFactory json;
  private final JsonFactory bodies;
  private final long maxRecordBytes;
  private final int maxNestingDepth;

  /**
   * @param maxNestingDepth the deepest nesting of objects and arrays a record may have
   */
  RecordSplitter(long maxRecordBytes, int maxNestingDepth) {
    this.maxRecordBytes = maxRecordBytes;
    this.maxNestingDepth = maxNestingDepth;
    this.json = factory(maxNestingDepth);
    // one more level than a record may have: the array around the records of a JSON body
    this.bodies = factory(maxNestingDepth + 1);
  }

  private static JsonFactory factory(int maxNestingDepth) {
    return JsonFactory.builder()
        .streamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(maxNestingDepth).build())
        .build();
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
   * fails: without it, record boundaries are unknown. A record nested too deep for the parser is
   * found by its brackets instead, and fails alone (see {@link #scanArray}).
   */
  Slices splitArray(byte[] bytes, int length) {
    try {
      return parseArray(bytes, length);
    } catch (TooDeep e) {
      return scanArray(bytes, length);
    }
  }

  /** A record nested deeper than the parser allows. */
  private static final class TooDeep extends RuntimeException {
    TooDeep() {
      super(null, null, false, false);
    }
  }

  /**
   * The records of a JSON body found by their brackets (outside strings), without a parser: each
   * record is then checked alone, as a line of NDJSON is.
   */
  private static Slices scanArray(byte[] bytes, int length) {
    int[] starts = new int[16];
    int[] ends = new int[16];
    int count = 0;
    int at = skipWhitespace(bytes, 0, length);
    boolean array = at < length && bytes[at] == '[';
    if (array) {
      at++;
    }
    while (true) {
      at = skipWhitespace(bytes, at, length);
      if (at >= length) {
        if (array) {
          throw new InvalidInputException(
              ErrorCode.INVALID_JSON,
              "Invalid JSON request body: the array is not closed with ']'");
        }
        break;
      }
      if (array && bytes[at] == ']' && count == 0) {
        break;
      }
      int start = at;
      int depth = 0;
      boolean inString = false;
      for (; at < length; at++) {
        byte b = bytes[at];
        if (inString) {
          if (b == '\\') {
            at++;
          } else if (b == '"') {
            inString = false;
          }
        } else if (b == '"') {
          inString = true;
        } else if (b == '{' || b == '[') {
          depth++;
        } else if (b == '}' || b == ']') {
          if (depth == 0) {
            break;
          }
          depth--;
        } else if (b == ',' && depth == 0 && array) {
          break;
        }
      }
      int end = Math.min(at, length);
      while (end > start && isWhitespace(bytes[end - 1])) {
        end--;
      }
      if (count == starts.length) {
        starts = Arrays.copyOf(starts, count * 2);
        ends = Arrays.copyOf(ends, count * 2);
      }
      starts[count] = start;
      ends[count] = end;
      count++;
      if (!array || at >= length || bytes[at] == ']') {
        break;
      }
      at++; // the comma
    }
    return new Slices(starts, ends, count, false);
  }

  private static boolean isTooDeep(StreamConstraintsException e) {
    return e.getOriginalMessage() != null && e.getOriginalMessage().contains("nesting depth");
  }

  private static int skipWhitespace(byte[] bytes, int at, int length) {
    while (at < length && isWhitespace(bytes[at])) {
      at++;
    }
    return at;
  }

  private Slices parseArray(byte[] bytes, int length) {
    int[] starts = new int[16];
    int[] ends = new int[16];
    int count = 0;
    boolean array = false;
    try (JsonParser parser = bodies.createParser(bytes, 0, length)) {
      JsonToken token = parser.nextToken();
      if (token == null) {
        return new Slices(starts, ends, 0, true);
      }
      array = token == JsonToken.START_ARRAY;
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
    } catch (StreamConstraintsException e) {
      if (isTooDeep(e)) {
        throw new TooDeep();
      }
      throw new InvalidInputException(
          ErrorCode.INVALID_JSON, "Invalid JSON request body: " + e.getOriginalMessage(), e);
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
    // one record is checked alone, at its own depth
    return new Slices(starts, ends, count, array);
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
    } catch (StreamConstraintsException e) {
      if (!isTooDeep(e)) {
        return new Failure("invalid_json", "Invalid JSON: " + e.getOriginalMessage());
      }
      return new Failure(
          "too_deep",
          "The record is nested deeper than the limit of "
              + maxNestingDepth
              + " levels (ingest.max-nesting-depth)");
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
