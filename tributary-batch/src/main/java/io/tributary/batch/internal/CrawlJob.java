package io.tributary.batch.internal;

import io.tributary.batch.CrawlRun;
import io.tributary.batch.LandingZone;
import io.tributary.batch.format.Classification;
import io.tributary.batch.format.FileClassifier;
import io.tributary.batch.format.SampleLimits;
import io.tributary.core.OutcomeUnknownException;
import io.tributary.core.TableId;
import io.tributary.core.config.CrawlerSpec;
import io.tributary.lake.Lake;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One crawler run: list the source folder ({@link SourceListing}), classify new and changed files,
 * place them in tables ({@link TableAssignment}), create or evolve the tables ({@link
 * TableEvolution}), load the files in commits that record them ({@link TableLoad}), apply the
 * removal policy ({@link RemovalPolicy}), report as it goes ({@link CrawlProgress}). Every table
 * change goes through the lake's table writer. See {@link Ledger} for exactly-once.
 *
 * <p>A run does not fail as a whole because of one prefix (group of files) or one file: a group
 * that fails is reported as a table change {@code failed} with its reason, and its files not loaded
 * as rejected with that reason; the other groups load.
 */
public final class CrawlJob {
  private static final Logger LOG = LoggerFactory.getLogger(CrawlJob.class);

  /** Table property keys the crawler sets. */
  public static final String CLASSIFICATION = "classification";

  public static final String SOURCE_LOCATION = "tributary.source-location";
  public static final String CRAWLER = "tributary.crawler";
  public static final String LAST_CRAWL = "tributary.last-crawl";
  public static final String ROW_COUNT = "tributary.row-count";
  public static final String DEPRECATED = "tributary.deprecated";

  /** Named moments of a run where tests make it fail, to prove recovery. */
  public interface CrashPoints {
    CrashPoints NONE = point -> {};

    /**
     * Called at {@code point}: {@code errors-committed}, {@code data-committed}. What it throws
     * stops the whole run, as a crash of the process would.
     */
    void reached(String point);
  }

  /** A crash point fired: the run stops (not reported as one group's failure). */
  static final class Crash extends RuntimeException {
    Crash(RuntimeException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /**
   * The run's hold on its crawler, checked before each commit: a node that stalled longer than the
   * lease (a long pause, a frozen VM) may find another node running the crawler, and must not
   * commit what it loaded before the stall.
   */
  @FunctionalInterface
  public interface Lease {
    Lease ALWAYS_HELD = (crawler, runId) -> true;

    /** Whether run {@code runId} still holds {@code crawler}'s lease (renewing it if so). */
    boolean held(String crawler, String runId);
  }

  /** The run lost its crawler's lease: it stops, committing nothing more. */
  public static final class LeaseLostException extends RuntimeException {
    LeaseLostException(String message) {
      super(message);
    }
  }

  /**
   * Throws {@link LeaseLostException} unless run {@code runId} still holds {@code crawler}'s lease;
   * {@code before} says what it was about to commit.
   */
  static void checkLease(Context context, String crawler, String runId, String before) {
    if (!context.lease().held(crawler, runId)) {
      throw new LeaseLostException(
          "Run "
              + runId
              + " lost the lease of crawler "
              + crawler
              + " (this node stalled longer than the lease, or another node took the crawler"
              + " over): stopped before "
              + before);
    }
  }

  /** Passes {@code point} to the crash points; what they throw stops the run. */
  static void reached(CrashPoints crashPoints, String point) {
    try {
      crashPoints.reached(point);
    } catch (RuntimeException e) {
      throw new Crash(e);
    }
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
      DuckDbLoader duckdb,
      Lease lease) {}

  private final Context context;
  private final CrawlerSpec spec;
  private final String errorsCrawler;
  private final CrawlProgress progress;
  private final TableAssignment assignment;
  private final TableEvolution evolution;
  private final TableLoad load;
  private final RemovalPolicy removal;

  public CrawlJob(
      Context context,
      CrawlerSpec spec,
      String runId,
      Instant started,
      Consumer<CrawlRun> progressListener) {
    this.context = context;
    this.spec = spec;
    this.errorsCrawler = spec.name() + "#errors";
    this.progress = new CrawlProgress(runId, spec.name(), started, progressListener);
    this.assignment = new TableAssignment(context.lake(), spec);
    this.evolution =
        new TableEvolution(
            spec, context.landing().sourceDir(spec.source()).toUri().toString(), progress);
    this.load = new TableLoad(context, spec, runId, errorsCrawler, progress);
    this.removal = new RemovalPolicy(context, spec, runId, errorsCrawler, progress);
  }

  /** The run's state so far. */
  public CrawlRun snapshot(CrawlRun.Status status, Instant finished, String error) {
    return progress.snapshot(status, finished, error);
  }

  /**
   * Runs the crawl. A group or file that fails is reported in the result and the rest loads; throws
   * only if the run cannot go on at all (the source cannot be listed, the ledger cannot be read;
   * what was committed stays committed).
   */
  public CrawlRun run() throws IOException {
    Path sourceDir = context.landing().sourceDir(spec.source());
    context.landing().refresh(spec.source()); // a landing zone on S3: mirror it first
    List<SourceFile> files = SourceListing.list(sourceDir, spec);
    progress.found(files.size());
    Map<String, List<SourceFile>> groups = new TreeMap<>();
    for (SourceFile file : files) {
      groups.computeIfAbsent(file.place().table(), k -> new ArrayList<>()).add(file);
    }
    Map<String, String> unreconciled = reconcile(groups.keySet());

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
        progress.unchanged();
        if (row.removed()) {
          context.ledger().markRemoved(row.table(), file.key(), false);
        }
        continue;
      }
      progress.toLoad(row != null, file.size());
      work.computeIfAbsent(file.place().table(), k -> new ArrayList<>())
          .add(new Candidate(file, row != null));
    }
    progress.publish();
    for (Map.Entry<String, List<Candidate>> group : work.entrySet()) {
      try {
        String unsafe = unreconciled.get(group.getKey());
        if (unsafe != null) {
          throw new IllegalStateException(unsafe);
        }
        crawlGroup(group.getKey(), group.getValue(), known);
      } catch (IOException | RuntimeException e) {
        if (e instanceof Crash
            || e instanceof LeaseLostException
            || Thread.currentThread().isInterrupted()) {
          throw e;
        }
        groupFailed(group.getKey(), group.getValue(), e);
      }
    }
    for (Map.Entry<String, List<Ledger.Row>> gone : RemovalPolicy.gone(known, listed).entrySet()) {
      TableId id = TableId.parse(gone.getKey());
      try {
        removal.apply(id, gone.getValue());
      } catch (LeaseLostException e) {
        throw e;
      } catch (RuntimeException e) {
        LOG.warn("Crawler {}: cannot apply on-removed to table {}", spec.name(), id, e);
        progress.change(id, CrawlRun.TableAction.FAILED, "cannot apply on-removed: " + reason(e));
      }
    }
    return progress.snapshot(CrawlRun.Status.SUCCEEDED, context.clock().instant(), null);
  }

  /** Reports a group that failed, and its files not reported yet as rejected with the reason. */
  private void groupFailed(String base, List<Candidate> candidates, Exception e) {
    LOG.warn("Crawler {}: cannot load the files of table prefix {}", spec.name(), base, e);
    String why =
        e instanceof OutcomeUnknownException
            ? reason(e) + " (the next run checks the table and loads what is missing)"
            : reason(e);
    progress.change(new TableId(spec.namespace(), base), CrawlRun.TableAction.FAILED, why);
    for (Candidate candidate : candidates) {
      if (!candidate.reported) {
        candidate.rejected = "cannot load table prefix " + base + ": " + why;
        progress.reject(candidate, null);
      }
    }
    progress.publish();
  }

  private static String reason(Exception e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  // ---- exactly-once bookkeeping --------------------------------------------------------------

  /**
   * Reconciles the ledger with the tables of the crawler and of the listed prefixes.
   *
   * @return why, by prefix, a prefix's tables could not be reconciled (its files must not load)
   */
  private Map<String, String> reconcile(Collection<String> baseNames) {
    Set<String> tables = new LinkedHashSet<>(context.ledger().tablesOf(spec.name()));
    Set<String> errorTables = new LinkedHashSet<>(context.ledger().tablesOf(errorsCrawler));
    Map<String, String> failed = new TreeMap<>();
    Map<String, String> baseOf = new HashMap<>();
    for (String base : baseNames) {
      try {
        for (TableId id : assignment.family(base)) {
          tables.add(id.toString());
          errorTables.add(id.errors().toString());
          baseOf.put(id.toString(), base);
          baseOf.put(id.errors().toString(), base);
        }
      } catch (RuntimeException e) {
        failed.put(base, "cannot read its tables: " + reason(e));
      }
    }
    reconcile(tables, spec.name(), baseOf, failed);
    reconcile(errorTables, errorsCrawler, baseOf, failed);
    return failed;
  }

  private void reconcile(
      Set<String> tables, String crawler, Map<String, String> baseOf, Map<String, String> failed) {
    for (String table : tables) {
      try {
        context.ledger().reconcile(table, crawler, context.lake().loadTable(TableId.parse(table)));
      } catch (RuntimeException e) {
        LOG.warn("Crawler {}: cannot reconcile the ledger with table {}", spec.name(), table, e);
        String base = baseOf.get(table);
        if (base != null) {
          failed.putIfAbsent(
              base, "cannot reconcile the ledger with table " + table + ": " + reason(e));
        }
      }
    }
  }

  // ---- one prefix ----------------------------------------------------------------------------

  private void crawlGroup(String base, List<Candidate> candidates, Map<String, Ledger.Row> known)
      throws IOException {
    classify(candidates);
    List<Target> targets = assignment.assign(base, candidates, known);
    for (Candidate candidate : candidates) {
      if (candidate.rejected != null) {
        progress.reject(candidate, null);
      }
    }
    for (Target target : targets) {
      if (!target.files.isEmpty()) {
        evolution.prepare(target);
        if (target.table != null) {
          load.load(target, known);
        }
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
