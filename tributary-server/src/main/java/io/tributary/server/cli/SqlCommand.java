package io.tributary.server.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tributary sql "SELECT ..."}: runs a query on the server; CSV and NDJSON stream every row
 * to standard output as the server sends it.
 */
@Command(name = "sql", description = "Run a SQL query over the lake (tables as namespace.table).")
final class SqlCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "SQL")
  String sql;

  @Option(
      names = "--format",
      defaultValue = "table",
      description =
          "table or json (at most query.max-rows rows), csv or ndjson (every row, streamed)")
  ResultPrinter.Format format;

  @Override
  public Integer call() {
    ApiClient api = client.client();
    Map<String, String> body = Map.of("sql", sql);
    switch (format) {
      case CSV -> api.stream("/v1/query", body, "text/csv", System.out);
      case NDJSON -> api.stream("/v1/query", body, "application/x-ndjson", System.out);
      default -> ResultPrinter.print(api.post("/v1/query", body), format, System.out, System.err);
    }
    return 0;
  }
}
