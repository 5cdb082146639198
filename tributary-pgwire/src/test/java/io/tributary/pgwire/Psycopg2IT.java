package io.tributary.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Python's psycopg2 (Debian python3-psycopg2, on libpq) against the endpoint, and SQLAlchemy's
 * inspector on top of it (what Superset runs) when python3-sqlalchemy is installed.
 */
class Psycopg2IT {
  /** The Python that has psycopg2: Debian's own first (pyenv shims may lack the package). */
  static String python() throws Exception {
    for (String python : List.of("/usr/bin/python3", "python3")) {
      if (ExternalClient.installed(python)
          && ExternalClient.run(
                      List.of(python, "-c", "import psycopg2"),
                      Map.of(),
                      null,
                      Duration.ofSeconds(30))
                  .exitCode()
              == 0) {
        return python;
      }
    }
    return null;
  }

  @Test
  void psycopg2AndSqlAlchemyReadTheLake(@TempDir Path dir) throws Exception {
    String python = python();
    assumeTrue(
        python != null,
        "psycopg2 is not installed: apt-get install python3-psycopg2 (.ci/run installs it)");
    Path script =
        ExternalClient.resource("clients/psycopg2_client.py", dir.resolve("psycopg2_client.py"));
    Path lake = Files.createDirectories(dir.resolve("lake"));
    try (PgWireFixture fixture = new PgWireFixture(lake, 8, Duration.ofSeconds(60))) {
      ExternalClient.Run run =
          ExternalClient.run(
              List.of(python, script.toString()),
              Map.of(
                  "PGHOST", "127.0.0.1",
                  "PGPORT", String.valueOf(fixture.server.port()),
                  "PGUSER", fixture.credentials.user(),
                  "PGPASSWORD", fixture.credentials.password(),
                  "PGDATABASE", "tributary"),
              dir,
              Duration.ofSeconds(120));
      assertThat(run.exitCode()).as(run.err()).isZero();
      JsonNode out = new ObjectMapper().readTree(run.out());
      assertThat(out.get("server_version").asInt()).isEqualTo(160000);
      assertThat(out.get("columns").toString())
          .isEqualTo("[\"id\",\"name\",\"amount\",\"score\",\"ok\",\"day\",\"ts\",\"data\"]");
      assertThat(out.get("types").toString()).isEqualTo("[true,true,true,true,true,\"0102ff\"]");
      assertThat(out.get("row").toString())
          .isEqualTo("[1,\"alpha\",\"12.50\",1.5,\"2024-05-01\",\"2024-05-01T12:00:00\"]");
      assertThat(out.get("aggregate").toString())
          .isEqualTo("[\"count\",\"sum\",\"200000\",\"19999900000\"]");
      assertThat(out.get("many").asInt()).isEqualTo(5000);
      assertThat(out.get("error").asText()).isEqualTo("42703");
      JsonNode sqlalchemy = out.get("sqlalchemy");
      if (sqlalchemy != null) {
        assertThat(sqlalchemy.get("version").get(0).asInt()).isEqualTo(16);
        assertThat(sqlalchemy.get("schemas").toString()).contains("\"raw\"", "\"ref\"");
        assertThat(sqlalchemy.get("tables").toString()).isEqualTo("[\"big\",\"t\"]");
        assertThat(sqlalchemy.get("columns").get(0).asText()).isEqualTo("id");
        assertThat(sqlalchemy.get("has_table").asBoolean()).isTrue();
        assertThat(sqlalchemy.get("count").asInt()).isEqualTo(3);
      }
    }
  }
}
