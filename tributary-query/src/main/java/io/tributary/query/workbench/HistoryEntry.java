package io.tributary.query.workbench;

import java.time.Instant;
import java.util.Objects;

/**
 * One statement a user ran in the workbench.
 *
 * @param id the entry's id
 * @param user who ran it
 * @param sql the statement (cut to {@link QueryHistory#MAX_SQL_CHARS})
 * @param startedAt when it started
 * @param durationMillis how long it ran
 * @param rows how many rows it answered, {@code null} when it failed
 * @param error the error message when it failed, else {@code null}
 */
public record HistoryEntry(
    String id,
    String user,
    String sql,
    Instant startedAt,
    long durationMillis,
    Long rows,
    String error) {
  public HistoryEntry {
    Objects.requireNonNull(id, "id is null");
    Objects.requireNonNull(user, "user is null");
    Objects.requireNonNull(sql, "sql is null");
    Objects.requireNonNull(startedAt, "startedAt is null");
    if (durationMillis < 0) {
      throw new IllegalArgumentException("Invalid durationMillis: " + durationMillis + " (< 0)");
    }
    if ((rows == null) == (error == null)) {
      throw new IllegalArgumentException(
          "A history entry has either rows (it ran) or an error (it failed): rows "
              + rows
              + ", error "
              + error);
    }
  }

  /** Whether the statement failed. */
  public boolean failed() {
    return error != null;
  }
}
