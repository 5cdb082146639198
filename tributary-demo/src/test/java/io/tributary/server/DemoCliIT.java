package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.demo.DemoMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
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

  record Run(int exit, String out, String err) {}

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
    Run simulate =
        run("simulate", "--server", server, "--rate", "400/s", "--duration", "2s", "--seed", "1");
    assertThat(simulate.exit()).as(simulate.err()).isZero();
    assertThat(simulate.out()).contains("accepted, 0 failed");
    Run badRate = run("simulate", "--server", server, "--rate", "fast");
    assertThat(badRate.exit()).isNotZero();
    assertThat(badRate.err()).contains("--rate").contains("fast");
  }

  @Test
  void thePlatformsCommandsAreThereToo() {
    Run tables = run("tables", "--server", server);
    assertThat(tables.exit()).as(tables.err()).isZero();
  }

  private static synchronized Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    try (PrintStream capturedOut = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        PrintStream capturedErr = new PrintStream(errBytes, true, StandardCharsets.UTF_8)) {
      System.setOut(capturedOut);
      System.setErr(capturedErr);
      var cli = DemoMain.commandLine();
      cli.setOut(new PrintWriter(capturedOut, true));
      cli.setErr(new PrintWriter(capturedErr, true));
      int exit = cli.execute(args);
      return new Run(
          exit,
          outBytes.toString(StandardCharsets.UTF_8),
          errBytes.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }
}
