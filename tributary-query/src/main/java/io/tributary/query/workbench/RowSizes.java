package io.tributary.query.workbench;

import java.util.List;
import java.util.Map;

/** Estimated heap bytes of result rows, for the workbench's memory bounds. */
final class RowSizes {
  private RowSizes() {}

  /** The estimated bytes of {@code row}: its list and every value. */
  static long of(List<Object> row) {
    long size = 40 + 8L * row.size();
    for (Object value : row) {
      size += value(value);
    }
    return size;
  }

  static long value(Object value) {
    if (value == null) {
      return 0;
    }
    if (value instanceof CharSequence text) {
      return 48 + 2L * text.length();
    }
    if (value instanceof byte[] bytes) {
      return 16 + bytes.length;
    }
    if (value instanceof List<?> list) {
      long size = 40 + 8L * list.size();
      for (Object item : list) {
        size += value(item);
      }
      return size;
    }
    if (value instanceof Map<?, ?> map) {
      long size = 64 + 40L * map.size();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        size += value(entry.getKey()) + value(entry.getValue());
      }
      return size;
    }
    if (value instanceof java.math.BigDecimal) {
      return 64;
    }
    return 24; // a boxed number, boolean, or a java.time value
  }
}
