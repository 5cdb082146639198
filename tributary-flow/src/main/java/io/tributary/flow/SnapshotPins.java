package io.tributary.flow;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.TableId;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pins the tables a task's SQL reads to snapshots: every plain {@code namespace.table} reference
 * gets a time-travel clause ({@code FOR VERSION AS OF 42} on the embedded engine, {@code VERSION AS
 * OF 42} on Spark), so the task reads exactly the snapshots its lineage names.
 */
final class SnapshotPins {
  /** The embedded engine's time-travel clause. */
  static final String EMBEDDED = "FOR VERSION AS OF";

  /** Spark's (and Iceberg's Spark SQL) time-travel clause. */
  static final String SPARK = "VERSION AS OF";

  private SnapshotPins() {}

  /** Whether {@code sql} names {@code table} plainly, as {@code namespace.table}. */
  static boolean names(String sql, TableId table) {
    return reference(table).matcher(sql).find();
  }

  /**
   * {@code sql} with every plain reference to an input table (by its {@code namespace.table} name)
   * followed by {@code clause} and its snapshot.
   *
   * @throws InvalidInputException if an input is not named plainly in {@code sql}
   */
  static String pin(String sql, Map<String, Long> inputs, String clause) {
    String pinned = sql;
    for (Map.Entry<String, Long> input : inputs.entrySet()) {
      TableId table = TableId.parse(input.getKey());
      Matcher matcher = reference(table).matcher(pinned);
      if (!matcher.find()) {
        throw new InvalidInputException(
            ErrorCode.INVALID_REQUEST,
            "Cannot pin input " + table + ": the task's SQL does not name it as " + table);
      }
      pinned =
          matcher.replaceAll(
              Matcher.quoteReplacement(table + " " + clause + " " + input.getValue()));
    }
    return pinned;
  }

  private static Pattern reference(TableId table) {
    return Pattern.compile(
        "(?<![\\w.\"])"
            + Pattern.quote(table.namespace())
            + "\\s*\\.\\s*"
            + Pattern.quote(table.name())
            + "(?![\\w.\"])",
        Pattern.CASE_INSENSITIVE);
  }
}
