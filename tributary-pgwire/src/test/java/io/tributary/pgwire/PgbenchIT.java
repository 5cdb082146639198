package io.tributary.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pgbench -n -f select.sql -c 8} (Debian postgresql-client) against the endpoint: point
 * lookups from 8 concurrent clients with zero failed transactions. It runs {@code pgbench.seconds}
 * seconds (default 10; {@code -Dpgbench.seconds=30} for the full run).
 */
class PgbenchIT {
  @Test
  void eightClientsWithoutErrors(@TempDir Path dir) throws Exception {
    assumeTrue(
        ExternalClient.installed("pgbench"),
        "pgbench is not installed: apt-get install postgresql-client (.ci/run installs it)");
    Path script = ExternalClient.resource("clients/select.sql", dir.resolve("select.sql"));
    String seconds = System.getProperty("pgbench.seconds", "10");
    Path lake = Files.createDirectories(dir.resolve("lake"));
    try (PgWireFixture fixture = new PgWireFixture(lake, 16, Duration.ofSeconds(60))) {
      ExternalClient.Run run =
          ExternalClient.run(
              List.of(
                  "pgbench",
                  "-n",
                  "-f",
                  script.toString(),
                  "-c",
                  "8",
                  "-j",
                  "2",
                  "-T",
                  seconds,
                  "-h",
                  "127.0.0.1",
                  "-p",
                  String.valueOf(fixture.server.port()),
                  "-U",
                  fixture.credentials.user(),
                  "tributary"),
              Map.of("PGPASSWORD", fixture.credentials.password()),
              dir,
              Duration.ofSeconds(Long.parseLong(seconds) + 120));
      assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
      assertThat(run.out()).contains("number of failed transactions: 0 (0.000%)");
      Matcher processed =
          Pattern.compile("number of transactions actually processed: (\\d+)").matcher(run.out());
      assertThat(processed.find()).as(run.out()).isTrue();
      assertThat(Long.parseLong(processed.group(1))).isPositive();
      System.out.println(run.out());
    }
  }
}
