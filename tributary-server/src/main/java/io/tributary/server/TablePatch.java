package io.tributary.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.lake.TableInfo;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A change to a table's description and tags, from the body of {@code PATCH /v1/tables/{table}}: a
 * JSON merge patch {@code {"description": "...", "tags": {"team": "growth", "old": null}}}. A
 * {@code null} removes the description or that tag; absent members stay as they are. Limits are
 * those of AWS Glue: description up to 2048 characters, tag keys 1–128 and values up to 256
 * characters of letters, digits, spaces and {@code _ . : / = + - @}, at most 50 tags per request.
 *
 * @param set table properties to set
 * @param remove table properties to remove
 */
record TablePatch(Map<String, String> set, Set<String> remove) {
  static final int MAX_DESCRIPTION = 2048;
  static final int MAX_TAGS = 50;
  private static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{N} _.:/=+\\-@]{1,128}");
  private static final Pattern TAG_VALUE = Pattern.compile("[\\p{L}\\p{N} _.:/=+\\-@]{0,256}");

  TablePatch {
    set = Map.copyOf(set);
    remove = Set.copyOf(remove);
  }

  static TablePatch parse(JsonNode body) {
    Objects.requireNonNull(body, "body is null");
    if (!body.isObject()) {
      throw invalid("The body must be a JSON object with description and/or tags");
    }
    Map<String, String> set = new LinkedHashMap<>();
    Set<String> remove = new LinkedHashSet<>();
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("description") && !name.equals("tags")) {
        throw invalid("Unknown member '" + name + "' (expected description, tags)");
      }
    }
    if (body.has("description")) {
      JsonNode description = body.get("description");
      if (description.isNull()) {
        remove.add(TableInfo.DESCRIPTION_PROPERTY);
      } else if (!description.isTextual()) {
        throw invalid("Invalid description: " + description + " (must be a string or null)");
      } else if (description.asText().length() > MAX_DESCRIPTION) {
        throw invalid(
            "Invalid description: "
                + description.asText().length()
                + " characters (at most "
                + MAX_DESCRIPTION
                + ")");
      } else {
        set.put(TableInfo.DESCRIPTION_PROPERTY, description.asText());
      }
    }
    if (body.has("tags")) {
      JsonNode tags = body.get("tags");
      if (!tags.isObject()) {
        throw invalid("Invalid tags: " + tags + " (must be an object of key to value or null)");
      }
      if (tags.size() > MAX_TAGS) {
        throw invalid("Invalid tags: " + tags.size() + " tags (at most " + MAX_TAGS + ")");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = tags.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> tag = it.next();
        String key = tag.getKey();
        if (!TAG_KEY.matcher(key).matches()) {
          throw invalid(
              "Invalid tag key '" + key + "' (1-128 letters, digits, spaces or _ . : / = + - @)");
        }
        JsonNode value = tag.getValue();
        if (value.isNull()) {
          remove.add(TableInfo.TAG_PREFIX + key);
        } else if (!value.isTextual() || !TAG_VALUE.matcher(value.asText()).matches()) {
          throw invalid(
              "Invalid value of tag '"
                  + key
                  + "': "
                  + value
                  + " (a string of 0-256 letters, digits, spaces or _ . : / = + - @, or null)");
        } else {
          set.put(TableInfo.TAG_PREFIX + key, value.asText());
        }
      }
    }
    return new TablePatch(set, remove);
  }

  private static InvalidInputException invalid(String message) {
    return new InvalidInputException(ErrorCode.INVALID_REQUEST, message);
  }
}
