package io.tributary.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.lake.SpecTable;
import java.io.IOException;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The dashboards saved through the API, in the metadata table {@code tributary_dashboards} (the
 * lake's {@link SpecTable}): each row holds the definition text as it was sent, so a dashboard read
 * back parses with the lines its author wrote.
 */
final class DashboardStore {
  static final String TABLE = "tributary_dashboards";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SpecTable table;

  DashboardStore(Supplier<Connection> metadataDb) {
    this.table = new SpecTable(metadataDb, TABLE, "dashboard");
  }

  /** Every saved definition text, by dashboard name. */
  Map<String, String> readAll() {
    Map<String, String> texts = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : table.readAll().entrySet()) {
      try {
        JsonNode node = JSON.readTree(entry.getValue());
        texts.put(entry.getKey(), node.path("text").asText(""));
      } catch (IOException e) {
        throw new IllegalStateException(
            "Cannot read dashboard '" + entry.getKey() + "' from " + TABLE + ": " + e, e);
      }
    }
    return texts;
  }

  void write(String name, String text, long nowMillis) {
    ObjectNode node = JSON.createObjectNode();
    node.put("text", text);
    table.write(name, node.toString(), nowMillis);
  }

  void delete(String name) {
    table.delete(name);
  }
}
