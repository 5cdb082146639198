package io.tributary.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The line of every key and list item of a YAML (or JSON) document, by path: {@code schedule},
 * {@code tasks[1]}, {@code tasks[1].depends-on}. Used by every parser of definitions as code
 * (flows, reports, experiments, dashboards) to name the line of a bad key.
 */
public final class YamlLines {
  private final Map<String, Integer> lines;

  private YamlLines(Map<String, Integer> lines) {
    this.lines = lines;
  }

  /** Indexes {@code text}; a document that does not parse gives what was read before the error. */
  public static YamlLines of(String text) {
    Map<String, Integer> lines = new HashMap<>();
    try (JsonParser parser = new YAMLFactory().createParser(text)) {
      Deque<Frame> stack = new ArrayDeque<>();
      String pendingField = null;
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        int line = parser.currentTokenLocation().getLineNr();
        if (token == JsonToken.FIELD_NAME) {
          Frame frame = stack.peek();
          pendingField = join(frame == null ? "" : frame.path, parser.currentName());
          lines.putIfAbsent(pendingField, line);
          continue;
        }
        String path = pendingField;
        pendingField = null;
        Frame parent = stack.peek();
        if (path == null && parent != null && parent.isArray) {
          path = parent.path + "[" + parent.next++ + "]";
          lines.putIfAbsent(path, line);
        }
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
          stack.push(new Frame(path == null ? "" : path, token == JsonToken.START_ARRAY));
        } else if ((token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY)
            && !stack.isEmpty()) {
          stack.pop();
        }
      }
    } catch (IOException | RuntimeException e) {
      // the tree parser reports the syntax error with its location
    }
    return new YamlLines(lines);
  }

  private static String join(String parent, String name) {
    return parent.isEmpty() ? name : parent + "." + name;
  }

  /** The line of {@code path}, or of its nearest enclosing key that has one; 0 if none is known. */
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

  private static final class Frame {
    final String path;
    final boolean isArray;
    int next;

    Frame(String path, boolean isArray) {
      this.path = path;
      this.isArray = isArray;
    }
  }
}
