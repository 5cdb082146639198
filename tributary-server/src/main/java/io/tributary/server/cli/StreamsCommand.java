package io.tributary.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tributary streams}: lists streams with their delivery status. */
@Command(name = "streams", description = "List streams and their delivery status.")
final class StreamsCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Override
  public Integer call() {
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode s : client.client().get("/v1/streams")) {
      JsonNode spec = s.path("spec");
      JsonNode delivery = s.path("delivery");
      rows.add(
          List.of(
              spec.path("name").asText(),
              spec.path("table").asText(),
              spec.path("partitions").asText(),
              spec.path("buffer").path("interval").asText(),
              delivery.path("delivered").asText("0"),
              delivery.path("errors").asText("0"),
              delivery.path("lag").asText("0")));
    }
    ResultPrinter.table(
        List.of("stream", "table", "partitions", "buffer", "delivered", "errors", "lag"),
        rows,
        System.out);
    return 0;
  }
}
