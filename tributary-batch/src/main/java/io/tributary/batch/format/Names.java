package io.tributary.batch.format;

import java.util.List;

/** Normalisation of table and column names; the rules are in {@code docs/crawler-formats.md}. */
public final class Names {
  private Names() {}

  /**
   * Normalises a table or column name: accents stripped, lower case, every character outside {@code
   * [a-z0-9_]} becomes {@code _}, runs of {@code _} collapsed, leading and trailing {@code _}
   * trimmed, a leading digit prefixed with {@code _}; an empty result becomes {@code col_1}.
   */
  public static String normalize(String name) {
    return normalize(name, 1);
  }

  /** As {@link #normalize(String)}, an empty result becoming {@code col_<position>}. */
  public static String normalize(String name, int position) {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * Normalises the names of one schema level in order; a name equal to an earlier one gets the
   * first free suffix {@code _2}, {@code _3}...
   */
  public static List<String> normalizeAll(List<String> names) {
    throw new UnsupportedOperationException("not yet");
  }
}
