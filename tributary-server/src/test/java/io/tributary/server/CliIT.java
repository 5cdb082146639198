package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The CLI against a running platform, as a user types it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliIT {
  @TempDir static Path dir;
  private Platform platform;
  private String server;

  @BeforeAll
  void start() {
    platform =
        Platform.start(
            TestConfigs.config(
                dir,
                """
                  - name: app_events
                    buffer: { interval: 0s }
                """),
            Clock.systemUTC());
    server = platform.httpUri().toString();
  }

  @AfterAll
  void stop() {
    platform.close();
  }

  @Test
  void ingestAFileThenQueryListAndMaintain() throws Exception {
    Path file = dir.resolve("events.ndjson");
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 1200; i++) {
      lines.append(
          String.format(
              "{\"event_id\":\"f%d\",\"event_type\":\"listen_start\",\"show_id\":\"show_%d\"}%n",
              i, i % 7));
    }
    lines.append("not json\n");
    Files.writeString(file, lines);

    CliRun ingest = run("ingest", "--server", server, "app_events", file.toString());
    assertThat(ingest.exit()).as(ingest.err()).isEqualTo(1);
    assertThat(ingest.out())
        .contains("1200 accepted, 1 failed")
        .contains("line 1201: invalid_json");
    assertThat(ingest.err()).contains("100%");

    String sql =
        "SELECT show_id, count(*) AS listens FROM raw.app_events WHERE event_type = 'listen_start'"
            + " GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 3";
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> run("sql", "--server", server, sql).out().contains("172"));
    CliRun table = run("sql", "--server", server, sql);
    assertThat(table.out()).contains("| show_id | listens |").contains("| show_0  | 172     |");
    CliRun csv = run("sql", "--server", server, "--format", "csv", sql);
    assertThat(csv.out()).startsWith("show_id,listens").contains("show_0,172");
    CliRun json = run("sql", "--server", server, "--format", "JSON", sql);
    assertThat(json.out()).contains("\"columns\"");

    assertThat(run("tables", "--server", server).out()).contains("raw.app_events");
    assertThat(run("tables", "--server", server, "raw.app_events").out()).contains("show_id");
    assertThat(run("streams", "--server", server).out()).contains("app_events");
    CliRun maintain = run("maintain", "--server", server, "raw.app_events", "--retain-last", "1");
    assertThat(maintain.exit()).as(maintain.err()).isZero();
    assertThat(maintain.out()).contains("filesRewritten");
  }

  @Test
  void csvAndNdjsonStreamEveryRowPastMaxRows() {
    String sql = "SELECT i AS n, 'r' || i AS label FROM range(25000) t(i)"; // max-rows: 10,000
    CliRun ndjson = run("sql", "--server", server, "--format", "ndjson", sql);
    assertThat(ndjson.exit()).as(ndjson.err()).isZero();
    assertThat(ndjson.out().lines())
        .hasSize(25_000)
        .startsWith("{\"n\":0,\"label\":\"r0\"}")
        .endsWith("{\"n\":24999,\"label\":\"r24999\"}");
    CliRun csv = run("sql", "--server", server, "--format", "csv", sql);
    assertThat(csv.out().lines()).hasSize(25_001).startsWith("n,label", "0,r0");
    assertThat(csv.err()).isEmpty();
    CliRun bad = run("sql", "--server", server, "--format", "csv", "SELEC 1");
    assertThat(bad.exit()).isNotZero();
    assertThat(bad.err()).startsWith("error: ").contains("syntax error");
  }

  @Test
  void errorsAreOneCleanLine() {
    CliRun bad = run("sql", "--server", server, "SELEC 1");
    assertThat(bad.exit()).isNotZero();
    assertThat(bad.err())
        .startsWith("error: ")
        .contains("syntax error")
        .doesNotContain("Exception");
    CliRun down = run("tables", "--server", "http://127.0.0.1:" + TestConfigs.freePort());
    assertThat(down.err()).contains("No Tributary server at");
    CliRun missing =
        run("ingest", "--server", server, "app_events", dir.resolve("nope.ndjson").toString());
    assertThat(missing.exit()).isNotZero();
    assertThat(missing.err()).contains("nope.ndjson");
  }

  private CliRun run(String... args) {
    return CliRun.platform(platform.config().dataDir(), args);
  }
}
