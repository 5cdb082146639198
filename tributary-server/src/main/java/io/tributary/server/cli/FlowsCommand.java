package io.tributary.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tributary flows}: lists flows with their schedule and last run. */
@Command(name = "flows", description = "List flows with their schedule and last run.")
final class FlowsCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Override
  public Integer call() {
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode flow : client.client().get("/v1/flows").path("flows")) {
      JsonNode last = flow.path("last-run");
      List<String> triggers = new ArrayList<>();
      flow.path("triggers").forEach(t -> triggers.add(t.asText()));
      rows.add(
          List.of(
              flow.path("name").asText(),
              flow.path("schedule").isNull() ? "-" : flow.path("schedule").asText(),
              triggers.isEmpty() ? "-" : String.join(",", triggers),
              Integer.toString(flow.path("tasks").size()),
              last.isMissingNode() || last.isNull() ? "-" : last.path("logical-date").asText(),
              last.isMissingNode() || last.isNull() ? "-" : last.path("state").asText()));
    }
    ResultPrinter.table(
        List.of("flow", "schedule", "triggers", "tasks", "last run", "state"), rows, System.out);
    return 0;
  }
}
