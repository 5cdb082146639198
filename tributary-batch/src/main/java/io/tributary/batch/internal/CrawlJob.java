package io.tributary.batch.internal;

import io.tributary.batch.CrawlRun;
import io.tributary.batch.LandingZone;
import io.tributary.batch.format.Classification;
import io.tributary.batch.format.FileClassifier;
import io.tributary.batch.format.SampleLimits;
import io.tributary.core.TableId;
import io.tributary.core.config.CrawlerSpec;
import io.tributary.lake.Lake;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFiles;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.UpdatePartitionSpec;
import org.apache.iceberg.UpdateProperties;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Type;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One crawler run: list the source folder, place files in tables and partitions, classify new and
 * changed files, create or evolve tables by policy, load the files in commits that record them,
 * apply the removal policy, record properties. See {@link Ledger} for exactly-once.
 */
public final class CrawlJob {
  private static final Logger LOG = LoggerFactory.getLogger(CrawlJob.class);
  private static final int MAX_FAMILY = 20;

  /** Table property keys the crawler sets. */
  public static final String CLASSIFICATION = "classification";

  public static final String SOURCE_LOCATION = "tributary.source-location";
  public static final String CRAWLER = "tributary.crawler";
  public static final String LAST_CRAWL = "tributary.last-crawl";
  public static final String ROW_COUNT = "tributary.row-count";
  public static final String DEPRECATED = "tributary.deprecated";

  static final Map<String, String> TABLE_PROPERTIES =
      Map.of(
          TableProperties.FORMAT_VERSION, "2",
          TableProperties.PARQUET_COMPRESSION, "zstd",
          TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true",
          TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "20",
          TableProperties.COMMIT_NUM_RETRIES, "10",
          TableProperties.WRITE_TARGET_FILE_SIZE_BYTES, String.valueOf(128L << 20));

  /** Named moments of a run where tests make it fail, to prove recovery. */
  public interface CrashPoints {
    CrashPoints NONE = point -> {};

    /** Called at {@code point}: {@code errors-committed}, {@code data-committed}. */
    void reached(String point);
  }

  /** Everything a run uses. */
  public record Context(
      Lake lake,
      LandingZone landing,
      Ledger ledger,
      ExecutorService workers,
      int parallelism,
      Clock clock,
      CrashPoints crashPoints,
      DuckDbLoader duckdb) {}

  private record SourceFile(
      Path file, String relative, String key, long size, long modified, Layout.Placement place) {}

  private static final class Candidate {
    final SourceFile source;
    final boolean changed;
    Classification classification;
    Schema schema;
    String rejected;
    String note;

    Candidate(SourceFile source, boolean changed) {
      this.source = source;
      this.changed = changed;
    }
  }

  private static final class Target {
    final TableId id;
    Table table;
    Schema schema;
    final List<Candidate> files = new ArrayList<>();
    final Set<String> formats = new LinkedHashSet<>();

    Target(TableId id, Table table, Schema schema) {
      this.id = id;
      this.table = table;
      this.schema = schema;
    }
  }

  private final Context context;
  private final CrawlerSpec spec;
  private final String runId;
  private final Instant started;
  private final Consumer<CrawlRun> progressListener;
  private final String errorsCrawler;
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

  public CrawlJob(
      Context context,
      CrawlerSpec spec,
      String runId,
      Instant started,
      Consumer<CrawlRun> progressListener) {
    this.context = context;
    this.spec = spec;
    this.runId = runId;
    this.started = started;
    this.progressListener = progressListener;
    this.errorsCrawler = spec.name() + "#errors";
  }

  /** The run's state so far. */
  public synchronized CrawlRun snapshot(CrawlRun.Status status, Instant finished, String error) {
    return new CrawlRun(
        runId,
        spec.name(),
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

  /** Runs the crawl; throws if it fails part-way (what was committed stays committed). */
  public CrawlRun run() throws IOException {
    Path sourceDir = context.landing().sourceDir(spec.source());
    List<SourceFile> files = list(sourceDir);
    synchronized (this) {
      found = files.size();
    }
    Map<String, List<SourceFile>> groups = new TreeMap<>();
    for (SourceFile file : files) {
      groups.computeIfAbsent(file.place().table(), k -> new ArrayList<>()).add(file);
    }
    reconcile(groups.keySet());

    Map<String, Ledger.Row> known = new HashMap<>();
    for (Ledger.Row row : context.ledger().rowsOfCrawler(spec.name())) {
      known.put(row.entry().path(), row);
    }
    Map<String, List<Candidate>> work = new TreeMap<>();
    Set<String> listed = new HashSet<>();
    for (SourceFile file : files) {
      listed.add(file.key());
      Ledger.Row row = known.get(file.key());
      if (row != null && row.entry().sameVersion(file.size(), file.modified())) {
        synchronized (this) {
          unchanged++;
        }
        if (row.removed()) {
          context.ledger().markRemoved(row.table(), file.key(), false);
        }
        continue;
      }
      synchronized (this) {
        if (row == null) {
          fresh++;
        } else {
          changed++;
        }
        filesTotal++;
        bytesTotal += file.size();
      }
      work.computeIfAbsent(file.place().table(), k -> new ArrayList<>())
          .add(new Candidate(file, row != null));
    }
    publish();
    for (Map.Entry<String, List<Candidate>> group : work.entrySet()) {
      crawlGroup(group.getKey(), group.getValue(), known);
    }
    handleRemoved(known, listed, groups.keySet());
    return snapshot(CrawlRun.Status.SUCCEEDED, context.clock().instant(), null);
  }

  private void publish() {
    progressListener.accept(snapshot(CrawlRun.Status.RUNNING, null, null));
  }

  // ---- listing ------------------------------------------------------------------------------

  private List<SourceFile> list(Path sourceDir) throws IOException {
    List<SourceFile> files = new ArrayList<>();
    if (!Files.isDirectory(sourceDir)) {
      return files;
    }
    List<PathMatcher> include = matchers(spec.include());
    List<PathMatcher> exclude = matchers(spec.exclude());
    Files.walkFileTree(
        sourceDir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            return dir.equals(sourceDir) || LandingZone.isDataName(dir.getFileName().toString())
                ? FileVisitResult.CONTINUE
                : FileVisitResult.SKIP_SUBTREE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (!attrs.isRegularFile() || !LandingZone.isDataName(file.getFileName().toString())) {
              return FileVisitResult.CONTINUE;
            }
            Path relativePath = sourceDir.relativize(file);
            if (!include.isEmpty() && include.stream().noneMatch(m -> m.matches(relativePath))) {
              return FileVisitResult.CONTINUE;
            }
            if (exclude.stream().anyMatch(m -> m.matches(relativePath))) {
              return FileVisitResult.CONTINUE;
            }
            String relative = relativePath.toString().replace('\\', '/');
            files.add(
                new SourceFile(
                    file,
                    relative,
                    spec.source() + "/" + relative,
                    attrs.size(),
                    attrs.lastModifiedTime().toMillis(),
                    Layout.place(spec.source(), relative)));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            return FileVisitResult.CONTINUE;
          }
        });
    files.sort((a, b) -> a.relative().compareTo(b.relative()));
    return files;
  }

  private static List<PathMatcher> matchers(List<String> globs) {
    List<PathMatcher> result = new ArrayList<>();
    for (String glob : globs) {
      result.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
    }
    return result;
  }

  // ---- exactly-once bookkeeping --------------------------------------------------------------

  private void reconcile(Collection<String> baseNames) {
    Set<String> tables = new LinkedHashSet<>(context.ledger().tablesOf(spec.name()));
    Set<String> errorTables = new LinkedHashSet<>(context.ledger().tablesOf(errorsCrawler));
    for (String base : baseNames) {
      for (TableId id : family(base)) {
        tables.add(id.toString());
        errorTables.add(id.errors().toString());
      }
    }
    for (String table : tables) {
      context
          .ledger()
          .reconcile(table, spec.name(), context.lake().loadTable(TableId.parse(table)));
    }
    for (String table : errorTables) {
      context
          .ledger()
          .reconcile(table, errorsCrawler, context.lake().loadTable(TableId.parse(table)));
    }
  }

  /** The existing tables of a prefix: {@code <base>}, {@code <base>_2}, ... */
  private List<TableId> family(String base) {
    List<TableId> ids = new ArrayList<>();
    for (int n = 1; n <= MAX_FAMILY; n++) {
      TableId id = new TableId(spec.namespace(), n == 1 ? base : base + "_" + n);
      if (context.lake().loadTable(id).isPresent()) {
        ids.add(id);
      } else if (n > 1) {
        break;
      }
    }
    return ids;
  }

  // ---- one prefix ----------------------------------------------------------------------------

  private void crawlGroup(String base, List<Candidate> candidates, Map<String, Ledger.Row> known)
      throws IOException {
    classify(candidates);
    List<Target> targets = new ArrayList<>();
    for (TableId id : family(base)) {
      Table table = context.lake().loadTable(id).orElseThrow();
      targets.add(new Target(id, table, table.schema()));
    }
    for (Candidate candidate : candidates) {
      if (candidate.rejected != null) {
        continue;
      }
      Set<String> partitionColumns = candidate.source.place().partitions().keySet();
      Target target = null;
      if (candidate.changed) {
        String old = known.get(candidate.source.key()).table();
        target = targets.stream().filter(t -> t.id.toString().equals(old)).findFirst().orElse(null);
      }
      if (target == null) {
        for (Target t : targets) {
          if (Schemas.compatible(t.schema, candidate.schema, partitionColumns)) {
            target = t;
            break;
          }
        }
      }
      if (target == null) {
        boolean split = spec.grouping() == CrawlerSpec.Grouping.TABLE_PER_SCHEMA;
        if (!targets.isEmpty() && (!split || targets.size() >= MAX_FAMILY)) {
          Target first = targets.get(0);
          candidate.rejected =
              "schema "
                  + Schemas.columnNames(candidate.schema)
                  + " does not match table "
                  + first.id
                  + " "
                  + Schemas.columnNames(first.schema)
                  + " (fewer than half of the columns in common; grouping: "
                  + (split
                      ? "table-per-schema allows " + MAX_FAMILY + " tables"
                      : "combine-compatible")
                  + ")";
          continue;
        }
        String name = targets.isEmpty() ? base : base + "_" + (targets.size() + 1);
        target = new Target(new TableId(spec.namespace(), name), null, candidate.schema);
        targets.add(target);
      } else if (target.table == null) {
        target.schema = Schemas.merge(target.schema, candidate.schema);
      }
      target.files.add(candidate);
      target.formats.add(candidate.classification.format().name().toLowerCase(Locale.ROOT));
    }
    for (Candidate candidate : candidates) {
      if (candidate.rejected != null) {
        reject(candidate, null);
      }
    }
    for (Target target : targets) {
      if (!target.files.isEmpty()) {
        prepareTable(target);
        loadTable(target, known);
      }
    }
  }

  private void classify(List<Candidate> candidates) throws IOException {
    FileClassifier classifier =
        new FileClassifier(new SampleLimits(spec.sampleRecords(), spec.sampleBytes()));
    List<Future<?>> futures = new ArrayList<>();
    for (Candidate candidate : candidates) {
      futures.add(
          context
              .workers()
              .submit(
                  () -> {
                    try {
                      Classification c = classifier.classify(candidate.source.file());
                      candidate.classification = c;
                      if (!c.known()) {
                        candidate.rejected = "unknown format: " + c.reason();
                      } else {
                        candidate.schema = withPartitions(c.schema(), candidate.source.place());
                      }
                    } catch (IOException | RuntimeException e) {
                      candidate.rejected = "cannot classify: " + e.getMessage();
                    }
                  }));
    }
    awaitAll(futures);
  }

  private static Schema withPartitions(Schema schema, Layout.Placement place) {
    Map<String, Type> columns = new LinkedHashMap<>();
    schema
        .columns()
        .forEach(
            f -> {
              if (!place.partitions().containsKey(f.name())) {
                columns.put(f.name(), f.type());
              }
            });
    place.partitions().forEach((name, value) -> columns.put(name, value.type()));
    return Schemas.build(columns);
  }

  // ---- schema ------------------------------------------------------------------------------

  private void prepareTable(Target target) {
    if (target.table == null) {
      Set<String> partitionColumns = new LinkedHashSet<>();
      target.files.forEach(c -> partitionColumns.addAll(c.source.place().partitions().keySet()));
      PartitionSpec.Builder partitionSpec = PartitionSpec.builderFor(target.schema);
      partitionColumns.forEach(partitionSpec::identity);
      Map<String, String> properties = new HashMap<>(TABLE_PROPERTIES);
      properties.put(CRAWLER, spec.name());
      properties.put(SOURCE_LOCATION, sourceLocation(target.id));
      ReentrantLock lock = context.lake().commitLock(target.id);
      lock.lock();
      try {
        target.table =
            context
                .lake()
                .catalog()
                .createTable(
                    identifier(target.id), target.schema, partitionSpec.build(), properties);
      } catch (AlreadyExistsException e) {
        target.table = context.lake().loadTable(target.id).orElseThrow();
      } finally {
        lock.unlock();
      }
      target.schema = target.table.schema();
      change(
          target.id, CrawlRun.TableAction.CREATED, "columns " + Schemas.columnNames(target.schema));
      synchronized (this) {
        created++;
      }
      return;
    }
    Table table = target.table;
    List<String> changes = new ArrayList<>();
    for (Candidate candidate : target.files) {
      Schema adapted = Schemas.adapt(candidate.schema, table.schema());
      Schema next;
      UpdateSchema update;
      try {
        update = table.updateSchema().unionByNameWith(adapted);
        next = update.apply();
      } catch (IllegalArgumentException | ValidationException e) {
        candidate.rejected =
            "incompatible schema change for table " + target.id + ": " + e.getMessage();
        continue;
      }
      Set<String> newPartitions =
          new LinkedHashSet<>(candidate.source.place().partitions().keySet());
      table
          .spec()
          .fields()
          .forEach(f -> newPartitions.remove(table.schema().findColumnName(f.sourceId())));
      if (next.sameSchema(table.schema()) && newPartitions.isEmpty()) {
        continue;
      }
      String description = Schemas.describeChange(table.schema(), next);
      if (spec.onSchemaChange() == CrawlerSpec.SchemaChangePolicy.LOG) {
        candidate.note = "schema change not applied (on-schema-change: log): " + description;
        changes.add(description + " (from " + candidate.source.relative() + ")");
        continue;
      }
      ReentrantLock lock = context.lake().commitLock(target.id);
      lock.lock();
      try {
        if (!next.sameSchema(table.schema())) {
          update.commit();
          changes.add(description);
        }
        table.refresh();
        if (!newPartitions.isEmpty()) {
          UpdatePartitionSpec partitionUpdate = table.updateSpec();
          newPartitions.forEach(column -> partitionUpdate.addField(column));
          partitionUpdate.commit();
          changes.add("partitioned by " + newPartitions);
          table.refresh();
        }
      } catch (IllegalArgumentException | ValidationException e) {
        candidate.rejected =
            "incompatible schema change for table " + target.id + ": " + e.getMessage();
        table.refresh();
      } finally {
        lock.unlock();
      }
    }
    if (!changes.isEmpty()) {
      boolean logOnly = spec.onSchemaChange() == CrawlerSpec.SchemaChangePolicy.LOG;
      change(
          target.id,
          logOnly ? CrawlRun.TableAction.SCHEMA_CHANGE_LOGGED : CrawlRun.TableAction.UPDATED,
          String.join("; ", changes));
      if (!logOnly) {
        synchronized (this) {
          updated++;
        }
      }
    }
    for (Candidate candidate : target.files) {
      if (candidate.rejected != null) {
        reject(candidate, target.id);
      }
    }
    target.files.removeIf(c -> c.rejected != null);
    target.schema = table.schema();
  }

  // ---- load ----------------------------------------------------------------------------------

  private void loadTable(Target target, Map<String, Ledger.Row> known) throws IOException {
    Table table = target.table;
    TableId errorsId = target.id.errors();
    Map<String, Ledger.Row> heldErrors = new HashMap<>();
    for (Ledger.Row row : context.ledger().rows(errorsId.toString())) {
      heldErrors.put(row.entry().path(), row);
    }
    ErrorTable errors = new ErrorTable(errorsId);
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
        Map<String, Object> partitions = new LinkedHashMap<>();
        candidate.source.place().partitions().forEach((k, v) -> partitions.put(k, v.value()));
        futures.add(
            context
                .workers()
                .submit(
                    () -> {
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
                            bytesDone);
                      } finally {
                        filesDone.incrementAndGet();
                        publish();
                      }
                    }));
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
          Throwable cause = e.getCause();
          candidate.rejected = "cannot load: " + cause.getMessage();
          reject(candidate, target.id);
        }
      }
      commitBatch(target, errors, ok, results, known, heldErrors);
    }
    updateProperties(target);
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
      bytesDone.addAndGet(candidate.source.size());
      return Optional.of(loaded);
    } catch (java.sql.SQLException e) {
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
    if (!errorEntries.isEmpty()) {
      Table errorTable = errors.get();
      commit(errors.id, errorTable, newErrors, oldErrors, errorEntries);
      context.crashPoints().reached("errors-committed");
    }
    commit(target.id, target.table, newData, oldData, dataEntries);
    context.crashPoints().reached("data-committed");
    if (!errorEntries.isEmpty()) {
      context.ledger().record(errors.id.toString(), errorsCrawler, errorEntries);
      errorEntries.forEach(
          e ->
              heldErrors.put(
                  e.path(), new Ledger.Row(errors.id.toString(), errorsCrawler, e, false)));
    }
    context.ledger().record(target.id.toString(), spec.name(), dataEntries);
    synchronized (this) {
      for (int i = 0; i < files.size(); i++) {
        Candidate candidate = files.get(i);
        FileLoader.Loaded result = results.get(i);
        loaded++;
        rows += result.rows();
        errorRows += result.errorRows();
        bytesLoaded += candidate.source.size();
        addFile(
            new CrawlRun.FileResult(
                candidate.source.relative(),
                target.id.toString(),
                candidate.changed ? CrawlRun.FileAction.REPLACED : CrawlRun.FileAction.LOADED,
                candidate.classification.format().name().toLowerCase(Locale.ROOT),
                result.rows(),
                result.errorRows(),
                result.loader(),
                candidate.note));
      }
    }
    publish();
  }

  /**
   * Appends {@code added}, replacing {@code replaced} data files, in one snapshot recording {@code
   * entries}.
   */
  private void commit(
      TableId id,
      Table table,
      List<DataFile> added,
      Set<String> replaced,
      List<Ledger.Entry> entries) {
    ReentrantLock lock = context.lake().commitLock(id);
    lock.lock();
    try {
      table.refresh();
      SnapshotUpdate<?> update;
      if (replaced.isEmpty()) {
        AppendFiles append = table.newAppend();
        added.forEach(append::appendFile);
        update = append;
      } else {
        OverwriteFiles overwrite = table.newOverwrite();
        dataFilesAt(table, replaced).forEach(overwrite::deleteFile);
        added.forEach(overwrite::addFile);
        update = overwrite;
      }
      update.set(Ledger.RUN, runId);
      update.set(Ledger.FILES, Ledger.filesSummary(entries));
      update.commit();
    } catch (RuntimeException e) {
      if (!(e instanceof org.apache.iceberg.exceptions.CommitStateUnknownException)) {
        FileLoader.delete(table, added);
      }
      throw e;
    } finally {
      lock.unlock();
    }
  }

  private static List<DataFile> dataFilesAt(Table table, Set<String> locations) {
    List<DataFile> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        if (locations.contains(task.file().location())) {
          files.add(task.file());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /** The error table of one target, created when the first rejected row needs it. */
  private final class ErrorTable {
    final TableId id;
    private Table table;

    ErrorTable(TableId id) {
      this.id = id;
    }

    synchronized Table get() {
      if (table == null) {
        table = context.lake().loadTable(id).orElse(null);
      }
      if (table == null) {
        Map<String, String> properties = new HashMap<>(TABLE_PROPERTIES);
        properties.put(CRAWLER, spec.name());
        ReentrantLock lock = context.lake().commitLock(id);
        lock.lock();
        try {
          table =
              context
                  .lake()
                  .catalog()
                  .createTable(
                      identifier(id),
                      FileLoader.ERRORS_SCHEMA,
                      PartitionSpec.unpartitioned(),
                      properties);
        } catch (AlreadyExistsException e) {
          table = context.lake().loadTable(id).orElseThrow();
        } finally {
          lock.unlock();
        }
      }
      return table;
    }
  }

  private void updateProperties(Target target) {
    ReentrantLock lock = context.lake().commitLock(target.id);
    lock.lock();
    try {
      Table table = target.table;
      table.refresh();
      Map<String, String> summary =
          table.currentSnapshot() == null ? Map.of() : table.currentSnapshot().summary();
      UpdateProperties update =
          table
              .updateProperties()
              .set(CLASSIFICATION, String.join(",", target.formats))
              .set(SOURCE_LOCATION, sourceLocation(target.id))
              .set(CRAWLER, spec.name())
              .set(LAST_CRAWL, context.clock().instant().toString())
              .set(ROW_COUNT, summary.getOrDefault("total-records", "0"));
      if (table.properties().containsKey(DEPRECATED)) {
        update.remove(DEPRECATED);
      }
      update.commit();
    } finally {
      lock.unlock();
    }
  }

  private String sourceLocation(TableId id) {
    return context.landing().sourceDir(spec.source()).toUri().toString();
  }

  // ---- removals ------------------------------------------------------------------------------

  private void handleRemoved(Map<String, Ledger.Row> known, Set<String> listed, Set<String> bases) {
    Map<String, List<Ledger.Row>> gone = new TreeMap<>();
    for (Ledger.Row row : known.values()) {
      if (!listed.contains(row.entry().path()) && !row.removed()) {
        gone.computeIfAbsent(row.table(), k -> new ArrayList<>()).add(row);
      }
    }
    for (Map.Entry<String, List<Ledger.Row>> entry : gone.entrySet()) {
      TableId id = TableId.parse(entry.getKey());
      List<Ledger.Row> rowsGone = entry.getValue();
      synchronized (this) {
        removed += rowsGone.size();
      }
      if (spec.onRemoved() == CrawlerSpec.RemovalPolicy.DELETE) {
        deleteRows(id, rowsGone);
      } else {
        for (Ledger.Row row : rowsGone) {
          context.ledger().markRemoved(id.toString(), row.entry().path(), true);
          addFile(
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
      boolean anyLive =
          context.ledger().rows(id.toString()).stream().anyMatch(row -> !row.removed());
      if (!anyLive) {
        sourceGone(id);
      }
    }
  }

  private void deleteRows(TableId id, List<Ledger.Row> rowsGone) {
    List<String> paths = rowsGone.stream().map(r -> r.entry().path()).toList();
    TableId errorsId = id.errors();
    Map<String, Ledger.Row> errorRows = new HashMap<>();
    context.ledger().rows(errorsId.toString()).forEach(r -> errorRows.put(r.entry().path(), r));
    List<String> errorPaths = paths.stream().filter(errorRows::containsKey).toList();
    if (!errorPaths.isEmpty()) {
      context
          .lake()
          .loadTable(errorsId)
          .ifPresent(
              t -> {
                List<String> dataFiles = new ArrayList<>();
                errorPaths.forEach(p -> dataFiles.addAll(errorRows.get(p).entry().dataFiles()));
                delete(errorsId, t, dataFiles, errorPaths);
              });
      context.ledger().forget(errorsId.toString(), errorPaths);
    }
    context
        .lake()
        .loadTable(id)
        .ifPresent(
            t -> {
              List<String> dataFiles = new ArrayList<>();
              rowsGone.forEach(r -> dataFiles.addAll(r.entry().dataFiles()));
              delete(id, t, dataFiles, paths);
            });
    context.ledger().forget(id.toString(), paths);
    for (Ledger.Row row : rowsGone) {
      addFile(
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

  private void delete(TableId id, Table table, List<String> dataFiles, List<String> paths) {
    ReentrantLock lock = context.lake().commitLock(id);
    lock.lock();
    try {
      table.refresh();
      DeleteFiles delete = table.newDelete();
      dataFiles.forEach(delete::deleteFile);
      delete.set(Ledger.RUN, runId);
      delete.set(Ledger.REMOVED, Ledger.removedSummary(paths));
      delete.commit();
    } finally {
      lock.unlock();
    }
  }

  private void sourceGone(TableId id) {
    switch (spec.onRemoved()) {
      case DELETE -> {
        context.lake().catalog().dropTable(identifier(id), true);
        context.lake().catalog().dropTable(identifier(id.errors()), true);
        context.ledger().reconcile(id.toString(), spec.name(), Optional.empty());
        context.ledger().reconcile(id.errors().toString(), errorsCrawler, Optional.empty());
        change(id, CrawlRun.TableAction.DELETED, "every source file is gone (on-removed: delete)");
        synchronized (this) {
          deleted++;
        }
      }
      case DEPRECATE ->
          context
              .lake()
              .loadTable(id)
              .filter(t -> !t.properties().containsKey(DEPRECATED))
              .ifPresent(
                  t -> {
                    ReentrantLock lock = context.lake().commitLock(id);
                    lock.lock();
                    try {
                      t.updateProperties()
                          .set(DEPRECATED, context.clock().instant().toString())
                          .commit();
                    } finally {
                      lock.unlock();
                    }
                    change(
                        id,
                        CrawlRun.TableAction.DEPRECATED,
                        "every source file is gone (on-removed: deprecate)");
                  });
      default ->
          change(
              id,
              CrawlRun.TableAction.SOURCE_REMOVED,
              "every source file is gone (on-removed: log)");
    }
  }

  // ---- reporting -----------------------------------------------------------------------------

  private String relative(String key) {
    return key.substring(spec.source().length() + 1);
  }

  private void reject(Candidate candidate, TableId table) {
    LOG.info(
        "Crawler {}: rejected {}: {}",
        spec.name(),
        candidate.source.relative(),
        candidate.rejected);
    synchronized (this) {
      rejected++;
      filesDone.incrementAndGet();
      addFile(
          new CrawlRun.FileResult(
              candidate.source.relative(),
              table == null ? null : table.toString(),
              CrawlRun.FileAction.REJECTED,
              candidate.classification == null || !candidate.classification.known()
                  ? null
                  : candidate.classification.format().name().toLowerCase(Locale.ROOT),
              0,
              0,
              null,
              candidate.rejected));
    }
  }

  private synchronized void addFile(CrawlRun.FileResult result) {
    if (fileResults.size() < CrawlRun.MAX_FILES) {
      fileResults.add(result);
    }
  }

  private synchronized void change(TableId id, CrawlRun.TableAction action, String detail) {
    tableChanges.add(new CrawlRun.TableChange(id.toString(), action, detail));
  }

  private static TableIdentifier identifier(TableId id) {
    return TableIdentifier.of(id.namespace(), id.name());
  }

  private static void awaitAll(List<Future<?>> futures) throws IOException {
    for (Future<?> future : futures) {
      try {
        future.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("Interrupted", e);
      } catch (ExecutionException e) {
        throw new IOException(e.getCause().getMessage(), e.getCause());
      }
    }
  }
}
