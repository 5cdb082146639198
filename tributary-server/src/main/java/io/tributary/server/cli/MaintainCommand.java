package io.tributary.server.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tributary maintain TABLE}: compacts small files and expires old snapshots. */
@Command(
    name = "maintain",
    description = "Compact small files and expire old snapshots of a table (safe during delivery).")
final class MaintainCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "TABLE")
  String table;

  @Option(names = "--expire-older-than", description = "Expire snapshots older than this (e.g. 1h)")
  String expireOlderThan;

  @Option(names = "--retain-last", description = "Always keep at least this many snapshots")
  Integer retainLast;

  @Override
  public Integer call() {
    Map<String, Object> body = new LinkedHashMap<>();
    if (expireOlderThan != null) {
      body.put("expire-older-than", expireOlderThan);
    }
    if (retainLast != null) {
      body.put("retain-last", retainLast);
    }
    System.out.println(
        client.client().post("/v1/tables/" + table + "/maintenance", body).toPrettyString());
    return 0;
  }
}
