package io.tributary.batch.internal;

import io.tributary.batch.CrawlRun;
import io.tributary.batch.internal.CrawlJob.Context;
import io.tributary.core.TableId;
import io.tributary.core.config.CrawlerSpec;
import io.tributary.lake.TableChange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Applies the crawler's {@code on-removed} policy to files loaded before and gone from the source
 * folder: keep their rows and mark them removed (log, deprecate), or delete their rows (delete);
 * when every file of a table is gone, log it, deprecate the table or drop it.
 */
final class RemovalPolicy {
  private final Context context;
  private final CrawlerSpec spec;
  private final String runId;
  private final String errorsCrawler;
  private final CrawlProgress progress;

  RemovalPolicy(
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

  /** The tables of files in {@code known} and not {@code listed}, with those files. */
  static Map<String, List<Ledger.Row>> gone(Map<String, Ledger.Row> known, Set<String> listed) {
    Map<String, List<Ledger.Row>> gone = new TreeMap<>();
    for (Ledger.Row row : known.values()) {
      if (!listed.contains(row.entry().path()) && !row.removed()) {
        gone.computeIfAbsent(row.table(), k -> new ArrayList<>()).add(row);
      }
    }
    return gone;
  }

  /** Applies the policy to the files of one table that are gone. */
  void apply(TableId id, List<Ledger.Row> rowsGone) {
    progress.removed(rowsGone.size());
    if (spec.onRemoved() == CrawlerSpec.RemovalPolicy.DELETE) {
      deleteRows(id, rowsGone);
    } else {
      for (Ledger.Row row : rowsGone) {
        context.ledger().markRemoved(id.toString(), row.entry().path(), true);
        progress.file(
            new CrawlRun.FileResult(
                relative(row.entry().path()),
                id.toString(),
                CrawlRun.FileAction.REMOVED,
                null,
                0,
                0,
                null,
                "source file removed; rows kept (on-removed: "
                    + spec.onRemoved().name().toLowerCase(Locale.ROOT)
                    + ")"));
      }
    }
    boolean anyLive = context.ledger().rows(id.toString()).stream().anyMatch(row -> !row.removed());
    if (!anyLive) {
      sourceGone(id);
    }
  }

  private void deleteRows(TableId id, List<Ledger.Row> rowsGone) {
    List<String> paths = rowsGone.stream().map(r -> r.entry().path()).toList();
    TableId errorsId = id.errors();
    Map<String, Ledger.Row> errorRows = new HashMap<>();
    context.ledger().rows(errorsId.toString()).forEach(r -> errorRows.put(r.entry().path(), r));
    List<String> errorPaths = paths.stream().filter(errorRows::containsKey).toList();
    if (!errorPaths.isEmpty()) {
      Set<String> dataFiles = new HashSet<>();
      errorPaths.forEach(p -> dataFiles.addAll(errorRows.get(p).entry().dataFiles()));
      delete(errorsId, dataFiles, errorPaths);
      context.ledger().forget(errorsId.toString(), errorPaths);
    }
    Set<String> dataFiles = new HashSet<>();
    rowsGone.forEach(r -> dataFiles.addAll(r.entry().dataFiles()));
    delete(id, dataFiles, paths);
    context.ledger().forget(id.toString(), paths);
    for (Ledger.Row row : rowsGone) {
      progress.file(
          new CrawlRun.FileResult(
              relative(row.entry().path()),
              id.toString(),
              CrawlRun.FileAction.DELETED,
              null,
              0,
              0,
              null,
              "source file removed; its rows deleted (on-removed: delete)"));
    }
  }

  /** Deletes the data files, recording the source files removed; nothing if no table. */
  private void delete(TableId id, Set<String> dataFiles, List<String> paths) {
    if (context.lake().loadTable(id).isEmpty()) {
      return;
    }
    CrawlJob.checkLease(context, spec.name(), runId, "deleting from table " + id);
    context
        .lake()
        .writer(id)
        .commit(
            TableChange.deleteFiles(
                dataFiles,
                Map.of(Ledger.RUN, runId, Ledger.REMOVED, Ledger.removedSummary(paths))));
  }

  private void sourceGone(TableId id) {
    switch (spec.onRemoved()) {
      case DELETE -> {
        CrawlJob.checkLease(context, spec.name(), runId, "dropping table " + id);
        context.lake().writer(id).drop();
        context.lake().writer(id.errors()).drop();
        context.ledger().reconcile(id.toString(), spec.name(), Optional.empty());
        context.ledger().reconcile(id.errors().toString(), errorsCrawler, Optional.empty());
        progress.deleted(id, "every source file is gone (on-removed: delete)");
      }
      case DEPRECATE ->
          context
              .lake()
              .loadTable(id)
              .filter(t -> !t.properties().containsKey(CrawlJob.DEPRECATED))
              .ifPresent(
                  t -> {
                    context
                        .lake()
                        .writer(id)
                        .updateProperties(
                            Map.of(CrawlJob.DEPRECATED, context.clock().instant().toString()),
                            Set.of());
                    progress.change(
                        id,
                        CrawlRun.TableAction.DEPRECATED,
                        "every source file is gone (on-removed: deprecate)");
                  });
      default ->
          progress.change(
              id,
              CrawlRun.TableAction.SOURCE_REMOVED,
              "every source file is gone (on-removed: log)");
    }
  }

  private String relative(String key) {
    return key.substring(spec.source().length() + 1);
  }
}
