package io.tributary.query.workbench;

import io.tributary.query.QueryResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The workbench's results, each read once and kept server-side for paging, bounded: a result keeps
 * at most {@link Limits#maxRows()} rows and {@link Limits#maxBytesPerSession()} (estimated), a
 * session keeps its {@link Limits#maxResultsPerSession()} newest results within that byte budget,
 * all sessions together keep at most {@link Limits#maxBytesTotal()}, and a result not read for
 * {@link Limits#idle()} is dropped. A page of a dropped result is empty: the caller runs the
 * statement again. A result is read only by the session that made it. Thread-safe.
 */
public final class ResultPages {
  /**
   * The bounds.
   *
   * @param maxRows most rows one result keeps; the rest is counted as cut
   * @param maxBytesPerSession most estimated bytes the results of one session keep
   * @param maxResultsPerSession most results one session keeps
   * @param maxBytesTotal most estimated bytes all results keep
   * @param idle how long a result unread stays
   */
  public record Limits(
      int maxRows,
      long maxBytesPerSession,
      int maxResultsPerSession,
      long maxBytesTotal,
      Duration idle) {
    /** 100,000 rows, 32 MiB a session, 5 results a session, 256 MiB in all, 15 minutes. */
    public static final Limits DEFAULTS =
        new Limits(100_000, 32L << 20, 5, 256L << 20, Duration.ofMinutes(15));

    public Limits {
      check(maxRows >= 1, "maxRows", maxRows, ">= 1");
      check(maxBytesPerSession >= 1024, "maxBytesPerSession", maxBytesPerSession, ">= 1024");
      check(maxResultsPerSession >= 1, "maxResultsPerSession", maxResultsPerSession, ">= 1");
      check(
          maxBytesTotal >= maxBytesPerSession,
          "maxBytesTotal",
          maxBytesTotal,
          ">= maxBytesPerSession " + maxBytesPerSession);
      Objects.requireNonNull(idle, "idle is null");
      check(!idle.isNegative() && !idle.isZero(), "idle", idle, "> 0");
    }

    private static void check(boolean valid, String name, Object value, String rule) {
      if (!valid) {
        throw new IllegalArgumentException(
            "Invalid result limit " + name + ": " + value + " (must be " + rule + ")");
      }
    }
  }

  /**
   * A page of a kept result.
   *
   * @param resultId the result
   * @param columns its columns
   * @param rows the page's rows
   * @param offset the index of the page's first row in the result
   * @param keptRows how many rows the result keeps
   * @param cut whether the statement answered more rows than were kept
   * @param cutReason why rows were left out ({@code null} when none were)
   * @param elapsedMillis how long the statement ran (to the last row read)
   */
  public record Page(
      String resultId,
      List<QueryResult.Column> columns,
      List<List<Object>> rows,
      int offset,
      int keptRows,
      boolean cut,
      String cutReason,
      long elapsedMillis) {
    public Page {
      columns = List.copyOf(columns);
      rows = Collections.unmodifiableList(new ArrayList<>(rows));
    }

    /** Whether rows follow this page. */
    public boolean hasNext() {
      return offset + rows.size() < keptRows;
    }
  }

  private record Key(String session, String resultId) {}

  private static final class Kept {
    final String session;
    final List<QueryResult.Column> columns;
    final List<List<Object>> rows;
    final long bytes;
    final String cutReason;
    final long elapsedMillis;
    Instant lastRead;

    Kept(
        String session,
        List<QueryResult.Column> columns,
        List<List<Object>> rows,
        long bytes,
        String cutReason,
        long elapsedMillis,
        Instant now) {
      this.session = session;
      this.columns = columns;
      this.rows = rows;
      this.bytes = bytes;
      this.cutReason = cutReason;
      this.elapsedMillis = elapsedMillis;
      this.lastRead = now;
    }
  }

  private final Limits limits;
  private final Clock clock;
  private final Supplier<String> ids;
  // access order: the least recently read first, which the total budget drops first
  private final LinkedHashMap<Key, Kept> kept = new LinkedHashMap<>(16, 0.75f, true);
  private long totalBytes;

  public ResultPages(Limits limits, Clock clock) {
    this(limits, clock, () -> UUID.randomUUID().toString());
  }

  ResultPages(Limits limits, Clock clock, Supplier<String> ids) {
    this.limits = Objects.requireNonNull(limits, "limits is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
    this.ids = Objects.requireNonNull(ids, "ids is null");
  }

  public Limits limits() {
    return limits;
  }

  /**
   * Reads {@code rows} (a statement's result, read once) into a new result of {@code session},
   * stopping at the row or byte bound, and returns its first page of {@code pageSize} rows. The
   * session's oldest results, and the least recently read of all sessions, make room for it.
   *
   * @param startNanos {@link System#nanoTime()} when the statement started: the result's elapsed
   *     time runs from it to the last row read
   */
  public Page keep(
      String session,
      List<QueryResult.Column> columns,
      Iterator<List<Object>> rows,
      long startNanos,
      int pageSize) {
    Objects.requireNonNull(session, "session is null");
    Objects.requireNonNull(columns, "columns is null");
    checkPageSize(pageSize);
    List<List<Object>> read = new ArrayList<>();
    long bytes = 64L * columns.size();
    String cutReason = null;
    while (rows.hasNext()) {
      List<Object> row = rows.next();
      if (read.size() == limits.maxRows()) {
        cutReason =
            "Kept the first "
                + limits.maxRows()
                + " rows for paging (workbench row limit); narrow the query or download the"
                + " CSV for all rows";
        break;
      }
      long size = RowSizes.of(row);
      if (bytes + size > limits.maxBytesPerSession()) {
        cutReason =
            "Kept the first "
                + read.size()
                + " rows for paging (the workbench keeps "
                + (limits.maxBytesPerSession() >> 20)
                + " MiB per session); narrow the query or download the CSV for all rows";
        break;
      }
      bytes += size;
      read.add(Collections.unmodifiableList(new ArrayList<>(row)));
    }
    long elapsed = Math.max(0, (System.nanoTime() - startNanos) / 1_000_000);
    String id = ids.get();
    Instant now = clock.instant();
    Kept result =
        new Kept(
            session,
            List.copyOf(columns),
            Collections.unmodifiableList(read),
            bytes,
            cutReason,
            elapsed,
            now);
    synchronized (this) {
      dropIdle(now);
      makeRoom(session, bytes);
      kept.put(new Key(session, id), result);
      totalBytes += bytes;
    }
    return page(id, result, 0, pageSize);
  }

  /**
   * The page of {@code session}'s result {@code resultId} starting at row {@code offset}; empty
   * when the result was dropped (or is another session's).
   */
  public Optional<Page> page(String session, String resultId, int offset, int pageSize) {
    checkPageSize(pageSize);
    if (offset < 0) {
      throw new IllegalArgumentException("Invalid offset: " + offset + " (must be >= 0)");
    }
    Kept result;
    synchronized (this) {
      Instant now = clock.instant();
      dropIdle(now);
      result = kept.get(new Key(session, resultId));
      if (result == null) {
        return Optional.empty();
      }
      result.lastRead = now;
    }
    return Optional.of(page(resultId, result, offset, pageSize));
  }

  /** Drops the results of {@code session} (at logout). */
  public synchronized void dropSession(String session) {
    for (Iterator<Map.Entry<Key, Kept>> it = kept.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Key, Kept> entry = it.next();
      if (entry.getKey().session().equals(session)) {
        totalBytes -= entry.getValue().bytes;
        it.remove();
      }
    }
  }

  /** How many results are kept now. */
  public synchronized int size() {
    dropIdle(clock.instant());
    return kept.size();
  }

  /** The estimated bytes all kept results hold now. */
  public synchronized long bytes() {
    return totalBytes;
  }

  private static void checkPageSize(int pageSize) {
    if (pageSize < 1 || pageSize > 10_000) {
      throw new IllegalArgumentException("Invalid page size: " + pageSize + " (must be 1-10000)");
    }
  }

  private static Page page(String id, Kept result, int offset, int pageSize) {
    int from = Math.min(offset, result.rows.size());
    int to = (int) Math.min((long) from + pageSize, result.rows.size());
    return new Page(
        id,
        result.columns,
        result.rows.subList(from, to),
        from,
        result.rows.size(),
        result.cutReason != null,
        result.cutReason,
        result.elapsedMillis);
  }

  private void dropIdle(Instant now) {
    Instant oldest = now.minus(limits.idle());
    for (Iterator<Kept> it = kept.values().iterator(); it.hasNext(); ) {
      Kept result = it.next();
      if (!result.lastRead.isAfter(oldest)) {
        totalBytes -= result.bytes;
        it.remove();
      }
    }
  }

  /** Drops results until {@code bytes} more fit the session's and the total budget. */
  private void makeRoom(String session, long bytes) {
    List<Key> ofSession = new ArrayList<>();
    long sessionBytes = 0;
    for (Map.Entry<Key, Kept> entry : kept.entrySet()) {
      if (entry.getKey().session().equals(session)) {
        ofSession.add(entry.getKey());
        sessionBytes += entry.getValue().bytes;
      }
    }
    // the session's least recently read first
    int count = ofSession.size();
    for (Key key : ofSession) {
      if (count < limits.maxResultsPerSession()
          && sessionBytes + bytes <= limits.maxBytesPerSession()) {
        break;
      }
      Kept dropped = kept.remove(key);
      sessionBytes -= dropped.bytes;
      totalBytes -= dropped.bytes;
      count--;
    }
    for (Iterator<Kept> it = kept.values().iterator();
        it.hasNext() && totalBytes + bytes > limits.maxBytesTotal(); ) {
      totalBytes -= it.next().bytes;
      it.remove();
    }
  }
}
