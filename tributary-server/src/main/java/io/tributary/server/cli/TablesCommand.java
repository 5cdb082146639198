package io.tributary.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code tributary tables [TABLE]}: lists the lake's tables, or describes one. */
@Command(name = "tables", description = "List lake tables, or describe one (namespace.table).")
final class TablesCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Parameters(index = "0", arity = "0..1", paramLabel = "TABLE")
  String table;

  @Override
  public Integer call() {
    ApiClient api = client.client();
    if (table != null) {
      System.out.println(api.get("/v1/tables/" + table).toPrettyString());
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode t : api.get("/v1/tables")) {
      rows.add(
          List.of(
              t.path("table").asText(),
              t.path("rows").asText(),
              t.path("files").asText(),
              t.path("bytes").asText(),
              t.path("updated_at").asText("")));
    }
    ResultPrinter.table(List.of("table", "rows", "files", "bytes", "updated_at"), rows, System.out);
    return 0;
  }
}
