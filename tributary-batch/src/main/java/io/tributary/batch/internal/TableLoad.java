package io.tributary.batch.internal;

import io.tributary.batch.internal.CrawlJob.Context;
import io.tributary.core.TableId;
import io.tributary.core.config.CrawlerSpec;
import io.tributary.lake.TableChange;
import io.tributary.lake.TableWriter;
import java.io.IOException;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a target's files in batches of {@code files-per-commit}: each batch is written in parallel
 * (DuckDB's fast path, else the row reader), then committed through the lake's table writer in one
 * snapshot per table that records the batch in the ledger (error table first, then the data). A
 * file that cannot be read is rejected; the others of its batch load.
 */
final class TableLoad {
  private static final Logger LOG = LoggerFactory.getLogger(TableLoad.class);

  private final Context context;
  private final CrawlerSpec spec;
  private final String runId;
  private final String errorsCrawler;
  private final CrawlProgress progress;

  TableLoad(
      Context context,
      CrawlerSpec spec,
      String runId,
      String errorsCrawler,
      CrawlProgress progress) {
    this.context = context;
    this.spec = spec;
    this.runId = runId;
    this.errorsCrawler = errorsCrawler;
    this.progress = progress;
  }

  void load(Target target, Map<String, Ledger.Row> known) throws IOException {
    Table table = target.table;
    TableId errorsId = target.id.errors();
    Map<String, Ledger.Row> heldErrors = new HashMap<>();
    for (Ledger.Row row : context.ledger().rows(errorsId.toString())) {
      heldErrors.put(row.entry().path(), row);
    }
    ErrorTable errors = new ErrorTable(context.lake().writer(errorsId));
    List<Candidate> files = target.files;
    for (int from = 0; from < files.size(); from += spec.filesPerCommit()) {
      List<Candidate> batch =
          files.subList(from, Math.min(files.size(), from + spec.filesPerCommit()));
      OffsetDateTime now =
          OffsetDateTime.now(context.clock()).withOffsetSameInstant(ZoneOffset.UTC);
      List<Future<FileLoader.Loaded>> futures = new ArrayList<>();
      for (Candidate candidate : batch) {
        Ledger.Row errorRow = heldErrors.get(candidate.source.key());
        boolean errorsHeld =
            errorRow != null
                && errorRow
                    .entry()
                    .sameVersion(candidate.source.size(), candidate.source.modified());
        futures.add(
            context.workers().submit(() -> loadFile(table, candidate, errorsHeld, errors, now)));
      }
      List<Candidate> ok = new ArrayList<>();
      List<FileLoader.Loaded> results = new ArrayList<>();
      for (int i = 0; i < batch.size(); i++) {
        Candidate candidate = batch.get(i);
        try {
          results.add(futures.get(i).get());
          ok.add(candidate);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("Interrupted while loading " + candidate.source.relative(), e);
        } catch (ExecutionException e) {
          candidate.rejected = "cannot load: " + e.getCause().getMessage();
          progress.reject(candidate, target.id);
        }
      }
      commitBatch(target, errors, ok, results, known, heldErrors);
    }
    updateProperties(target);
  }

  private FileLoader.Loaded loadFile(
      Table table, Candidate candidate, boolean errorsHeld, ErrorTable errors, OffsetDateTime now)
      throws IOException {
    Map<String, Object> partitions = new LinkedHashMap<>();
    candidate.source.place().partitions().forEach((k, v) -> partitions.put(k, v.value()));
    try {
      Optional<FileLoader.Loaded> fast = loadFast(table, candidate, partitions);
      if (fast.isPresent()) {
        return fast.get();
      }
      return FileLoader.load(
          table,
          candidate.source.file(),
          candidate.source.key(),
          candidate.classification,
          partitions,
          errorsHeld ? null : errors::get,
          runId,
          now,
          progress.bytesDone());
    } finally {
      progress.fileDone();
      progress.publish();
    }
  }

  /** The DuckDB path (see {@link DuckDbLoader}), empty when it does not take the file. */
  private Optional<FileLoader.Loaded> loadFast(
      Table table, Candidate candidate, Map<String, Object> partitions) throws IOException {
    if (context.duckdb() == null || !DuckDbLoader.supports(table.schema())) {
      return Optional.empty();
    }
    Optional<DuckDbLoader.Reader> reader =
        DuckDbLoader.readerFor(candidate.source.file(), candidate.classification, candidate.schema);
    if (reader.isEmpty()) {
      return Optional.empty();
    }
    try {
      FileLoader.Loaded loaded =
          context.duckdb().load(table, reader.get(), candidate.schema, partitions);
      progress.bytesDone().addAndGet(candidate.source.size());
      return Optional.of(loaded);
    } catch (SQLException e) {
      LOG.debug(
          "Crawler {}: DuckDB refused {} ({}); loading it row by row",
          spec.name(),
          candidate.source.relative(),
          e.getMessage());
      return Optional.empty();
    }
  }

  private void commitBatch(
      Target target,
      ErrorTable errors,
      List<Candidate> files,
      List<FileLoader.Loaded> results,
      Map<String, Ledger.Row> known,
      Map<String, Ledger.Row> heldErrors) {
    if (files.isEmpty()) {
      return;
    }
    List<Ledger.Entry> dataEntries = new ArrayList<>();
    List<Ledger.Entry> errorEntries = new ArrayList<>();
    List<DataFile> newData = new ArrayList<>();
    List<DataFile> newErrors = new ArrayList<>();
    Set<String> oldData = new HashSet<>();
    Set<String> oldErrors = new HashSet<>();
    for (int i = 0; i < files.size(); i++) {
      SourceFile source = files.get(i).source;
      FileLoader.Loaded result = results.get(i);
      dataEntries.add(
          new Ledger.Entry(
              source.key(), source.size(), source.modified(), FileLoader.locations(result.data())));
      newData.addAll(result.data());
      Ledger.Row previous = known.get(source.key());
      if (previous != null && previous.table().equals(target.id.toString())) {
        oldData.addAll(previous.entry().dataFiles());
      }
      Ledger.Row previousErrors = heldErrors.get(source.key());
      boolean errorsHeld =
          previousErrors != null
              && previousErrors.entry().sameVersion(source.size(), source.modified());
      if (!errorsHeld && (!result.errors().isEmpty() || previousErrors != null)) {
        errorEntries.add(
            new Ledger.Entry(
                source.key(),
                source.size(),
                source.modified(),
                FileLoader.locations(result.errors())));
        newErrors.addAll(result.errors());
        if (previousErrors != null) {
          oldErrors.addAll(previousErrors.entry().dataFiles());
        }
      }
    }
    try {
      CrawlJob.checkLease(context, spec.name(), runId, "committing to table " + target.id);
    } catch (CrawlJob.LeaseLostException e) {
      target.writer.discard(newData);
      errors.writer.discard(newErrors);
      throw e;
    }
    if (!errorEntries.isEmpty()) {
      errors.get();
      commit(errors.writer, newErrors, oldErrors, errorEntries);
      CrawlJob.reached(context.crashPoints(), "errors-committed");
    }
    commit(target.writer, newData, oldData, dataEntries);
    CrawlJob.reached(context.crashPoints(), "data-committed");
    if (!errorEntries.isEmpty()) {
      TableId errorsId = errors.writer.id();
      context.ledger().record(errorsId.toString(), errorsCrawler, errorEntries);
      errorEntries.forEach(
          e ->
              heldErrors.put(
                  e.path(), new Ledger.Row(errorsId.toString(), errorsCrawler, e, false)));
    }
    context.ledger().record(target.id.toString(), spec.name(), dataEntries);
    for (int i = 0; i < files.size(); i++) {
      FileLoader.Loaded result = results.get(i);
      progress.loaded(files.get(i), target.id, result.rows(), result.errorRows(), result.loader());
    }
    progress.publish();
  }

  /**
   * Appends {@code added}, replacing the data files at {@code replaced}, in one snapshot recording
   * {@code entries}. The written files are deleted if the commit fails for sure, kept if its
   * outcome is unknown (the next run's reconciliation tells).
   */
  private void commit(
      TableWriter writer, List<DataFile> added, Set<String> replaced, List<Ledger.Entry> entries) {
    Map<String, String> summary =
        Map.of(Ledger.RUN, runId, Ledger.FILES, Ledger.filesSummary(entries));
    writer.commitOrDiscard(
        replaced.isEmpty()
            ? TableChange.append(added, summary)
            : TableChange.replaceFiles(replaced, added, summary));
  }

  /** Records what the table holds now in its properties. */
  private void updateProperties(Target target) {
    Table table = target.table;
    table.refresh();
    Map<String, String> summary =
        table.currentSnapshot() == null ? Map.of() : table.currentSnapshot().summary();
    target.writer.updateProperties(
        Map.of(
            CrawlJob.CLASSIFICATION, String.join(",", target.formats),
            CrawlJob.SOURCE_LOCATION, context.landing().sourceDir(spec.source()).toUri().toString(),
            CrawlJob.CRAWLER, spec.name(),
            CrawlJob.LAST_CRAWL, context.clock().instant().toString(),
            CrawlJob.ROW_COUNT, summary.getOrDefault("total-records", "0")),
        Set.of(CrawlJob.DEPRECATED));
  }

  /** The error table of one target, created when the first rejected row needs it. */
  private final class ErrorTable {
    final TableWriter writer;

    ErrorTable(TableWriter writer) {
      this.writer = writer;
    }

    synchronized Table get() {
      return writer
          .table()
          .orElseGet(
              () ->
                  writer.create(
                      FileLoader.ERRORS_SCHEMA,
                      PartitionSpec.unpartitioned(),
                      Map.of(CrawlJob.CRAWLER, spec.name())));
    }
  }
}
