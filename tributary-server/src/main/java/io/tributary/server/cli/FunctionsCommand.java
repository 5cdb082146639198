package io.tributary.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tributary functions}: lists functions with their status. */
@Command(name = "functions", description = "List functions and their status.")
final class FunctionsCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Override
  public Integer call() {
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode f : client.client().get("/v1/functions")) {
      JsonNode spec = f.path("spec");
      JsonNode status = f.path("status");
      rows.add(
          List.of(
              spec.path("name").asText(),
              spec.path("topic").asText(),
              spec.path("type").asText(),
              spec.path("emit-to").asText(routes(spec)),
              status.path("state").asText("stopped"),
              status.path("processed").asText("0"),
              status.path("emitted").asText("0"),
              status.path("filtered").asText("0"),
              status.path("retries").asText("0"),
              status.path("deadLetters").asText("0"),
              status.path("lag").asText("0"),
              status.path("throughput").asText("0")));
    }
    ResultPrinter.table(
        List.of(
            "function",
            "topic",
            "type",
            "emit-to",
            "state",
            "processed",
            "emitted",
            "filtered",
            "retries",
            "dead letters",
            "lag",
            "msg/s"),
        rows,
        System.out);
    return 0;
  }

  private static String routes(JsonNode spec) {
    List<String> targets = new ArrayList<>();
    spec.path("routes").forEach(r -> targets.add(r.path("emit-to").asText()));
    return String.join(",", targets);
  }
}
