package io.tributary.lake;

/**
 * The recent string values of one key path, so that a value met again is the same {@code String}
 * instead of a new one per row. Most columns of events hold a few values over and over (event
 * types, countries, devices, versions), and a delivery holds a chunk's rows on the heap until they
 * are written: shared values are neither allocated nor copied by the collector again. A path whose
 * values rarely repeat (ids, timestamps) stops being cached after a trial. Not thread-safe.
 */
final class RepeatedStrings {
  /** Values kept, by hash (a power of two). */
  private static final int SLOTS = 32;

  /** Lookups over which the hit rate is judged. */
  static final int TRIAL = 512;

  /** Values longer than this are not cached: long texts rarely repeat. */
  static final int MAX_LENGTH = 64;

  private final String[] slots = new String[SLOTS];
  private int lookups;
  private int hits;
  private boolean off;

  /**
   * The string of {@code length} chars at {@code offset}: a cached one if equal, else a new one.
   */
  String of(char[] chars, int offset, int length) {
    if (off || length > MAX_LENGTH) {
      return new String(chars, offset, length);
    }
    int hash = 0;
    for (int i = offset; i < offset + length; i++) {
      hash = 31 * hash + chars[i];
    }
    int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
    String cached = slots[slot];
    lookups++;
    if (cached != null && sameChars(cached, chars, offset, length)) {
      hits++;
      return cached;
    }
    String value = new String(chars, offset, length);
    slots[slot] = value;
    if (lookups == TRIAL) {
      off = hits < TRIAL / 2; // mostly new values: caching only costs
      lookups = 0;
      hits = 0;
    }
    return value;
  }

  /** Whether caching stopped for this path. */
  boolean isOff() {
    return off;
  }

  private static boolean sameChars(String s, char[] chars, int offset, int length) {
    if (s.length() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (s.charAt(i) != chars[offset + i]) {
        return false;
      }
    }
    return true;
  }
}
