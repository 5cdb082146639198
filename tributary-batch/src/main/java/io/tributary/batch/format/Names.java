package io.tributary.batch.format;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Normalisation of table and column names, so that every engine (DuckDB, Spark, Trino) can use them
 * unquoted. The rules, in order:
 *
 * <ol>
 *   <li>accents are stripped (Unicode NFD, combining marks dropped): {@code Prénom} → {@code
 *       prenom};
 *   <li>lower case (ROOT locale): {@code userId} → {@code userid} (no camel-case splitting);
 *   <li>every character outside {@code [a-z0-9_]} becomes {@code _}: {@code unit price (€)} →
 *       {@code unit_price____};
 *   <li>runs of {@code _} collapse to one and leading/trailing {@code _} are trimmed: → {@code
 *       unit_price};
 *   <li>a name starting with a digit gets a leading {@code _}: {@code 2026 sales} → {@code
 *       _2026_sales};
 *   <li>an empty result becomes {@code col_<n>}, n the 1-based position of the column.
 * </ol>
 *
 * <p>Within one schema level, a name equal to an earlier one gets the first free suffix {@code _2},
 * {@code _3}... in order of appearance ({@link #normalizeAll}).
 */
public final class Names {
  private Names() {}

  /** As {@link #normalize(String, int)} at position 1 (an empty result becomes {@code col_1}). */
  public static String normalize(String name) {
    return normalize(name, 1);
  }

  /** Normalises one name; an empty result becomes {@code col_<position>}. */
  public static String normalize(String name, int position) {
    Objects.requireNonNull(name, "name is null");
    String simple = simpleAscii(name);
    if (simple == null) {
      simple = Normalizer.normalize(name, Normalizer.Form.NFD);
    }
    StringBuilder out = new StringBuilder(simple.length() + 1);
    boolean pendingUnderscore = false;
    for (int i = 0; i < simple.length(); ) {
      int cp = simple.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.getType(cp) == Character.NON_SPACING_MARK) {
        continue; // a stripped accent
      }
      char c = cp < 128 ? Character.toLowerCase((char) cp) : 0;
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        if (pendingUnderscore && out.length() > 0) {
          out.append('_');
        }
        pendingUnderscore = false;
        out.append(c);
      } else {
        pendingUnderscore = true;
      }
    }
    if (out.length() == 0) {
      return "col_" + position;
    }
    if (out.charAt(0) >= '0' && out.charAt(0) <= '9') {
      out.insert(0, '_');
    }
    return out.toString();
  }

  /** {@code name} if it is plain ASCII (no accent to strip), else null. */
  private static String simpleAscii(String name) {
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) >= 128) {
        return null;
      }
    }
    return name;
  }

  /**
   * Normalises the names of one schema level in order; a name equal to an earlier one gets the
   * first free suffix {@code _2}, {@code _3}...
   */
  public static List<String> normalizeAll(List<String> names) {
    Objects.requireNonNull(names, "names is null");
    List<String> out = new ArrayList<>(names.size());
    Set<String> used = new HashSet<>();
    for (int i = 0; i < names.size(); i++) {
      out.add(unique(normalize(names.get(i), i + 1), used));
    }
    return out;
  }

  /** {@code name}, or the first free {@code name_<n>} (n ≥ 2), recorded in {@code used}. */
  static String unique(String name, Set<String> used) {
    if (used.add(name)) {
      return name;
    }
    for (int n = 2; ; n++) {
      String candidate = name + "_" + n;
      if (used.add(candidate)) {
        return candidate;
      }
    }
  }
}
