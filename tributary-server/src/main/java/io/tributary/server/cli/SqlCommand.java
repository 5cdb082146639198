package io.tributary.server.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tributary sql "SELECT ..."}: runs a query on the server. */
@Command(name = "sql", description = "Run a SQL query over the lake (tables as namespace.table).")
final class SqlCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "SQL")
  String sql;

  @Option(names = "--format", defaultValue = "table", description = "table, csv or json")
  ResultPrinter.Format format;

  @Override
  public Integer call() {
    ResultPrinter.print(
        client.client().post("/v1/query", Map.of("sql", sql)), format, System.out, System.err);
    return 0;
  }
}
