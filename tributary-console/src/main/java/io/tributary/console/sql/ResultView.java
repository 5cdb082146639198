package io.tributary.console.sql;

import io.tributary.query.workbench.ResultPages;
import java.util.ArrayList;
import java.util.List;

/**
 * A page of results as the grid shows it: column names and types, the cells as text ({@code null}
 * for SQL NULL), and where the page lies in the kept result.
 *
 * @param id the kept result
 * @param columns the column names
 * @param types the column types
 * @param rows the page's cells
 * @param first the 1-based number of the page's first row (0 for an empty result)
 * @param last the number of its last row
 * @param kept how many rows the result keeps
 * @param previousOffset where the previous page starts, -1 on the first
 * @param nextOffset where the next page starts, -1 on the last
 * @param cutReason why rows were left out, or {@code null}
 * @param elapsedMillis how long the statement took
 */
public record ResultView(
    String id,
    List<String> columns,
    List<String> types,
    List<List<String>> rows,
    int first,
    int last,
    int kept,
    int previousOffset,
    int nextOffset,
    String cutReason,
    long elapsedMillis) {

  static ResultView of(ResultPages.Page page) {
    List<List<String>> cells = new ArrayList<>(page.rows().size());
    for (List<Object> row : page.rows()) {
      List<String> texts = new ArrayList<>(row.size());
      for (Object value : row) {
        texts.add(Cells.text(value));
      }
      cells.add(texts);
    }
    int size = page.rows().size();
    return new ResultView(
        page.resultId(),
        page.columns().stream().map(c -> c.name()).toList(),
        page.columns().stream().map(c -> c.type()).toList(),
        cells,
        size == 0 ? 0 : page.offset() + 1,
        page.offset() + size,
        page.keptRows(),
        page.offset() == 0 ? -1 : Math.max(0, page.offset() - SqlWorkbench.PAGE_SIZE),
        page.hasNext() ? page.offset() + size : -1,
        page.cutReason(),
        page.elapsedMillis());
  }
}
