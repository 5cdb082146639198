package io.tributary.query;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.TableId;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites Trino's time-travel clauses before DuckDB sees a statement: each {@code ns.table FOR
 * VERSION AS OF <snapshot id>} or {@code ns.table FOR TIMESTAMP AS OF TIMESTAMP '<time>'} becomes a
 * reference to a per-query view {@code ns."table@<n>"}, which the engine creates over that
 * snapshot's files. Quoted strings, quoted identifiers and comments are skipped, so text inside
 * them is never rewritten.
 */
final class TimeTravel {
  private static final String PART = "(?:\"((?:[^\"]|\"\")++)\"|([A-Za-z_][A-Za-z0-9_]*+))";
  private static final Pattern CLAUSE =
      Pattern.compile(
          "\\G"
              + PART
              + "\\s*+\\.\\s*+"
              + PART
              + "\\s++FOR\\s++(?:(VERSION)\\s++AS\\s++OF\\s++(-?\\d++)"
              + "|TIMESTAMP\\s++AS\\s++OF\\s++(?:TIMESTAMP(?:\\s++WITH\\s++TIME\\s++ZONE)?\\s*+)?"
              + "'((?:[^']|'')*+)')",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern TIME =
      Pattern.compile(
          "(\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?)\\s*+(.*)",
          Pattern.DOTALL);
  private static final Pattern WORD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*+");
  // the keywords that may follow a table reference, so are no alias
  private static final Set<String> NOT_ALIASES =
      Set.of(
          "WHERE",
          "JOIN",
          "LEFT",
          "RIGHT",
          "INNER",
          "FULL",
          "CROSS",
          "NATURAL",
          "POSITIONAL",
          "ASOF",
          "ANTI",
          "SEMI",
          "ON",
          "USING",
          "GROUP",
          "ORDER",
          "LIMIT",
          "OFFSET",
          "HAVING",
          "UNION",
          "EXCEPT",
          "INTERSECT",
          "WINDOW",
          "QUALIFY",
          "FETCH",
          "TABLESAMPLE",
          "PIVOT",
          "UNPIVOT");
  private static final DateTimeFormatter LOCAL =
      DateTimeFormatter.ofPattern("yyyy-MM-dd[ ]['T']HH:mm[:ss][.SSSSSSSSS][.SSSSSS][.SSS]");

  /** One rewritten reference: the table, and either a snapshot id or a point in time. */
  record Reference(TableId table, Long snapshotId, Instant asOf, String text) {
    Reference {
      Objects.requireNonNull(table, "table is null");
      if ((snapshotId == null) == (asOf == null)) {
        throw new IllegalArgumentException("a reference needs a snapshot id or a time: " + text);
      }
    }

    /** The view's name for {@code snapshot} of the table. */
    static String viewName(TableId table, long snapshot) {
      return table.name() + "@" + snapshot;
    }
  }

  /** A statement with its time-travel clauses replaced by placeholders, and what they were. */
  record Rewritten(String sql, List<Reference> references, List<Integer> placeholders) {
    Rewritten {
      references = List.copyOf(references);
      placeholders = List.copyOf(placeholders);
    }

    /** The final text, once each reference's snapshot id is known ({@code snapshots}, in order). */
    String resolve(List<Long> snapshots) {
      StringBuilder text = new StringBuilder(sql);
      for (int i = references.size() - 1; i >= 0; i--) {
        TableId table = references.get(i).table();
        text.insert(
            placeholders.get(i),
            Sql.identifier(table.namespace())
                + "."
                + Sql.identifier(Reference.viewName(table, snapshots.get(i))));
      }
      return text.toString();
    }
  }

  private TimeTravel() {}

  /**
   * Finds the time-travel clauses of {@code sql}.
   *
   * @throws InvalidInputException {@code query_error} for a table name outside the lake's rules or
   *     a time that cannot be read
   */
  static Rewritten rewrite(String sql) {
    StringBuilder out = new StringBuilder(sql.length());
    List<Reference> references = new ArrayList<>();
    List<Integer> placeholders = new ArrayList<>();
    Matcher clause = CLAUSE.matcher(sql);
    int i = 0;
    boolean afterWordChar = false;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (!afterWordChar && (c == '"' || Character.isLetter(c) || c == '_')) {
        clause.region(i, sql.length());
        if (clause.lookingAt()) {
          Reference reference = reference(clause);
          references.add(reference);
          placeholders.add(out.length());
          i = clause.end();
          if (!aliased(sql, i)) { // the view keeps the table's name for qualified columns
            out.append(" AS ").append(Sql.identifier(reference.table().name()));
          }
          afterWordChar = false;
          continue;
        }
      }
      int next = skip(sql, i);
      out.append(sql, i, next);
      afterWordChar = next == i + 1 && (Character.isLetterOrDigit(c) || c == '_' || c == '$');
      i = next;
    }
    return new Rewritten(out.toString(), references, placeholders);
  }

  /** Whether an alias follows the clause that ends at {@code end}. */
  private static boolean aliased(String sql, int end) {
    int i = end;
    while (i < sql.length()
        && (Character.isWhitespace(sql.charAt(i))
            || sql.startsWith("--", i)
            || sql.startsWith("/*", i))) {
      i = Character.isWhitespace(sql.charAt(i)) ? i + 1 : skip(sql, i);
    }
    if (i < sql.length() && sql.charAt(i) == '"') {
      return true;
    }
    Matcher word = WORD.matcher(sql).region(i, sql.length());
    return word.lookingAt() && !NOT_ALIASES.contains(word.group().toUpperCase(Locale.ROOT));
  }

  private static Reference reference(Matcher clause) {
    String text = clause.group();
    TableId table;
    try {
      table = new TableId(part(clause, 1), part(clause, 3));
    } catch (InvalidInputException e) {
      throw new InvalidInputException(
          ErrorCode.QUERY_ERROR, "Invalid time travel '" + text + "': " + e.getMessage(), e);
    }
    if (clause.group(5) != null) {
      try {
        return new Reference(table, Long.parseLong(clause.group(6)), null, text);
      } catch (NumberFormatException e) {
        throw new InvalidInputException(
            ErrorCode.QUERY_ERROR,
            "Invalid snapshot id " + clause.group(6) + " for table " + table,
            e);
      }
    }
    return new Reference(table, null, instant(table, clause.group(7).replace("''", "'")), text);
  }

  /** A time as {@code yyyy-MM-dd HH:mm[:ss[.fff]]} and a zone: UTC, an offset or a region. */
  static Instant instant(TableId table, String literal) {
    Matcher time = TIME.matcher(literal.strip());
    try {
      if (time.matches()) {
        LocalDateTime local = LocalDateTime.parse(time.group(1).replace('T', ' '), LOCAL);
        String zone = time.group(2).strip();
        ZoneId id =
            zone.isEmpty()
                ? ZoneOffset.UTC
                : ZoneId.of(zone.toUpperCase(Locale.ROOT).equals("UTC") ? "UTC" : zone);
        return local.atZone(id).toInstant();
      }
    } catch (DateTimeException e) {
      throw badTime(table, literal, e);
    }
    throw badTime(table, literal, null);
  }

  private static InvalidInputException badTime(TableId table, String literal, Exception cause) {
    return new InvalidInputException(
        ErrorCode.QUERY_ERROR,
        "Invalid time '"
            + literal
            + "' for table "
            + table
            + ": use 'yyyy-MM-dd HH:mm:ss[.fff] <zone>', the zone as UTC, an offset (+01:00) or a"
            + " region (Europe/Paris)",
        cause);
  }

  private static String part(Matcher matcher, int quotedGroup) {
    String quoted = matcher.group(quotedGroup);
    String text = quoted != null ? quoted.replace("\"\"", "\"") : matcher.group(quotedGroup + 1);
    return text.toLowerCase(Locale.ROOT);
  }

  /** The index after the token at {@code i}: a literal, quoted name, comment, or one character. */
  private static int skip(String sql, int i) {
    char c = sql.charAt(i);
    if (c == '\'' || c == '"') {
      int j = i + 1;
      while (j < sql.length()) {
        if (sql.charAt(j) == c) {
          if (j + 1 < sql.length() && sql.charAt(j + 1) == c) {
            j += 2;
            continue;
          }
          return j + 1;
        }
        j++;
      }
      return sql.length();
    }
    if (sql.startsWith("--", i)) {
      int end = sql.indexOf('\n', i);
      return end < 0 ? sql.length() : end + 1;
    }
    if (sql.startsWith("/*", i)) {
      int end = sql.indexOf("*/", i + 2);
      return end < 0 ? sql.length() : end + 2;
    }
    return i + 1;
  }
}
