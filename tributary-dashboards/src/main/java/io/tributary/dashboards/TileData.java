package io.tributary.dashboards;

import io.tributary.query.QueryResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What one tile's query answered: its columns, at most the row limit of rows (JSON-friendly values:
 * dates and times as ISO-8601 text), whether more were left out, the snapshot id each lake table
 * was read at ({@code namespace.table} → id, -1 for an empty table), the query time and the filter
 * values it was computed for.
 */
public record TileData(
    List<QueryResult.Column> columns,
    List<List<Object>> rows,
    boolean truncated,
    Map<String, Long> snapshots,
    long elapsedMillis,
    Map<String, String> filters) {
  public TileData {
    columns = List.copyOf(columns);
    List<List<Object>> copy = new ArrayList<>(rows.size());
    for (List<Object> row : rows) {
      copy.add(Collections.unmodifiableList(new ArrayList<>(row))); // values may be null
    }
    rows = Collections.unmodifiableList(copy);
    snapshots = Map.copyOf(snapshots);
    filters = Map.copyOf(filters);
  }

  /** The rows as CSV (RFC 4180, a header line of column names, CRLF line ends). */
  public String toCsv() {
    StringBuilder csv = new StringBuilder();
    for (int i = 0; i < columns.size(); i++) {
      csv.append(i == 0 ? "" : ",").append(csvField(columns.get(i).name()));
    }
    csv.append("\r\n");
    for (List<Object> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        Object value = row.get(i);
        csv.append(i == 0 ? "" : ",").append(value == null ? "" : csvField(value.toString()));
      }
      csv.append("\r\n");
    }
    return csv.toString();
  }

  static String csvField(String text) {
    boolean quote =
        text.indexOf(',') >= 0
            || text.indexOf('"') >= 0
            || text.indexOf('\n') >= 0
            || text.indexOf('\r') >= 0;
    return quote ? '"' + text.replace("\"", "\"\"") + '"' : text;
  }
}
