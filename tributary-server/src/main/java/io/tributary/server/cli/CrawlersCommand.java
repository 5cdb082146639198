package io.tributary.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tributary crawlers}: lists crawlers with their last run. */
@Command(name = "crawlers", description = "List crawlers and their last run.")
final class CrawlersCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Override
  public Integer call() {
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode crawler : client.client().get("/v1/crawlers")) {
      JsonNode spec = crawler.path("spec");
      JsonNode last = crawler.path("last_run");
      JsonNode counts = last.path("counts");
      String mode = spec.path("mode").asText();
      if (spec.has("schedule")) {
        mode += " " + spec.path("schedule").asText();
      }
      rows.add(
          List.of(
              spec.path("name").asText(),
              "landing/" + spec.path("source").asText(),
              spec.path("namespace").asText(),
              mode,
              last.isMissingNode() || last.isNull() ? "-" : last.path("status").asText(),
              last.path("started").asText("-"),
              counts.path("filesLoaded").asText("0"),
              counts.path("filesRejected").asText("0")));
    }
    ResultPrinter.table(
        List.of(
            "crawler", "source", "namespace", "mode", "last run", "started", "loaded", "rejected"),
        rows,
        System.out);
    return 0;
  }
}
