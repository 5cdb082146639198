package io.tributary.stream;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The Kafka offsets a table holds, kept in the summary of the snapshot that committed them as
 * {@code tributary.offsets.<topic>} = {@code partition:next-offset,...}.
 */
final class DeliveryOffsets {
  static final String PREFIX = "tributary.offsets.";

  private DeliveryOffsets() {}

  static String key(String topic) {
    return PREFIX + topic;
  }

  static String encode(Map<Integer, Long> offsets) {
    StringBuilder text = new StringBuilder();
    new TreeMap<>(offsets)
        .forEach(
            (p, o) -> text.append(text.length() == 0 ? "" : ",").append(p).append(':').append(o));
    return text.toString();
  }

  static Map<Integer, Long> decode(Optional<String> text) {
    Map<Integer, Long> offsets = new TreeMap<>();
    if (text.isEmpty() || text.get().isBlank()) {
      return offsets;
    }
    for (String entry : text.get().split(",")) {
      int colon = entry.indexOf(':');
      if (colon <= 0) {
        throw new IllegalStateException(
            "Corrupt offsets in snapshot summary: '" + text.get() + "'");
      }
      offsets.put(
          Integer.parseInt(entry.substring(0, colon).trim()),
          Long.parseLong(entry.substring(colon + 1).trim()));
    }
    return offsets;
  }
}
