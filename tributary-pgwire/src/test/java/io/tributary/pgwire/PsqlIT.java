package io.tributary.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The real psql (Debian's postgresql-client) against the endpoint. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PsqlIT {
  private PgWireFixture fixture;

  @BeforeAll
  void setUp(@TempDir Path dir) {
    fixture = new PgWireFixture(dir, 8, Duration.ofSeconds(60));
  }

  @AfterAll
  void tearDown() throws Exception {
    fixture.close();
  }

  /** psql's output and exit code for one command. */
  record Run(int exitCode, String out, String err) {}

  private Run psqlWithPassword(String password, String... commands)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("psql", "-X", "-v", "ON_ERROR_STOP=1"));
    command.addAll(List.of("-h", "127.0.0.1", "-p", String.valueOf(fixture.server.port())));
    command.addAll(List.of("-U", fixture.credentials.user(), "-d", "tributary"));
    for (String c : commands) {
      command.addAll(List.of("-c", c));
    }
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("PGPASSWORD", password);
    builder.environment().put("PGCONNECT_TIMEOUT", "10");
    Process process = builder.start();
    process.getOutputStream().close();
    byte[] out = process.getInputStream().readAllBytes();
    byte[] err = process.getErrorStream().readAllBytes();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(
        process.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  private Run psql(String... commands) throws IOException, InterruptedException {
    return psqlWithPassword(fixture.credentials.password(), commands);
  }

  @Test
  void listsSchemasTablesAndDatabases() throws Exception {
    Run schemas = psql("\\dn");
    assertThat(schemas.err()).isEmpty();
    assertThat(schemas.out()).contains("raw", "ref");
    Run tables = psql("\\dt raw.*");
    assertThat(tables.err()).isEmpty();
    assertThat(tables.out()).contains(" raw    | big  | table", " raw    | t    | table");
    Run databases = psql("\\l");
    assertThat(databases.err()).isEmpty();
    assertThat(databases.out()).contains("tributary");
  }

  @Test
  void describesATable() throws Exception {
    Run describe = psql("\\d raw.t");
    assertThat(describe.err()).isEmpty();
    assertThat(describe.out())
        .contains("Table \"raw.t\"")
        .containsPattern("id +\\| integer +\\| +\\| not null")
        .containsPattern("amount +\\| numeric\\(10,2\\)")
        .containsPattern("tstz +\\| timestamp with time zone");
  }

  @Test
  void runsAQueryAndCopiesOut() throws Exception {
    Run query = psql("SELECT id, name, ts FROM raw.t ORDER BY id");
    assertThat(query.err()).isEmpty();
    assertThat(query.out()).contains("  1 | alpha", "2024-05-01 12:00:00", "(3 rows)");
    Run csv =
        psql("\\copy (SELECT id, name, amount FROM raw.t ORDER BY id) to stdout with csv header");
    assertThat(csv.err()).isEmpty();
    assertThat(csv.out())
        .isEqualTo("id,name,amount\n1,alpha,12.50\n2,\"beta, \"\"quoted\"\"\",-0.05\n3,,\n");
    Run text = psql("\\copy (SELECT id, name FROM raw.t ORDER BY id) to stdout");
    assertThat(text.out()).isEqualTo("1\talpha\n2\tbeta, \"quoted\"\n3\t\\N\n");
  }

  @Test
  void wrongPasswordFails() throws Exception {
    Run wrong = psqlWithPassword("not-the-password", "SELECT 1");
    assertThat(wrong.exitCode()).isNotZero();
    assertThat(wrong.err()).contains("password authentication failed for user \"admin\"");
  }
}
