package io.tributary.lake;

import io.tributary.core.NotFoundException;
import io.tributary.core.OutcomeUnknownException;
import io.tributary.core.RetriableException;
import io.tributary.core.TableId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFiles;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.ReplacePartitions;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdatePartitionSpec;
import org.apache.iceberg.UpdateProperties;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Term;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.TypeUtil;

/**
 * The one way to change a lake table (from {@link Lake#writer}): create it with the platform's
 * {@link TablePolicy}, evolve its schema and partition spec under one set of rules, commit a {@link
 * TableChange}, set its properties, drop it. Every change holds the table's commit lock, so there
 * is one committer per table in the process; writers in other processes are handled by Iceberg's
 * optimistic retries and the catalog's compare-and-swap.
 *
 * <p>Schema evolution rules, the same for every writer: union by name with the table's schema at
 * every depth (structs, structs in lists and maps), adding optional fields with fresh ids; the type
 * promotions Iceberg allows (int to long, float to double, a decimal's precision); a narrower
 * incoming type is ignored; anything else, or more fields than {@link TablePolicy#maxColumns}, is
 * rejected with {@link SchemaChangeRejectedException}.
 *
 * <p>Commit failures, classified once: {@link RetriableException} (Iceberg's retries ran out,
 * nothing committed: retry), {@link CommitConflictException} (a concurrent change invalidated this
 * one: plan again), {@link OutcomeUnknownException} (it may have landed: keep the files, check the
 * table before retrying).
 */
public final class TableWriter {
  private final Lake lake;
  private final TableId id;
  private final ReentrantLock lock;
  private final TablePolicy policy;
  private Table table;

  TableWriter(Lake lake, TableId id, ReentrantLock lock, TablePolicy policy) {
    this.lake = lake;
    this.id = id;
    this.lock = lock;
    this.policy = policy;
  }

  /** The table this writer changes. */
  public TableId id() {
    return id;
  }

  /** The policy tables are created and evolved under. */
  public TablePolicy policy() {
    return policy;
  }

  /** The table as last loaded or refreshed, or empty if it does not exist. */
  public Optional<Table> table() {
    if (table == null) {
      table = lake.loadTable(id).orElse(null);
    }
    return Optional.ofNullable(table);
  }

  /** Makes this writer change {@code current} (a table of its id, as tests wrap it). */
  TableWriter using(Table current) {
    this.table = current;
    return this;
  }

  /**
   * Creates the table (and its namespace) with the policy's properties plus {@code properties}, or
   * loads it if another writer created it first.
   *
   * @param spec built on {@code schema}; ids are assigned afresh by the catalog
   * @throws SchemaChangeRejectedException if the schema has more fields than the policy allows
   * @throws IllegalArgumentException if {@code properties} sets a key of the policy
   */
  public Table create(Schema schema, PartitionSpec spec, Map<String, String> properties) {
    Objects.requireNonNull(schema, "schema is null");
    Objects.requireNonNull(spec, "spec is null");
    properties.keySet().stream()
        .filter(policy.properties()::containsKey)
        .findFirst()
        .ifPresent(
            key -> {
              throw new IllegalArgumentException(
                  "Table property '" + key + "' is set by the table policy; leave it out");
            });
    checkColumns(TypeUtil.indexById(schema.asStruct()).size(), 0);
    Map<String, String> all = new HashMap<>(policy.properties());
    all.putAll(properties);
    return locked(
        () -> {
          table = lake.createTable(id, schema, spec, all);
          return table;
        });
  }

  /**
   * The change that evolving the table's current schema with {@code incoming} would make, without
   * committing it (for a writer whose policy only reports changes).
   *
   * @throws SchemaChangeRejectedException if the rules refuse it
   * @throws NotFoundException if the table does not exist
   */
  public SchemaChange planSchema(Schema incoming) {
    Table current = existing();
    current.refresh();
    return plan(current, incoming).change();
  }

  /**
   * Evolves the table's schema with {@code incoming} (its fields missing from {@code incoming} are
   * kept), planned again on the current schema under the lock, and commits it if it changes
   * anything.
   *
   * @throws SchemaChangeRejectedException if the rules refuse it; nothing changed
   * @throws NotFoundException if the table does not exist
   */
  public SchemaChange evolveSchema(Schema incoming) {
    Objects.requireNonNull(incoming, "incoming is null");
    Table current = existing();
    return locked(
        () -> {
          current.refresh();
          Planned planned = plan(current, incoming);
          if (!planned.change().isEmpty()) {
            Commits.run(id, "schema update", planned.update()::commit);
            current.refresh();
          }
          return planned.change();
        });
  }

  /**
   * Adds, in one commit under the lock, the partition fields {@code missingFields} finds missing in
   * the current table (it is called under the lock on the refreshed table).
   *
   * @return the fields added; none if nothing was missing
   */
  public List<Term> evolveSpec(Function<Table, List<Term>> missingFields) {
    Table current = existing();
    return locked(
        () -> {
          current.refresh();
          List<Term> missing = List.copyOf(missingFields.apply(current));
          if (!missing.isEmpty()) {
            UpdatePartitionSpec update = current.updateSpec();
            missing.forEach(update::addField);
            Commits.run(id, "partition spec update", update::commit);
            current.refresh();
          }
          return missing;
        });
  }

  /**
   * Commits {@code change} under the lock. On failure the added files are kept: retry the same
   * change, or {@link #discard} them.
   *
   * @throws RetriableException if Iceberg's retries ran out; nothing committed
   * @throws CommitConflictException if a concurrent change invalidated this one; nothing committed
   * @throws OutcomeUnknownException if the commit may have landed: keep the files
   */
  public Committed commit(TableChange change) {
    Objects.requireNonNull(change, "change is null");
    Table current = Commits.call(id, change.describe(), this::existing);
    return locked(
        () -> {
          Commits.run(id, change.describe(), current::refresh);
          SnapshotUpdate<?> update = operation(current, change);
          change.summary().forEach(update::set);
          long start = System.nanoTime();
          Commits.run(id, change.describe(), update::commit);
          Duration latency = Duration.ofNanos(System.nanoTime() - start);
          return new Committed(current.currentSnapshot().snapshotId(), latency);
        });
  }

  /**
   * Commits {@code change} as {@link #commit} does; if it fails for sure, deletes the files it adds
   * first. If the outcome is unknown, the files are kept (they may be part of the table now).
   */
  public Committed commitOrDiscard(TableChange change) {
    try {
      return commit(change);
    } catch (OutcomeUnknownException e) {
      throw e;
    } catch (RuntimeException e) {
      discard(change.added());
      throw e;
    }
  }

  /** Deletes data files that will not be committed (an orphan left behind is harmless). */
  public void discard(Collection<DataFile> files) {
    table().ifPresent(t -> DataFileWriter.delete(t.io(), List.copyOf(files)));
  }

  /**
   * Sets and removes table properties in one commit under the lock.
   *
   * @throws NotFoundException if the table does not exist
   */
  public void updateProperties(Map<String, String> set, Set<String> remove) {
    Table current = existing();
    locked(
        () -> {
          current.refresh();
          Set<String> toRemove =
              remove.stream().filter(current.properties()::containsKey).collect(Collectors.toSet());
          if (!set.isEmpty() || !toRemove.isEmpty()) {
            UpdateProperties update = current.updateProperties();
            set.forEach(update::set);
            toRemove.forEach(update::remove);
            Commits.run(id, "property update", update::commit);
          }
          return null;
        });
  }

  /** Drops the table and deletes its files; false if it did not exist. */
  public boolean drop() {
    return locked(
        () -> {
          table = null;
          return lake.dropTable(id);
        });
  }

  /** Runs {@code work} holding the table's commit lock (for the lake's own multi-step changes). */
  <T> T locked(Supplier<T> work) {
    lock.lock();
    try {
      return work.get();
    } finally {
      lock.unlock();
    }
  }

  private Table existing() {
    return table().orElseThrow(() -> new NotFoundException("table", id.toString()));
  }

  private record Planned(SchemaChange change, UpdateSchema update) {}

  private Planned plan(Table current, Schema incoming) {
    Schema before = current.schema();
    UpdateSchema update;
    Schema after;
    try {
      update = current.updateSchema().unionByNameWith(incoming);
      after = update.apply();
    } catch (IllegalArgumentException | IllegalStateException | ValidationException e) {
      throw new SchemaChangeRejectedException(id, e.getMessage(), e);
    }
    checkColumns(
        TypeUtil.indexById(after.asStruct()).size(), TypeUtil.indexById(before.asStruct()).size());
    return new Planned(new SchemaChange(before, after), update);
  }

  private void checkColumns(int after, int before) {
    if (after > policy.maxColumns() && after > before) {
      throw new SchemaChangeRejectedException(
          id,
          "it would hold "
              + after
              + " columns (fields at any depth), more than the limit of "
              + policy.maxColumns()
              + " per table",
          null);
    }
  }

  private SnapshotUpdate<?> operation(Table current, TableChange change) {
    if (change instanceof TableChange.Append append) {
      AppendFiles operation = current.newAppend().scanManifestsWith(lake.workers());
      append.added().forEach(operation::appendFile);
      append.expected().ifPresent(expected -> operation.validateWith(expected.validator()));
      return operation;
    }
    if (change instanceof TableChange.Overwrite overwrite) {
      OverwriteFiles operation =
          current
              .newOverwrite()
              .overwriteByRowFilter(overwrite.filter())
              .scanManifestsWith(lake.workers());
      overwrite.added().forEach(operation::addFile);
      return operation;
    }
    if (change instanceof TableChange.ReplacePartitions replace) {
      ReplacePartitions operation =
          current.newReplacePartitions().scanManifestsWith(lake.workers());
      replace.added().forEach(operation::addFile);
      return operation;
    }
    if (change instanceof TableChange.ReplaceFiles replace) {
      OverwriteFiles operation = current.newOverwrite().scanManifestsWith(lake.workers());
      dataFilesAt(current, replace.removed()).forEach(operation::deleteFile);
      replace.added().forEach(operation::addFile);
      return operation;
    }
    if (change instanceof TableChange.Rewrite rewrite) {
      RewriteFiles operation =
          current
              .newRewrite()
              .validateFromSnapshot(rewrite.fromSnapshot())
              .scanManifestsWith(lake.workers());
      rewrite.removed().forEach(operation::deleteFile);
      rewrite.added().forEach(operation::addFile);
      rewrite.expected().ifPresent(expected -> operation.validateWith(expected.validator()));
      return operation;
    }
    TableChange.DeleteFiles delete = (TableChange.DeleteFiles) change;
    DeleteFiles operation = current.newDelete().scanManifestsWith(lake.workers());
    delete.removed().forEach(operation::deleteFile);
    return operation;
  }

  private List<DataFile> dataFilesAt(Table current, Set<String> locations) {
    List<DataFile> files = new ArrayList<>();
    if (locations.isEmpty() || current.currentSnapshot() == null) {
      return files;
    }
    try (CloseableIterable<FileScanTask> tasks =
        current.newScan().planWith(lake.workers()).planFiles()) {
      for (FileScanTask task : tasks) {
        if (locations.contains(task.file().location())) {
          files.add(task.file().copy());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot plan the files of table " + id, e);
    }
    return files;
  }
}
