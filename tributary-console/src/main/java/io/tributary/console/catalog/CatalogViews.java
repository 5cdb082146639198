package io.tributary.console.catalog;

import java.util.List;
import java.util.Map;

/** What the catalog's templates show. */
public final class CatalogViews {
  private CatalogViews() {}

  /** A table in the list. */
  public record TableRow(
      String table,
      String name,
      long rows,
      long files,
      String bytes,
      String updated,
      String description) {}

  /** A namespace and its tables the viewer may read. */
  public record Namespace(String name, List<TableRow> tables) {}

  /**
   * A column, nested ones under their parent.
   *
   * @param path the dotted path, e.g. {@code address.city}
   * @param depth 0 for a top-level column
   * @param type the Iceberg type ({@code struct}, {@code list}, {@code map} for nested ones)
   * @param required whether it is required
   * @param doc its comment, or {@code null}
   */
  public record ColumnRow(String path, int depth, String type, boolean required, String doc) {}

  /** One snapshot: when, what, and the table's totals after it. */
  public record SnapshotRow(
      long id, String at, String operation, long rows, long files, String bytes) {}

  /** A flow that wrote the table, with its latest write. */
  public record FlowWrite(
      String flow, int snapshots, String lastAt, String lastRun, String lastTask, String inputs) {}

  /** A sample of rows. */
  public record Sample(List<String> columns, List<List<String>> rows, String error) {}

  /**
   * The whole table page.
   *
   * @param chart the ECharts option of the snapshots chart, as JSON
   */
  public record TableDetail(
      String table,
      String location,
      String description,
      Map<String, String> tags,
      String tagsText,
      Map<String, String> properties,
      List<String> partitionSpec,
      List<ColumnRow> columns,
      List<SnapshotRow> snapshots,
      String chart,
      long rows,
      long files,
      String bytes,
      Sample sample,
      List<FlowWrite> flows,
      List<String> streams,
      boolean canEdit,
      String message) {}
}
