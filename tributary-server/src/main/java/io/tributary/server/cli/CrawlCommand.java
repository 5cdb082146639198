package io.tributary.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code tributary crawl NAME}: runs a crawler now, shows its progress, then what it found,
 * created, changed, loaded and rejected.
 */
@Command(name = "crawl", description = "Run a crawler now and show its progress and report.")
final class CrawlCommand implements Callable<Integer> {
  private static final int MAX_REPORTED = 30;

  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "NAME")
  String name;

  @Override
  public Integer call() {
    ApiClient api = client.client();
    String base = "/v1/crawlers/" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "/runs";
    JsonNode run = api.post(base, Map.of());
    String id = run.path("id").asText();
    LandCommand.Bar bar = null;
    while ("RUNNING".equals(run.path("status").asText())) {
      JsonNode progress = run.path("progress");
      long total = progress.path("bytesTotal").asLong();
      if (total > 0) {
        if (bar == null) {
          bar = new LandCommand.Bar(total, System.err);
        }
        bar.update(progress.path("bytesDone").asLong());
      }
      LockSupport.parkNanos(200_000_000L);
      run = api.get(base + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
    }
    if (bar != null) {
      bar.update(run.path("progress").path("bytesTotal").asLong());
      bar.finish();
    }
    print(run);
    return "SUCCEEDED".equals(run.path("status").asText()) ? 0 : 1;
  }

  static void print(JsonNode run) {
    JsonNode c = run.path("counts");
    System.out.printf(
        "crawler %s run %s: %s%n",
        run.path("crawler").asText(),
        run.path("id").asText(),
        run.path("status").asText().toLowerCase(java.util.Locale.ROOT));
    System.out.printf(
        "  files: %d found, %d new, %d changed, %d unchanged, %d loaded, %d rejected, %d removed%n",
        c.path("filesFound").asInt(),
        c.path("filesNew").asInt(),
        c.path("filesChanged").asInt(),
        c.path("filesUnchanged").asInt(),
        c.path("filesLoaded").asInt(),
        c.path("filesRejected").asInt(),
        c.path("filesRemoved").asInt());
    System.out.printf(
        "  tables: %d created, %d updated, %d deleted; rows: %,d loaded, %,d to error tables%n",
        c.path("tablesCreated").asInt(),
        c.path("tablesUpdated").asInt(),
        c.path("tablesDeleted").asInt(),
        c.path("rowsLoaded").asLong(),
        c.path("rowsRejected").asLong());
    for (JsonNode table : run.path("tables")) {
      System.out.printf(
          "  %s %s: %s%n",
          table.path("action").asText(),
          table.path("table").asText(),
          table.path("detail").asText());
    }
    int shown = 0;
    for (JsonNode file : run.path("files")) {
      String action = file.path("action").asText();
      if (shown++ >= MAX_REPORTED) {
        System.out.println("  ...");
        break;
      }
      String reason = file.path("reason").isNull() ? "" : ": " + file.path("reason").asText();
      String loader =
          file.path("loader").isTextual() ? ", via " + file.path("loader").asText() : "";
      System.out.printf(
          "  %s %s -> %s (%,d rows, %,d errors%s)%s%n",
          action,
          file.path("path").asText(),
          file.path("table").asText("-"),
          file.path("rows").asLong(),
          file.path("errorRows").asLong(),
          loader,
          reason);
    }
    if (!run.path("error").isNull() && !run.path("error").isMissingNode()) {
      System.out.println("  error: " + run.path("error").asText());
    }
  }
}
