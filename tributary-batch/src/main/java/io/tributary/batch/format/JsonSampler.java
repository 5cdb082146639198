package io.tributary.batch.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Infers the schema of JSON lines and JSON arrays from a text sample.
 *
 * <ul>
 *   <li>JSON lines: one object per line, blank lines skipped. The first record must be a complete
 *       object on its line (a pretty-printed object spanning lines is UNKNOWN); a line that is
 *       malformed or not an object is skipped (it is rejected when read), but if more than half of
 *       the sampled lines are, the file is UNKNOWN.
 *   <li>JSON array: {@code [} then objects; the first element must be an object; an empty array is
 *       a JSON array with no columns.
 * </ul>
 */
final class JsonSampler {
  private JsonSampler() {}

  static Classification jsonLines(String text, boolean eof, SampleLimits limits, Compression c) {
    JsonShape shape = new JsonShape();
    JsonShape.NameCache names = new JsonShape.NameCache();
    int records = 0;
    int bad = 0;
    int n = text.length();
    int start = 0;
    while (start < n && records < limits.maxRecords()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        if (!eof) {
          break; // cut by the sample limit
        }
        end = n;
      }
      String line = text.substring(start, end);
      start = end + 1;
      if (line.isBlank()) {
        continue;
      }
      String problem = sampleObject(line, shape, names);
      if (problem != null) {
        if (records == 0 && bad == 0) {
          return Classification.unknown(c, "the first line is not a JSON object: " + problem);
        }
        bad++;
        continue;
      }
      records++;
    }
    if (records == 0) {
      return Classification.unknown(c, "no complete JSON line in the sample");
    }
    if (bad > records) {
      return Classification.unknown(
          c, bad + " of " + (bad + records) + " sampled lines are not JSON objects");
    }
    return new Classification(
        Format.JSON_LINES, c, null, Schemas.fresh(shape.toRootStruct()), records, null);
  }

  /** Adds one line's object to {@code shape}; the problem if the line is not one JSON object. */
  private static String sampleObject(String line, JsonShape shape, JsonShape.NameCache names) {
    try (JsonParser p = FileClassifier.JSON.createParser(line)) {
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_OBJECT) {
        return "a JSON " + describe(t) + ", not an object";
      }
      JsonShape one = new JsonShape();
      one.add(p, names);
      if (p.nextToken() != null) {
        return "more than one JSON value on the line";
      }
      shape.merge(one);
      return null;
    } catch (JsonProcessingException e) {
      String m = e.getOriginalMessage();
      return m.contains("end-of-input") ? "an object that does not end on its line" : m;
    } catch (IOException e) {
      return e.getMessage();
    }
  }

  static Classification jsonArray(String text, boolean eof, SampleLimits limits, Compression c) {
    JsonShape shape = new JsonShape();
    JsonShape.NameCache names = new JsonShape.NameCache();
    int records = 0;
    try (JsonParser p = FileClassifier.JSON.createParser(text)) {
      p.nextToken(); // [
      JsonToken t = null;
      while (records < limits.maxRecords() && (t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t == null) {
          break;
        }
        if (t != JsonToken.START_OBJECT) {
          if (records == 0) {
            return Classification.unknown(
                c, "a JSON array of " + describe(t) + "s, not of objects");
          }
          p.skipChildren();
          continue;
        }
        JsonShape one = new JsonShape();
        one.add(p, names); // a complete element first: one cut by the sample limit must not count
        shape.merge(one);
        records++;
      }
      if (t == JsonToken.END_ARRAY && p.nextToken() != null) {
        return Classification.unknown(
            c, "content after the end of the JSON array: several JSON values are not one array");
      }
    } catch (JsonProcessingException e) {
      if (records == 0 && eof) {
        return Classification.unknown(c, "malformed JSON: " + e.getOriginalMessage());
      }
      if (records == 0) {
        return Classification.unknown(c, "no complete JSON array element in the sample");
      }
    } catch (IOException e) {
      return Classification.unknown(c, "malformed JSON: " + e.getMessage());
    }
    return new Classification(
        Format.JSON_ARRAY, c, null, Schemas.fresh(shape.toRootStruct()), records, null);
  }

  private static String describe(JsonToken t) {
    if (t == null) {
      return "nothing";
    }
    switch (t) {
      case START_ARRAY:
        return "array";
      case VALUE_STRING:
        return "string";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return "number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "boolean";
      case VALUE_NULL:
        return "null";
      default:
        return t.toString();
    }
  }
}
