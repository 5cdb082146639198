package io.tributary.stream.function;

import io.tributary.spi.PermanentFailureException;
import io.tributary.spi.RecordFunction;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A {@link RecordFunction} for the tests: upper-cases {@code title}, fails on {@code fail}. */
public final class UpperCaseTitle implements RecordFunction {
  @Override
  public List<Map<String, Object>> apply(Map<String, Object> message, Context context)
      throws Exception {
    if (message.containsKey("fail")) {
      throw new PermanentFailureException("bad_title", "refusing " + message.get("fail"));
    }
    Object title = message.get("title");
    if (title == null || title.toString().isEmpty()) {
      return List.of();
    }
    message.put("title", title.toString().toUpperCase(Locale.ROOT));
    message.put("suffix", context.options().getOrDefault("suffix", ""));
    return List.of(message);
  }
}
