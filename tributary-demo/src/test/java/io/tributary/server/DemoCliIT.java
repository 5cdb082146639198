package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.demo.DemoMain;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The demo's commands against a running platform, as a user types them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoCliIT {
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
  void simulateSendsEventsAtTheRequestedRate() {
    CliRun simulate =
        run("simulate", "--server", server, "--rate", "400/s", "--duration", "2s", "--seed", "1");
    assertThat(simulate.exit()).as(simulate.err()).isZero();
    assertThat(simulate.out()).contains("accepted, 0 failed");
    CliRun badRate = run("simulate", "--server", server, "--rate", "fast");
    assertThat(badRate.exit()).isNotZero();
    assertThat(badRate.err()).contains("--rate").contains("fast");
  }

  @Test
  void thePlatformsCommandsAreThereToo() {
    CliRun tables = run("tables", "--server", server);
    assertThat(tables.exit()).as(tables.err()).isZero();
  }

  private CliRun run(String... args) {
    return CliRun.of(DemoMain::commandLine, CliRun.withDataDir(platform.config().dataDir(), args));
  }
}
