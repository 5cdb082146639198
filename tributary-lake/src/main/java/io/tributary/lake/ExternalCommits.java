package io.tributary.lake;

import io.tributary.core.InvalidInputException;
import io.tributary.core.TableId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.rest.CatalogHandlers;
import org.apache.iceberg.rest.requests.CommitTransactionRequest;
import org.apache.iceberg.rest.requests.CreateTableRequest;
import org.apache.iceberg.rest.requests.RegisterTableRequest;
import org.apache.iceberg.rest.requests.RenameTableRequest;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.apache.iceberg.rest.responses.LoadTableResponse;

/**
 * Table changes that Iceberg clients send (through the REST endpoint), from {@link
 * Lake#externalCommits}: create, register, commit, rename and drop. Each one holds the commit lock
 * of the platform tables it touches, so it queues behind the platform's own commits ({@link
 * TableWriter}) in this process; the JDBC catalog's compare-and-swap of the metadata location then
 * guarantees no commit replaces one it has not seen. Failures are Iceberg's own exceptions, as the
 * REST protocol reports them.
 */
public final class ExternalCommits {
  private final Lake lake;
  private final Catalog catalog;

  ExternalCommits(Lake lake) {
    this.lake = lake;
    this.catalog = lake.catalog();
  }

  /** Creates the table (or stages its creation: nothing is written until a commit creates it). */
  public LoadTableResponse create(Namespace namespace, CreateTableRequest request) {
    TableIdentifier table = TableIdentifier.of(namespace, request.name());
    return locked(
        List.of(table),
        () ->
            request.stageCreate()
                ? CatalogHandlers.stageTableCreate(catalog, namespace, request)
                : CatalogHandlers.createTable(catalog, namespace, request));
  }

  /** Registers an existing metadata file as a table. */
  public LoadTableResponse register(Namespace namespace, RegisterTableRequest request) {
    TableIdentifier table = TableIdentifier.of(namespace, request.name());
    return locked(List.of(table), () -> CatalogHandlers.registerTable(catalog, namespace, request));
  }

  /** Drops the table; with {@code purge}, its files too. */
  public void drop(TableIdentifier table, boolean purge) {
    locked(
        List.of(table),
        () -> {
          if (purge) {
            CatalogHandlers.purgeTable(catalog, table);
          } else {
            CatalogHandlers.dropTable(catalog, table);
          }
          return null;
        });
  }

  /** Renames the table, holding the locks of both names. */
  public void rename(RenameTableRequest request) {
    locked(
        List.of(request.source(), request.destination()),
        () -> {
          CatalogHandlers.renameTable(catalog, request);
          return null;
        });
  }

  /** Validates the requirements and applies the updates (server-side retry on conflicts). */
  public LoadTableResponse update(TableIdentifier table, UpdateTableRequest request) {
    return locked(List.of(table), () -> CatalogHandlers.updateTable(catalog, table, request));
  }

  /**
   * Commits changes to several tables: every table's requirements are checked against its current
   * metadata before any table is committed; then each table is committed with a compare-and-swap.
   * The JDBC catalog has no multi-table transaction, so a table whose swap fails after another
   * table's succeeded leaves the earlier one committed (reported as a commit failure).
   */
  public void commitTransaction(CommitTransactionRequest request) {
    List<TableIdentifier> tables = new ArrayList<>();
    Set<TableIdentifier> seen = new HashSet<>();
    for (UpdateTableRequest change : request.tableChanges()) {
      if (change.identifier() == null) {
        throw new BadRequestException("Every table change needs an identifier");
      }
      if (!seen.add(change.identifier())) {
        throw new BadRequestException(
            "Table %s appears more than once in the transaction", change.identifier());
      }
      tables.add(change.identifier());
    }
    locked(
        tables,
        () -> {
          List<Runnable> swaps = new ArrayList<>();
          for (UpdateTableRequest change : request.tableChanges()) {
            Table table = catalog.loadTable(change.identifier());
            if (!(table instanceof BaseTable base)) {
              throw new IllegalStateException("Not a base table: " + change.identifier());
            }
            TableOperations operations = base.operations();
            TableMetadata current = operations.current();
            change.requirements().forEach(requirement -> requirement.validate(current));
            TableMetadata.Builder builder = TableMetadata.buildFrom(current);
            change.updates().forEach(update -> update.applyTo(builder));
            TableMetadata updated = builder.build();
            if (!updated.changes().isEmpty()) {
              swaps.add(() -> operations.commit(current, updated));
            }
          }
          swaps.forEach(Runnable::run);
          return null;
        });
  }

  /** Runs the commit holding the locks of the platform tables among these, in a fixed order. */
  private <T> T locked(List<TableIdentifier> tables, Supplier<T> commit) {
    List<ReentrantLock> locks =
        tables.stream()
            .map(ExternalCommits::platformTable)
            .flatMap(Optional::stream)
            .distinct()
            .sorted(Comparator.comparing(TableId::toString))
            .map(lake::commitLock)
            .toList();
    int held = 0;
    try {
      for (ReentrantLock lock : locks) {
        lock.lock();
        held++;
      }
      return commit.get();
    } finally {
      for (int i = held - 1; i >= 0; i--) {
        locks.get(i).unlock();
      }
    }
  }

  /** The platform's name for the table, if it has one (one namespace level, a valid name). */
  private static Optional<TableId> platformTable(TableIdentifier table) {
    if (table.namespace().levels().length != 1) {
      return Optional.empty();
    }
    try {
      return Optional.of(new TableId(table.namespace().level(0), table.name()));
    } catch (InvalidInputException ignored) {
      return Optional.empty();
    }
  }
}
