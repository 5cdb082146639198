package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tributary.core.config.TributaryConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The platform with its catalog in a real PostgreSQL server ({@code catalog.uri:
 * jdbc:postgresql://...}): a stream delivers, queries answer, and after a restart the data is still
 * there. The server is a throw-away cluster started by the test; {@code .ci/run} installs
 * PostgreSQL on a fresh machine.
 */
class PostgresCatalogIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void aStreamDeliversIntoAPostgresCatalogAndSurvivesARestart() throws Exception {
    Optional<Path> bin = PostgresServer.binaries();
    assumeTrue(
        bin.isPresent(),
        "PostgreSQL server binaries not found under /usr/lib/postgresql"
            + " (apt-get install postgresql): skipping the PostgreSQL catalog test");
    try (PostgresServer postgres = PostgresServer.start(bin.get())) {
      String yaml =
          TestConfigs.yaml(dir, 0, "  - name: clicks\n    buffer: { interval: 0s }\n")
              + "\ncatalog: { uri: \""
              + postgres.jdbcUri()
              + "\", user: "
              + PostgresServer.USER
              + " }\n";
      TributaryConfig config = TributaryConfig.fromYaml(yaml, "test");

      try (Platform platform = Platform.start(config, Clock.systemUTC())) {
        Http http = Http.admin(platform);
        assertThat(http.ndjson("clicks", "{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n").status())
            .isEqualTo(200);
        await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.clicks") == 3);
        // a crawler keeps its runs and loaded files in the catalog database too
        assertThat(http.put("/v1/crawlers/files", "{}").status()).isEqualTo(201);
        assertThat(http.put("/v1/landing/files/a.csv", "id,name\n1,x\n2,y\n").status())
            .isEqualTo(201);
        Http.Response run = http.post("/v1/crawlers/files/runs?wait=true", null, new byte[0]);
        assertThat(run.status()).as("%s", run.body()).isEqualTo(200);
        assertThat(http.count("SELECT count(*) FROM raw.files")).isEqualTo(2);
      }
      assertThat(dir.resolve("catalog.db")).doesNotExist();
      assertThat(tablesInPostgres(postgres)).isGreaterThanOrEqualTo(1);

      try (Platform platform = Platform.start(config, Clock.systemUTC())) {
        Http http = Http.admin(platform);
        assertThat(http.count("SELECT count(*) FROM raw.clicks")).isEqualTo(3);
        assertThat(http.ndjson("clicks", "{\"id\":4}\n").status()).isEqualTo(200);
        await().atMost(WAIT).until(() -> http.count("SELECT sum(id) FROM raw.clicks") == 10);
        assertThat(http.get("/v1/tables").body().toString()).contains("raw.clicks", "raw.files");
        assertThat(http.get("/v1/crawlers/files/runs").body().toString()).contains("SUCCEEDED");
      }
    }
  }

  private static long tablesInPostgres(PostgresServer postgres) throws Exception {
    try (Connection connection =
            DriverManager.getConnection(postgres.jdbcUri(), PostgresServer.USER, "");
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT count(*) FROM iceberg_tables WHERE table_name = 'clicks'")) {
      result.next();
      return result.getLong(1);
    }
  }
}
