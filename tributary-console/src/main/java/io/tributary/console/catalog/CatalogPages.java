package io.tributary.console.catalog;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.tributary.access.Privilege;
import io.tributary.access.Resource;
import io.tributary.console.Page;
import io.tributary.console.Templates;
import io.tributary.console.Viewer;
import io.tributary.console.sql.Cells;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import io.tributary.core.TableId;
import io.tributary.core.TributaryException;
import io.tributary.flow.Lineage;
import io.tributary.lake.Lake;
import io.tributary.lake.TableInfo;
import io.tributary.query.QueryCancel;
import io.tributary.query.QueryCursor;
import io.tributary.query.QueryEngine;
import io.tributary.query.QueryResult;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The catalog browser's pages and its one action, the description and tags form. */
public final class CatalogPages {
  /** Rows in a table page's sample. */
  public static final int SAMPLE_ROWS = 20;

  private static final Logger LOG = LoggerFactory.getLogger(CatalogPages.class);

  /** Applies a table patch ({@code PATCH /v1/tables/{table}}'s body) to a table. */
  @FunctionalInterface
  public interface TableEditor {
    /**
     * @throws InvalidInputException when the patch is invalid (named in the message)
     */
    void patch(TableId table, ObjectNode body);
  }

  private final Lake lake;
  private final QueryEngine query;
  private final Function<TableId, List<String>> streamsInto;
  private final TableEditor editor;
  private final Templates templates;

  /**
   * @param streamsInto the names of the streams that deliver into a table
   * @param editor applies description and tag changes the way {@code PATCH /v1/tables} does
   */
  public CatalogPages(
      Lake lake,
      QueryEngine query,
      Function<TableId, List<String>> streamsInto,
      TableEditor editor,
      Templates templates) {
    this.lake = Objects.requireNonNull(lake, "lake is null");
    this.query = Objects.requireNonNull(query, "query is null");
    this.streamsInto = Objects.requireNonNull(streamsInto, "streamsInto is null");
    this.editor = Objects.requireNonNull(editor, "editor is null");
    this.templates = Objects.requireNonNull(templates, "templates is null");
  }

  private static Predicate<TableId> readable(Viewer viewer) {
    return table -> viewer.allows(Privilege.READ, Resource.table(table));
  }

  /** {@code GET /catalog}: the namespaces and the tables the viewer may read. */
  public void list(Context ctx, Viewer viewer) {
    Predicate<TableId> readable = readable(viewer);
    Map<String, List<CatalogViews.TableRow>> byNamespace = new TreeMap<>();
    for (TableId id : lake.listTables()) {
      if (!readable.test(id)) {
        continue;
      }
      CatalogViews.TableRow row;
      try {
        TableInfo info = lake.describe(id);
        row =
            new CatalogViews.TableRow(
                id.toString(),
                id.name(),
                info.totalRows(),
                info.dataFiles(),
                bytes(info.totalSizeBytes()),
                info.snapshotTimestamp() == null ? "" : info.snapshotTimestamp().toString(),
                info.description());
      } catch (TributaryException | IllegalStateException e) {
        row = new CatalogViews.TableRow(id.toString(), id.name(), 0, 0, "", "", null);
      }
      byNamespace.computeIfAbsent(id.namespace(), n -> new ArrayList<>()).add(row);
    }
    List<CatalogViews.Namespace> namespaces = new ArrayList<>();
    byNamespace.forEach(
        (name, tables) -> {
          tables.sort(Comparator.comparing(CatalogViews.TableRow::name));
          namespaces.add(new CatalogViews.Namespace(name, tables));
        });
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("page", Page.of(ctx, "Catalog", "catalog"));
    params.put("namespaces", namespaces);
    templates.answer(ctx, 200, "catalog/list.jte", params);
  }

  /** {@code GET /catalog/{table}}: one table (the route requires READ on it). */
  public void table(Context ctx, Viewer viewer) {
    TableId id = TableId.parse(ctx.pathParam("table"));
    Table table =
        lake.loadTable(id).orElseThrow(() -> new NotFoundException("table", id.toString()));
    TableInfo info = lake.describe(id);
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("page", Page.of(ctx, "Table " + id, "catalog"));
    params.put(
        "table",
        detail(id, table, info, viewer, Optional.ofNullable(ctx.queryParam("saved")).isPresent()));
    params.put("csrf", viewer.csrfToken());
    templates.answer(ctx, 200, "catalog/table.jte", params);
  }

  /**
   * {@code POST /catalog/{table}/about}: sets the description and the tags (one {@code key=value} a
   * line; tags left out are removed), as {@code PATCH /v1/tables/{table}} does; the route requires
   * MANAGE on the table.
   */
  public void describe(Context ctx, Viewer viewer) {
    TableId id = TableId.parse(ctx.pathParam("table"));
    TableInfo info = lake.describe(id);
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    String description = Optional.ofNullable(ctx.formParam("description")).orElse("").strip();
    if (description.isEmpty()) {
      body.putNull("description");
    } else {
      body.put("description", description);
    }
    Map<String, String> tags = parseTags(Optional.ofNullable(ctx.formParam("tags")).orElse(""));
    ObjectNode tagPatch = body.putObject("tags");
    tags.forEach(tagPatch::put);
    for (String old : info.tags().keySet()) {
      if (!tags.containsKey(old)) {
        tagPatch.putNull(old);
      }
    }
    editor.patch(id, body);
    ctx.redirect(
        "/catalog/" + URLEncoder.encode(id.toString(), StandardCharsets.UTF_8) + "?saved=1",
        HttpStatus.SEE_OTHER);
  }

  /** Tags from the form's text: one {@code key=value} a line, blank lines skipped. */
  static Map<String, String> parseTags(String text) {
    Map<String, String> tags = new LinkedHashMap<>();
    int number = 0;
    for (String line : text.split("\r\n|\r|\n")) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      int equals = line.indexOf('=');
      if (equals <= 0) {
        throw new InvalidInputException(
            ErrorCode.INVALID_REQUEST,
            "Invalid tag on line " + number + ": '" + cut(line) + "' (write key=value)");
      }
      tags.put(line.substring(0, equals).strip(), line.substring(equals + 1).strip());
    }
    return tags;
  }

  private static String cut(String text) {
    return text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }

  private CatalogViews.TableDetail detail(
      TableId id, Table table, TableInfo info, Viewer viewer, boolean saved) {
    List<CatalogViews.ColumnRow> columns = new ArrayList<>();
    for (Types.NestedField field : table.schema().columns()) {
      column(field, "", 0, columns);
    }
    List<TableInfo.SnapshotInfo> oldestFirst = new ArrayList<>(info.snapshots());
    oldestFirst.sort(Comparator.comparing(TableInfo.SnapshotInfo::timestamp));
    List<CatalogViews.SnapshotRow> snapshots = new ArrayList<>();
    for (TableInfo.SnapshotInfo snapshot : info.snapshots()) {
      snapshots.add(
          new CatalogViews.SnapshotRow(
              snapshot.id(),
              snapshot.timestamp().toString(),
              snapshot.operation(),
              total(snapshot, "total-records"),
              total(snapshot, "total-data-files"),
              bytes(total(snapshot, "total-files-size"))));
    }
    Map<String, String> properties = new TreeMap<>(info.properties());
    StringBuilder tagsText = new StringBuilder();
    info.tags()
        .forEach((key, value) -> tagsText.append(key).append('=').append(value).append('\n'));
    return new CatalogViews.TableDetail(
        id.toString(),
        info.location(),
        info.description(),
        info.tags(),
        tagsText.toString(),
        properties,
        info.partitionSpec(),
        columns,
        snapshots,
        chart(oldestFirst),
        info.totalRows(),
        info.dataFiles(),
        bytes(info.totalSizeBytes()),
        sample(id, viewer),
        flows(table),
        streamsInto.apply(id),
        viewer.allows(Privilege.MANAGE, Resource.table(id)),
        saved ? "Saved." : null);
  }

  private static void column(
      Types.NestedField field, String parent, int depth, List<CatalogViews.ColumnRow> out) {
    String path = parent.isEmpty() ? field.name() : parent + "." + field.name();
    Type type = field.type();
    String typeName =
        switch (type.typeId()) {
          case STRUCT -> "struct";
          case LIST -> "list<" + elementName(((Types.ListType) type).elementType()) + ">";
          case MAP ->
              "map<"
                  + elementName(((Types.MapType) type).keyType())
                  + ", "
                  + elementName(((Types.MapType) type).valueType())
                  + ">";
          default -> type.toString();
        };
    out.add(new CatalogViews.ColumnRow(path, depth, typeName, field.isRequired(), field.doc()));
    if (type.isStructType()) {
      for (Types.NestedField child : type.asStructType().fields()) {
        column(child, path, depth + 1, out);
      }
    } else if (type.isListType() && ((Types.ListType) type).elementType().isStructType()) {
      for (Types.NestedField child :
          ((Types.ListType) type).elementType().asStructType().fields()) {
        column(child, path + "[]", depth + 1, out);
      }
    } else if (type.isMapType() && ((Types.MapType) type).valueType().isStructType()) {
      for (Types.NestedField child : ((Types.MapType) type).valueType().asStructType().fields()) {
        column(child, path + "{}", depth + 1, out);
      }
    }
  }

  private static String elementName(Type type) {
    return type.isPrimitiveType() ? type.toString() : type.typeId().name().toLowerCase(Locale.ROOT);
  }

  private static long total(TableInfo.SnapshotInfo snapshot, String key) {
    try {
      return Long.parseLong(snapshot.summary().getOrDefault(key, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * The ECharts option of the snapshots chart: rows and files over time, bytes on a second axis.
   */
  private static String chart(List<TableInfo.SnapshotInfo> oldestFirst) {
    ObjectNode option = JsonNodeFactory.instance.objectNode();
    option.putObject("tooltip").put("trigger", "axis");
    option.putObject("legend").putArray("data").add("rows").add("files").add("bytes");
    option.putObject("grid").put("left", 60).put("right", 70).put("top", 30).put("bottom", 30);
    option.putObject("xAxis").put("type", "time");
    ArrayNode yAxes = option.putArray("yAxis");
    yAxes.addObject().put("type", "value").put("name", "rows / files");
    yAxes.addObject().put("type", "value").put("name", "bytes");
    ArrayNode series = option.putArray("series");
    String[][] keys = {
      {"rows", "total-records"}, {"files", "total-data-files"}, {"bytes", "total-files-size"}
    };
    for (String[] key : keys) {
      ObjectNode line = series.addObject();
      line.put("name", key[0]).put("type", "line").put("step", "end").put("showSymbol", true);
      if (key[0].equals("bytes")) {
        line.put("yAxisIndex", 1);
      }
      ArrayNode data = line.putArray("data");
      for (TableInfo.SnapshotInfo snapshot : oldestFirst) {
        data.addArray().add(snapshot.timestamp().toEpochMilli()).add(total(snapshot, key[1]));
      }
    }
    return option.toString();
  }

  private CatalogViews.Sample sample(TableId id, Viewer viewer) {
    String sql =
        "SELECT * FROM \""
            + id.namespace().replace("\"", "\"\"")
            + "\".\""
            + id.name().replace("\"", "\"\"")
            + "\" LIMIT "
            + SAMPLE_ROWS;
    try (QueryCursor cursor = query.open(sql, new QueryCancel(), List.of(), readable(viewer))) {
      List<String> columns = cursor.columns().stream().map(QueryResult.Column::name).toList();
      List<List<String>> rows = new ArrayList<>();
      for (List<Object> row = cursor.next(); row != null; row = cursor.next()) {
        List<String> cells = new ArrayList<>(row.size());
        row.forEach(value -> cells.add(Cells.text(value)));
        rows.add(cells);
      }
      return new CatalogViews.Sample(columns, rows, null);
    } catch (TributaryException e) {
      return new CatalogViews.Sample(List.of(), List.of(), e.getMessage());
    }
  }

  /** The flows whose task runs committed snapshots of the table, the latest write first. */
  private static List<CatalogViews.FlowWrite> flows(Table table) {
    List<Lineage.Entry> entries;
    try {
      entries = Lineage.of(table);
    } catch (IllegalArgumentException e) {
      LOG.warn("Cannot read the lineage of {}: {}", table.name(), e.getMessage());
      return List.of();
    }
    Map<String, List<Lineage.Entry>> byFlow = new LinkedHashMap<>();
    for (Lineage.Entry entry : entries) { // newest first
      byFlow.computeIfAbsent(entry.flow(), f -> new ArrayList<>()).add(entry);
    }
    List<CatalogViews.FlowWrite> flows = new ArrayList<>();
    byFlow.forEach(
        (flow, writes) -> {
          Lineage.Entry last = writes.get(0);
          StringBuilder inputs = new StringBuilder();
          last.inputs()
              .forEach(
                  (input, snapshot) ->
                      inputs
                          .append(inputs.length() == 0 ? "" : ", ")
                          .append(input)
                          .append('@')
                          .append(snapshot));
          flows.add(
              new CatalogViews.FlowWrite(
                  flow,
                  writes.size(),
                  last.committedAt().toString(),
                  last.runId(),
                  last.taskId(),
                  inputs.toString()));
        });
    return flows;
  }

  /** {@code bytes} for people: {@code 1.5 MiB}. */
  static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
