package io.tributary.batch;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One run of a crawler: what it found, created, changed, loaded and rejected. Serializes with a
 * plain Jackson {@code ObjectMapper}.
 *
 * @param id the run id
 * @param crawler the crawler's name
 * @param status running, succeeded, failed or interrupted (the process stopped during the run)
 * @param started when it started
 * @param finished when it ended, null while running
 * @param counts what it did
 * @param progress files and bytes done so far, of the total to load
 * @param tables the tables it created or changed, with what changed
 * @param files the files it loaded, replaced, rejected or saw removed (at most {@link #MAX_FILES})
 * @param error why the run failed, null unless failed
 */
public record CrawlRun(
    String id,
    String crawler,
    Status status,
    @JsonSerialize(using = ToStringSerializer.class) Instant started,
    @JsonSerialize(using = ToStringSerializer.class) Instant finished,
    Counts counts,
    Progress progress,
    List<TableChange> tables,
    List<FileResult> files,
    String error) {
  /** How many file results a run records. */
  public static final int MAX_FILES = 1000;

  /** A run's state. */
  public enum Status {
    RUNNING,
    SUCCEEDED,
    FAILED,
    INTERRUPTED
  }

  /**
   * What a run did.
   *
   * @param filesFound data files under the source folder
   * @param filesNew files not loaded before
   * @param filesChanged files loaded before in another version (size or modification time)
   * @param filesUnchanged files already loaded in this version (skipped)
   * @param filesLoaded new and changed files whose rows are now in their table
   * @param filesRejected files not loaded (unknown format, incompatible schema, unreadable)
   * @param filesRemoved files loaded before that are gone from the landing zone
   * @param tablesCreated tables created
   * @param tablesUpdated tables whose schema or partitioning evolved
   * @param tablesDeleted tables dropped (on-removed: delete)
   * @param rowsLoaded rows written to tables
   * @param rowsRejected rows written to error tables
   * @param bytesLoaded bytes of the loaded files
   */
  public record Counts(
      int filesFound,
      int filesNew,
      int filesChanged,
      int filesUnchanged,
      int filesLoaded,
      int filesRejected,
      int filesRemoved,
      int tablesCreated,
      int tablesUpdated,
      int tablesDeleted,
      long rowsLoaded,
      long rowsRejected,
      long bytesLoaded) {
    public static final Counts NONE = new Counts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  /** Files and bytes loaded so far of those to load. */
  public record Progress(int filesDone, int filesTotal, long bytesDone, long bytesTotal) {
    public static final Progress NONE = new Progress(0, 0, 0, 0);
  }

  /**
   * A table the run created or changed.
   *
   * @param table {@code namespace.name}
   * @param action what the run did to it
   * @param detail the columns added or widened, or why
   */
  public record TableChange(String table, TableAction action, String detail) {}

  /** What a run did to a table; in JSON the lower-case name with dashes ({@code created}). */
  public enum TableAction {
    CREATED,
    /** Its schema or partitioning evolved. */
    UPDATED,
    /** A schema change was found and, by policy, only logged. */
    SCHEMA_CHANGE_LOGGED,
    DEPRECATED,
    DELETED,
    /** Every source file of the table is gone and, by policy, that is only logged. */
    SOURCE_REMOVED,
    /** The files of this table prefix could not be loaded (the detail says why); others loaded. */
    FAILED;

    @JsonValue
    public String wireName() {
      return wireNameOf(this);
    }
  }

  /** What a run did with a file; in JSON the lower-case name ({@code loaded}). */
  public enum FileAction {
    LOADED,
    /** A changed file's rows replaced. */
    REPLACED,
    REJECTED,
    /** Gone from the landing zone. */
    REMOVED,
    /** Gone, and its rows removed from its table. */
    DELETED;

    @JsonValue
    public String wireName() {
      return wireNameOf(this);
    }
  }

  private static String wireNameOf(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * What happened to one file.
   *
   * @param path the file under the source folder
   * @param table the table it belongs to, null if none
   * @param action what the run did with it
   * @param format the classified format ({@code csv}, {@code json_lines}...), null if not
   *     classified
   * @param rows rows written to the table
   * @param errorRows rows written to the error table
   * @param loader which loader converted it: {@code duckdb} (clean CSV/JSON lines) or {@code rows}
   *     (the row reader); null if not loaded
   * @param reason why it was rejected, or a note (schema change logged), else null
   */
  public record FileResult(
      String path,
      String table,
      FileAction action,
      String format,
      long rows,
      long errorRows,
      String loader,
      String reason) {}

  public CrawlRun {
    Objects.requireNonNull(id, "id is null");
    Objects.requireNonNull(crawler, "crawler is null");
    Objects.requireNonNull(status, "status is null");
    Objects.requireNonNull(started, "started is null");
    Objects.requireNonNull(counts, "counts is null");
    Objects.requireNonNull(progress, "progress is null");
    tables = List.copyOf(tables);
    files = List.copyOf(files);
  }
}
