package io.tributary.query;

import io.tributary.core.InvalidInputException;
import io.tributary.core.TableId;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Makes every lake table visible to DuckDB's own {@code pg_catalog} and {@code information_schema}
 * when a query reads them: each table the query does not read gets an empty table of the same
 * columns in a schema named like its namespace. Planning them all would cost a scan plan per table;
 * their schemas cost nothing.
 */
final class CatalogTables {
  private static final Pattern CATALOG =
      Pattern.compile(
          "\\b(pg_catalog|information_schema|pg_class|pg_namespace|pg_attribute|pg_tables"
              + "|pg_views|pg_type|pg_database|duckdb_tables|duckdb_columns|duckdb_schemas)\\b",
          Pattern.CASE_INSENSITIVE);

  private CatalogTables() {}

  /** Whether {@code sql} reads the catalogs, so that every lake table should be visible. */
  static boolean mentioned(String sql) {
    return CATALOG.matcher(sql).find();
  }

  /** The table's id, or {@code null} for a name outside the lake's naming rules. */
  static TableId id(Namespace namespace, TableIdentifier identifier) {
    try {
      return new TableId(String.join(".", namespace.levels()), identifier.name());
    } catch (InvalidInputException e) {
      return null;
    }
  }

  /** Creates the empty tables for the {@code described} tables that {@code planned} lacks. */
  static void create(
      Connection connection, Map<TableId, Table> described, Map<String, List<PlannedTable>> planned)
      throws SQLException {
    try (Statement statement = connection.createStatement()) {
      for (Map.Entry<TableId, Table> entry : described.entrySet()) {
        TableId id = entry.getKey();
        List<PlannedTable> inNamespace = planned.getOrDefault(id.namespace(), List.of());
        if (inNamespace.stream()
            .anyMatch(table -> table.id().equals(id) && table.view().equals(id.name()))) {
          continue;
        }
        statement.execute("CREATE SCHEMA IF NOT EXISTS " + Sql.identifier(id.namespace()));
        String columns =
            entry.getValue().schema().columns().stream()
                .map(
                    field ->
                        Sql.identifier(field.name())
                            + " "
                            + DuckDbTypes.of(field.type())
                            + (field.isRequired() ? " NOT NULL" : ""))
                .collect(Collectors.joining(", "));
        statement.execute(
            "CREATE TABLE "
                + Sql.identifier(id.namespace())
                + "."
                + Sql.identifier(id.name())
                + " ("
                + columns
                + ")");
      }
    }
  }
}
