package io.tributary.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A path to a field inside a JSON object, written with dots ({@code creator.name}) or as a JSON
 * pointer ({@code /creator/name}). Its column name joins the segments with {@code _} ({@code
 * creator_name}), the way delivery flattens nested objects.
 *
 * @param text the path as written
 * @param segments the field names from the top
 */
public record FieldPath(String text, List<String> segments) {
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_\\-]+");

  public FieldPath {
    Objects.requireNonNull(text, "text is null");
    segments = List.copyOf(segments);
    if (segments.isEmpty()) {
      throw new IllegalArgumentException("empty field path");
    }
  }

  /**
   * Parses {@code a.b.c} or {@code /a/b/c} (JSON pointer, {@code ~0} and {@code ~1} escapes).
   *
   * @throws IllegalArgumentException saying what is wrong with the text
   */
  public static FieldPath parse(String text) {
    Objects.requireNonNull(text, "text is null");
    String trimmed = text.trim();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("empty field path");
    }
    List<String> segments = new ArrayList<>();
    if (trimmed.startsWith("/")) {
      for (String raw : trimmed.substring(1).split("/", -1)) {
        String segment = raw.replace("~1", "/").replace("~0", "~");
        if (segment.isEmpty()) {
          throw new IllegalArgumentException("empty segment in JSON pointer");
        }
        segments.add(segment);
      }
    } else {
      for (String segment : trimmed.split("\\.", -1)) {
        if (!SEGMENT.matcher(segment).matches()) {
          throw new IllegalArgumentException(
              "field names are letters, digits, _ and -, separated by dots"
                  + " (or a JSON pointer such as /creator/name)");
        }
        segments.add(segment);
      }
    }
    return new FieldPath(trimmed, segments);
  }

  /** The flattened column name: segments joined with {@code _}. */
  public String columnName() {
    return String.join("_", segments);
  }

  /** The value at this path, or a missing node. */
  public JsonNode resolve(JsonNode root) {
    JsonNode node = root == null ? MissingNode.getInstance() : root;
    for (String segment : segments) {
      node =
          node.isArray() && segment.matches("\\d{1,9}")
              ? node.path(Integer.parseInt(segment))
              : node.path(segment);
      if (node.isMissingNode()) {
        return node;
      }
    }
    return node;
  }

  @Override
  public String toString() {
    return text;
  }
}
