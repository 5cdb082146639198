package io.tributary.query;

import io.tributary.core.TableId;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the {@code namespace.table} names a SQL text may refer to. It over-matches on purpose
 * (aliases, columns, text in strings and comments): names that are not lake tables are simply not
 * set up, and DuckDB reports unknown tables itself.
 */
final class TableReferences {
  private static final Pattern VALID_PART = Pattern.compile("[a-z_][a-z0-9_]{0,127}");
  private static final Pattern METADATA = Pattern.compile("([a-z_][a-z0-9_]{0,127})\\$([a-z]++)");
  private static final String PART = "(?:\"((?:[^\"]|\"\")++)\"|([A-Za-z_][A-Za-z0-9_$]*+))";
  // the lookahead lets "a.b.c" yield both a.b and b.c
  private static final Pattern QUALIFIED = Pattern.compile(PART + "\\s*\\.\\s*(?=" + PART + ")");

  private TableReferences() {}

  /**
   * Candidate references whose namespace passes {@code isNamespace}. Names are compared in lower
   * case, as DuckDB matches identifiers ignoring case; parts that are not valid {@link TableId}
   * parts are skipped.
   */
  static Set<TableId> find(String sql, Predicate<String> isNamespace) {
    Set<TableId> found = new LinkedHashSet<>();
    Matcher matcher = QUALIFIED.matcher(sql);
    while (matcher.find()) {
      String namespace = part(matcher, 1);
      String table = part(matcher, 3);
      if (isNamespace.test(namespace)
          && VALID_PART.matcher(namespace).matches()
          && VALID_PART.matcher(table).matches()) {
        found.add(new TableId(namespace, table));
      }
    }
    return found;
  }

  /**
   * Candidate references to metadata tables, {@code namespace."table$kind"}, whose namespace passes
   * {@code isNamespace}: each as its table and the metadata table's kind.
   */
  static Set<MetadataTables.Reference> findMetadata(String sql, Predicate<String> isNamespace) {
    Set<MetadataTables.Reference> found = new LinkedHashSet<>();
    Matcher matcher = QUALIFIED.matcher(sql);
    while (matcher.find()) {
      String namespace = part(matcher, 1);
      Matcher metadata = METADATA.matcher(part(matcher, 3));
      if (isNamespace.test(namespace)
          && VALID_PART.matcher(namespace).matches()
          && metadata.matches()) {
        MetadataTables.Kind kind = MetadataTables.Kind.named(metadata.group(2));
        if (kind != null) {
          found.add(new MetadataTables.Reference(new TableId(namespace, metadata.group(1)), kind));
        }
      }
    }
    return found;
  }

  private static String part(Matcher matcher, int quotedGroup) {
    String quoted = matcher.group(quotedGroup);
    String text = quoted != null ? quoted.replace("\"\"", "\"") : matcher.group(quotedGroup + 1);
    return text.toLowerCase(Locale.ROOT);
  }
}
