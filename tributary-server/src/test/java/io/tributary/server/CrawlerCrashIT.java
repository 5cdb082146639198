package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once file loading across kill -9: the platform runs in a child JVM that is killed
 * (SIGKILL) in the middle of a crawl; after a restart, a crawl leaves every file's rows in the
 * table exactly once.
 */
class CrawlerCrashIT {
  private static final int FILES = 10;
  private static final int ROWS = 5_000;

  @TempDir Path dir;

  @Test
  void eachFileIsLoadedOnceAfterKillsMidCrawl() throws Exception {
    int httpPort = TestConfigs.freePort();
    Path config = dir.resolve("tributary.yaml");
    Files.writeString(
        config,
        TestConfigs.yaml(dir.resolve("data"), httpPort, "  - name: app_events\n")
            + "crawlers:\n  - { name: drops, files-per-commit: 1 }\n");
    Path landing = dir.resolve("data/landing/drops");
    Files.createDirectories(landing);
    for (int f = 0; f < FILES; f++) {
      try (Writer out = Files.newBufferedWriter(landing.resolve("part-" + f + ".json"))) {
        for (int r = 0; r < ROWS; r++) {
          out.write(
              "{\"file_no\":"
                  + f
                  + ",\"row_no\":"
                  + r
                  + ",\"payload\":\""
                  + "x".repeat(40)
                  + "\"}\n");
        }
      }
    }
    Http http =
        Http.admin(java.net.URI.create("http://127.0.0.1:" + httpPort), dir.resolve("data"));
    ChildServer child = new ChildServer(config, dir.resolve("server.log"), http);
    int killedMidRun = 0;
    for (int cycle = 0; cycle < 1; cycle++) {
      Process server = child.start();
      try {
        child.awaitHealthy(server);
        JsonNode run = http.post("/v1/crawlers/drops/runs", null, new byte[0]).body();
        String id = run.path("id").asText();
        int target = 3;
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(20))
            .until(
                () -> {
                  JsonNode now = http.get("/v1/crawlers/drops/runs/" + id).body();
                  return !"RUNNING".equals(now.path("status").asText())
                      || now.path("counts").path("filesLoaded").asInt() >= target;
                });
        JsonNode before = http.get("/v1/crawlers/drops/runs/" + id).body();
        if ("RUNNING".equals(before.path("status").asText())) {
          killedMidRun++;
        }
        server.destroyForcibly(); // SIGKILL: no shutdown hook
        server.waitFor();
      } finally {
        server.destroyForcibly();
      }
    }
    assertThat(killedMidRun).as("at least one kill landed during a load").isPositive();

    Process server = child.start();
    try {
      child.awaitHealthy(server);
      JsonNode runs = http.get("/v1/crawlers/drops/runs").body();
      assertThat(runs.findValuesAsText("status")).contains("INTERRUPTED");
      JsonNode last = http.post("/v1/crawlers/drops/runs?wait=true", null, new byte[0]).body();
      assertThat(last.path("status").asText()).isEqualTo("SUCCEEDED");
      assertThat(last.path("counts").path("filesFound").asInt()).isEqualTo(FILES);
      assertThat(http.count("SELECT count(*) FROM raw.drops")).isEqualTo((long) FILES * ROWS);
      assertThat(http.count("SELECT count(DISTINCT (file_no, row_no)) FROM raw.drops"))
          .isEqualTo((long) FILES * ROWS);
      JsonNode again = http.post("/v1/crawlers/drops/runs?wait=true", null, new byte[0]).body();
      assertThat(again.path("counts").path("filesUnchanged").asInt()).isEqualTo(FILES);
      assertThat(again.path("counts").path("filesLoaded").asInt()).isZero();
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nserver log:\n" + child.log(), e);
    } finally {
      server.destroy();
      server.waitFor();
    }
  }
}
