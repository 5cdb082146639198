package io.tributary.stream.function;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** A {@link RecordFunction} for the tests: upper-cases {@code title}, fails on {@code fail}. */
public final class UpperCaseTitle implements RecordFunction {
  @Override
  public List<ObjectNode> apply(ObjectNode message, Context context) throws Exception {
    if (message.has("fail")) {
      throw new PermanentFailureException("bad_title", "refusing " + message.path("fail").asText());
    }
    if (message.path("title").asText().isEmpty()) {
      return List.of();
    }
    message.put("title", message.path("title").asText().toUpperCase(java.util.Locale.ROOT));
    message.put("suffix", context.options().getOrDefault("suffix", ""));
    return List.of(message);
  }
}
