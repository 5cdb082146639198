package io.tributary.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses a statement that reads files, or runs SQL text, instead of naming tables. A query reads
 * the lake only through the views of the tables it names, each checked against the caller's grants;
 * DuckDB may read every file inside the lake, so a file read directly ({@code
 * read_parquet('<lake>/...')}, a path in {@code FROM}, {@code glob}) or SQL built from strings
 * ({@code query(...)}) would bypass those checks. The statement is judged on DuckDB's own parse of
 * it ({@code json_serialize_sql}): every table function it calls, anywhere, must be one that reads
 * no file and runs no SQL text, and no table name may be a path.
 */
final class DirectReads {
  private static final Set<String> ALLOWED =
      Set.of(
          "range",
          "generate_series",
          "unnest",
          "repeat",
          "repeat_row",
          "json_each",
          "json_tree",
          "test_all_types");

  /** DuckDB's own catalog functions: a query's database holds only its own objects. */
  private static final String CATALOG_PREFIX = "duckdb_";

  private DirectReads() {}

  /**
   * Throws when the statement DuckDB serialized as {@code root} calls a table function outside the
   * allowed ones or names a file as a table.
   *
   * @throws InvalidInputException {@code query_not_allowed}, naming the function or the path
   */
  static void refuse(JsonNode root) {
    Deque<JsonNode> pending = new ArrayDeque<>();
    pending.push(root);
    while (!pending.isEmpty()) {
      JsonNode node = pending.pop();
      if (node.isObject()) {
        check(node);
      }
      node.forEach(pending::push);
    }
  }

  private static void check(JsonNode node) {
    String type = node.path("type").asText("");
    if (type.equals("TABLE_FUNCTION")) {
      String function = node.path("function").path("function_name").asText("");
      String name = function.toLowerCase(Locale.ROOT);
      if (!ALLOWED.contains(name) && !name.startsWith(CATALOG_PREFIX)) {
        throw new InvalidInputException(
            ErrorCode.QUERY_NOT_ALLOWED,
            "Query not allowed: "
                + function
                + "(...) reads files or runs SQL text; a query reads the lake's tables by name"
                + " (namespace.table), each under the caller's grants");
      }
    } else if (type.equals("BASE_TABLE") || type.equals("SHOW_REF")) {
      String table = node.path("table_name").asText("");
      if (table.indexOf('/') >= 0 || table.indexOf('\\') >= 0 || table.indexOf('.') >= 0) {
        throw new InvalidInputException(
            ErrorCode.QUERY_NOT_ALLOWED,
            "Query not allowed: '"
                + table
                + "' names a file; a query reads the lake's tables by name (namespace.table),"
                + " each under the caller's grants");
      }
    }
  }
}
