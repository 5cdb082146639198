package io.tributary.query;

import io.tributary.core.TableId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;

/**
 * What planning learns about a table that cannot change until its metadata does, kept across
 * queries: the loaded tables (refreshed per query, which re-reads their metadata only when the
 * catalog points to a new file), and per snapshot the planned files and the columns those files
 * hold. A snapshot's files never change, so the expensive parts of planning (reading manifests,
 * reading every file's Parquet footer for its columns) happen once per snapshot; the newest {@code
 * capacity} plans are kept. Thread-safe.
 */
final class PlanCache {
  private final Catalog catalog;
  private final Map<TableId, Table> tables = new ConcurrentHashMap<>();
  private final Map<String, PlannedTable> plans;
  private final Map<String, Set<String>> fileColumns;

  PlanCache(Catalog catalog, int capacity) {
    this.catalog = catalog;
    this.plans = lru(capacity);
    this.fileColumns = lru(capacity);
  }

  private static <V> Map<String, V> lru(int capacity) {
    return java.util.Collections.synchronizedMap(
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
            return size() > capacity;
          }
        });
  }

  /**
   * The table {@code id} at its current metadata.
   *
   * @throws NoSuchTableException if the catalog has no such table (any more)
   */
  Table load(TableId id) {
    Table cached = tables.get(id);
    if (cached != null) {
      try {
        cached.refresh();
        return cached;
      } catch (NoSuchTableException e) {
        tables.remove(id, cached);
        throw e;
      }
    }
    Table table = catalog.loadTable(TableIdentifier.of(id.namespace(), id.name()));
    tables.put(id, table);
    return table;
  }

  /** The plan of {@code key} (table, snapshot, schema and view), made by {@code plan} once. */
  PlannedTable plan(String key, Supplier<PlannedTable> plan) {
    PlannedTable cached = plans.get(key);
    if (cached != null) {
      return cached;
    }
    PlannedTable planned = plan.get();
    plans.put(key, planned);
    return planned;
  }

  /** The columns the files of {@code table}'s snapshot hold, read by {@code read} once. */
  <E extends Exception> Set<String> fileColumns(PlannedTable table, ColumnReader<E> read) throws E {
    String key = table.id() + "@" + table.snapshotId();
    Set<String> cached = fileColumns.get(key);
    if (cached != null) {
      return cached;
    }
    Set<String> columns = Set.copyOf(read.read());
    fileColumns.put(key, columns);
    return columns;
  }

  /** Reads the columns of a snapshot's files. */
  @FunctionalInterface
  interface ColumnReader<E extends Exception> {
    Set<String> read() throws E;
  }
}
