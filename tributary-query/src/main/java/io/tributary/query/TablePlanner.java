package io.tributary.query;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.RetriableException;
import io.tributary.core.TableId;
import io.tributary.core.TributaryException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the lake catalog for one query: the namespaces, the tables a statement names (current
 * snapshots and time-travel snapshots) and the metadata tables it names.
 */
final class TablePlanner {
  private static final Logger LOG = LoggerFactory.getLogger(TablePlanner.class);

  private static final int PLANS_KEPT = 512;

  private final Catalog catalog;
  private final Path lake;
  private final PlanCache cache;
  private final ReadThroughCache files;

  /** A planner for files under {@code lake}, or served by {@code files} (null: none). */
  TablePlanner(Catalog catalog, Path lake, ReadThroughCache files) {
    this.catalog = catalog;
    this.lake = lake;
    this.cache = new PlanCache(catalog, PLANS_KEPT);
    this.files = files;
  }

  /** The columns of {@code table}'s files, read by {@code read} once per snapshot. */
  <E extends Exception> Set<String> fileColumns(PlannedTable table, PlanCache.ColumnReader<E> read)
      throws E {
    return cache.fileColumns(table, read);
  }

  private PlannedTable planCurrent(TableId id, Table table) {
    Snapshot current = table.currentSnapshot();
    String key =
        table.uuid()
            + "@"
            + (current == null ? -1 : current.snapshotId())
            + "/"
            + table.schema().schemaId()
            + "/"
            + table.schemas().size();
    return cache.plan(key, () -> PlannedTable.plan(id, table, lake, files));
  }

  /** Every lake table, by id, for the catalogs' empty tables. */
  Map<TableId, Table> allTables(Predicate<TableId> readable) {
    Map<TableId, Table> all = new TreeMap<>(Comparator.comparing(TableId::toString));
    if (!(catalog instanceof SupportsNamespaces supportsNamespaces)) {
      return all;
    }
    try {
      for (Namespace namespace : supportsNamespaces.listNamespaces()) {
        for (TableIdentifier identifier : catalog.listTables(namespace)) {
          TableId id = CatalogTables.id(namespace, identifier);
          if (id != null && readable.test(id)) {
            all.put(id, catalog.loadTable(identifier));
          }
        }
      }
    } catch (TributaryException e) {
      throw e;
    } catch (RuntimeException e) {
      throw catalogUnavailable("the tables", e);
    }
    return all;
  }

  /**
   * Plans every lake table the SQL may name; names that are not tables are skipped. The result
   * holds an entry, possibly empty, for each namespace the SQL names, so that DuckDB can report
   * unknown tables in known namespaces plainly.
   */
  Map<String, List<PlannedTable>> planTables(
      String sql,
      Predicate<String> isNamespace,
      List<PlannedTable> past,
      Predicate<TableId> readable) {
    Map<String, List<PlannedTable>> tables = new TreeMap<>();
    for (TableId id : TableReferences.find(sql, isNamespace)) {
      List<PlannedTable> inNamespace =
          tables.computeIfAbsent(id.namespace(), n -> new ArrayList<>());
      try {
        requireReadable(id, readable);
        inNamespace.add(planCurrent(id, cache.load(id)));
      } catch (NoSuchTableException e) {
        LOG.trace("{} is not a lake table", id);
      } catch (TributaryException e) {
        throw e;
      } catch (RuntimeException e) {
        throw catalogUnavailable("table " + id, e);
      }
    }
    for (PlannedTable table : past) {
      List<PlannedTable> inNamespace =
          tables.computeIfAbsent(table.id().namespace(), n -> new ArrayList<>());
      if (inNamespace.stream().noneMatch(planned -> planned.view().equals(table.view()))) {
        inNamespace.add(table);
      }
    }
    return tables;
  }

  /**
   * The current snapshot id (-1 for a table without one) of every lake table {@code sql} names, as
   * {@link #planTables} finds them, without planning their files.
   */
  Map<TableId, Long> currentSnapshots(
      String sql, Predicate<String> isNamespace, Predicate<TableId> readable) {
    Map<TableId, Long> snapshots = new TreeMap<>(Comparator.comparing(TableId::toString));
    for (TableId id : TableReferences.find(sql, isNamespace)) {
      try {
        requireReadable(id, readable);
        Snapshot current = cache.load(id).currentSnapshot();
        snapshots.put(id, current == null ? -1L : current.snapshotId());
      } catch (NoSuchTableException e) {
        LOG.trace("{} is not a lake table", id);
      } catch (TributaryException e) {
        throw e;
      } catch (RuntimeException e) {
        throw catalogUnavailable("table " + id, e);
      }
    }
    return snapshots;
  }

  /** Whether a name is one of the catalog's namespaces, listed once. */
  Predicate<String> namespaces() {
    if (!(catalog instanceof SupportsNamespaces supportsNamespaces)) {
      return namespace -> true;
    }
    Set<String> namespaces = new HashSet<>();
    try {
      for (Namespace namespace : supportsNamespaces.listNamespaces()) {
        namespaces.add(String.join(".", namespace.levels()).toLowerCase(Locale.ROOT));
      }
    } catch (RuntimeException e) {
      throw catalogUnavailable("the namespaces", e);
    }
    return namespaces::contains;
  }

  /** Creates the metadata tables ({@code ns."table$snapshots"}, ...) that {@code sql} names. */
  void createMetadataTables(
      Connection connection, String sql, Predicate<String> isNamespace, Predicate<TableId> readable)
      throws SQLException {
    for (MetadataTables.Reference reference : TableReferences.findMetadata(sql, isNamespace)) {
      TableId id = reference.table();
      Table table;
      try {
        table = cache.load(id);
      } catch (NoSuchTableException e) {
        LOG.trace("{} is not a lake table", id);
        continue;
      } catch (TributaryException e) {
        throw e;
      } catch (RuntimeException e) {
        throw catalogUnavailable("table " + id, e);
      }
      requireReadable(id, readable);
      MetadataTables.create(connection, reference, table);
    }
  }

  /** Plans the snapshot each time-travel reference names, in order. */
  List<PlannedTable> planPast(List<TimeTravel.Reference> references, Predicate<TableId> readable) {
    List<PlannedTable> planned = new ArrayList<>();
    for (TimeTravel.Reference reference : references) {
      TableId id = reference.table();
      Table table;
      try {
        table = cache.load(id);
      } catch (NoSuchTableException e) {
        throw new InvalidInputException(
            ErrorCode.QUERY_ERROR, "Cannot time travel in table " + id + ": no such table", e);
      } catch (TributaryException e) {
        throw e;
      } catch (RuntimeException e) {
        throw catalogUnavailable("table " + id, e);
      }
      requireReadable(id, readable);
      Snapshot snapshot = SnapshotChoice.of(id, table, reference);
      String view = TimeTravel.Reference.viewName(id, snapshot.snapshotId());
      planned.add(
          cache.plan(
              table.uuid()
                  + "@"
                  + snapshot.snapshotId()
                  + "/"
                  + view
                  + "/"
                  + table.schemas().size(),
              () -> PlannedTable.plan(id, view, table, snapshot, lake, files)));
    }
    return planned;
  }

  /** Refuses (403, SQLSTATE 42501) a table the caller may not read. */
  private static void requireReadable(TableId id, Predicate<TableId> readable) {
    if (!readable.test(id)) {
      throw new InvalidInputException(
          ErrorCode.FORBIDDEN,
          "Permission denied for table "
              + id
              + ": the 'read' privilege on table:"
              + id
              + " is missing");
    }
  }

  static RetriableException catalogUnavailable(String what, RuntimeException cause) {
    return new RetriableException(
        ErrorCode.CATALOG_UNAVAILABLE,
        "Cannot read " + what + " from the lake catalog: " + cause.getMessage(),
        cause);
  }
}
