package io.tributary.batch.internal;

import io.tributary.batch.CrawlRun;
import io.tributary.core.TableId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one run has done so far: counts, per-file results and table changes, published to a listener
 * as the run goes. Thread-safe.
 */
final class CrawlProgress {
  private static final Logger LOG = LoggerFactory.getLogger(CrawlProgress.class);

  private final String runId;
  private final String crawler;
  private final Instant started;
  private final Consumer<CrawlRun> listener;
  private final List<CrawlRun.FileResult> fileResults = new ArrayList<>();
  private final List<CrawlRun.TableChange> tableChanges = new ArrayList<>();
  private final AtomicInteger filesDone = new AtomicInteger();
  private final AtomicLong bytesDone = new AtomicLong();
  private int filesTotal;
  private long bytesTotal;
  private int found;
  private int fresh;
  private int changed;
  private int unchanged;
  private int loaded;
  private int rejected;
  private int removed;
  private int created;
  private int updated;
  private int deleted;
  private long rows;
  private long errorRows;
  private long bytesLoaded;

  CrawlProgress(String runId, String crawler, Instant started, Consumer<CrawlRun> listener) {
    this.runId = runId;
    this.crawler = crawler;
    this.started = started;
    this.listener = listener;
  }

  synchronized CrawlRun snapshot(CrawlRun.Status status, Instant finished, String error) {
    return new CrawlRun(
        runId,
        crawler,
        status,
        started,
        finished,
        new CrawlRun.Counts(
            found,
            fresh,
            changed,
            unchanged,
            loaded,
            rejected,
            removed,
            created,
            updated,
            deleted,
            rows,
            errorRows,
            bytesLoaded),
        new CrawlRun.Progress(filesDone.get(), filesTotal, bytesDone.get(), bytesTotal),
        tableChanges,
        fileResults,
        error);
  }

  void publish() {
    listener.accept(snapshot(CrawlRun.Status.RUNNING, null, null));
  }

  /** The bytes loaded so far, for the loaders to add to. */
  AtomicLong bytesDone() {
    return bytesDone;
  }

  void fileDone() {
    filesDone.incrementAndGet();
  }

  synchronized void found(int files) {
    found = files;
  }

  synchronized void unchanged() {
    unchanged++;
  }

  /** A new or changed file to load. */
  synchronized void toLoad(boolean isChanged, long size) {
    if (isChanged) {
      changed++;
    } else {
      fresh++;
    }
    filesTotal++;
    bytesTotal += size;
  }

  synchronized void removed(int files) {
    removed += files;
  }

  synchronized void created(TableId id, String detail) {
    created++;
    change(id, CrawlRun.TableAction.CREATED, detail);
  }

  synchronized void updated(TableId id, String detail) {
    updated++;
    change(id, CrawlRun.TableAction.UPDATED, detail);
  }

  synchronized void deleted(TableId id, String detail) {
    deleted++;
    change(id, CrawlRun.TableAction.DELETED, detail);
  }

  synchronized void change(TableId id, CrawlRun.TableAction action, String detail) {
    tableChanges.add(new CrawlRun.TableChange(id.toString(), action, detail));
  }

  /** A file loaded into {@code table}. */
  synchronized void loaded(
      Candidate candidate, TableId table, long fileRows, long fileErrorRows, String loader) {
    candidate.reported = true;
    loaded++;
    rows += fileRows;
    errorRows += fileErrorRows;
    bytesLoaded += candidate.source.size();
    file(
        new CrawlRun.FileResult(
            candidate.source.relative(),
            table.toString(),
            candidate.changed ? CrawlRun.FileAction.REPLACED : CrawlRun.FileAction.LOADED,
            candidate.format(),
            fileRows,
            fileErrorRows,
            loader,
            candidate.note));
  }

  /** A file not loaded, for {@code candidate.rejected}; {@code table} null if it has none. */
  void reject(Candidate candidate, TableId table) {
    LOG.info(
        "Crawler {}: rejected {}: {}", crawler, candidate.source.relative(), candidate.rejected);
    synchronized (this) {
      candidate.reported = true;
      rejected++;
      filesDone.incrementAndGet();
      file(
          new CrawlRun.FileResult(
              candidate.source.relative(),
              table == null ? null : table.toString(),
              CrawlRun.FileAction.REJECTED,
              candidate.format(),
              0,
              0,
              null,
              candidate.rejected));
    }
  }

  synchronized void file(CrawlRun.FileResult result) {
    if (fileResults.size() < CrawlRun.MAX_FILES) {
      fileResults.add(result);
    }
  }
}
