package io.tributary.experiments.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The line of every key and list item of a YAML document, by path ({@code variants[1].weight}), for
 * errors that name where the problem is.
 */
public final class YamlLines {
  private final Map<String, Integer> lines;

  private YamlLines(Map<String, Integer> lines) {
    this.lines = lines;
  }

  /** Indexes {@code text}; a document that does not parse gives an empty index. */
  public static YamlLines of(String text) {
    Map<String, Integer> lines = new HashMap<>();
    try (JsonParser parser = new YAMLFactory().createParser(text)) {
      Deque<String[]> stack = new ArrayDeque<>(); // {path, "a" or "o", next index}
      String pending = null;
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        int line = parser.currentTokenLocation().getLineNr();
        String[] frame = stack.peek();
        if (token == JsonToken.FIELD_NAME) {
          String parent = frame == null ? "" : frame[0];
          pending = parent.isEmpty() ? parser.currentName() : parent + "." + parser.currentName();
          lines.putIfAbsent(pending, line);
          continue;
        }
        String path = pending;
        pending = null;
        if (path == null && frame != null && frame[1].equals("a")) {
          int index = Integer.parseInt(frame[2]);
          frame[2] = Integer.toString(index + 1);
          path = frame[0] + "[" + index + "]";
          lines.putIfAbsent(path, line);
        }
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
          stack.push(
              new String[] {
                path == null ? "" : path, token == JsonToken.START_ARRAY ? "a" : "o", "0"
              });
        } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
          stack.pop();
        }
      }
    } catch (IOException | RuntimeException e) {
      // the tree parser reports the syntax error with its location
    }
    return new YamlLines(lines);
  }

  /** The line of {@code path} or of its nearest enclosing key; 0 if none is known. */
  public int lineOf(String path) {
    String current = path;
    while (!current.isEmpty()) {
      Integer line = lines.get(current);
      if (line != null) {
        return line;
      }
      int cut = Math.max(current.lastIndexOf('.'), current.lastIndexOf('['));
      current = cut < 0 ? "" : current.substring(0, cut);
    }
    return 0;
  }
}
