package io.tributary.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A URL with {@code {field}} placeholders filled from a message's fields, e.g. {@code
 * http://catalog:8081/shows/{show_id}}. Values are URL-encoded; nested fields are written as paths
 * ({@code {show.id}}).
 *
 * @param text the template as written
 * @param fields the placeholders, in order
 */
public record UrlTemplate(String text, List<FieldPath> fields) {

  public UrlTemplate {
    Objects.requireNonNull(text, "text is null");
    fields = List.copyOf(fields);
  }

  /**
   * Parses and checks a template: balanced braces, valid field paths, an absolute http(s) URL.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static UrlTemplate parse(String text) {
    Objects.requireNonNull(text, "text is null");
    List<FieldPath> fields = new ArrayList<>();
    StringBuilder probe = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '}') {
        throw new IllegalArgumentException("unmatched '}' at position " + i);
      }
      if (c != '{') {
        probe.append(c);
        i++;
        continue;
      }
      int close = text.indexOf('}', i);
      if (close < 0) {
        throw new IllegalArgumentException("unclosed '{' at position " + i);
      }
      String field = text.substring(i + 1, close);
      if (field.contains("{")) {
        throw new IllegalArgumentException("nested '{' at position " + i);
      }
      try {
        fields.add(FieldPath.parse(field));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("bad placeholder {" + field + "}: " + e.getMessage(), e);
      }
      probe.append('x');
      i = close + 1;
    }
    URI uri;
    try {
      uri = new URI(probe.toString());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: " + e.getReason(), e);
    }
    if (uri.getScheme() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
        || uri.getHost() == null) {
      throw new IllegalArgumentException("must be an absolute http:// or https:// URL with a host");
    }
    return new UrlTemplate(text, fields);
  }

  /**
   * The URL for {@code message}.
   *
   * @throws IllegalArgumentException naming the field that is missing, null or not a scalar
   */
  public URI expand(JsonNode message) {
    StringBuilder url = new StringBuilder();
    int field = 0;
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c != '{') {
        url.append(c);
        i++;
        continue;
      }
      int close = text.indexOf('}', i);
      FieldPath path = fields.get(field++);
      JsonNode value = path.resolve(message);
      if (value.isMissingNode() || value.isNull() || !value.isValueNode()) {
        throw new IllegalArgumentException(
            "the message has no value for {"
                + path.text()
                + "}"
                + (value.isContainerNode() ? " (it is not a single value)" : ""));
      }
      url.append(URLEncoder.encode(value.asText(), StandardCharsets.UTF_8).replace("+", "%20"));
      i = close + 1;
    }
    return URI.create(url.toString());
  }

  @Override
  public String toString() {
    return text;
  }
}
