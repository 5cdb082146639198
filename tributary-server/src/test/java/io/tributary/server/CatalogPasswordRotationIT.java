package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tributary.core.config.TributaryConfig;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in {@code catalog-password} rotator against a real PostgreSQL catalog with password
 * authentication: the platform keeps reading and writing its catalog (metadata tables on new
 * connections, Iceberg commits through the catalog's pool) without one failure while the role's
 * password rotates twice; the first password is refused afterwards; a restart, with no initial
 * password given any more, connects with the current one.
 */
class CatalogPasswordRotationIT {
  private static final String INITIAL = "initial-Catalog-Password-1";
  private static final String STREAMS = "  - name: app_events\n    buffer: { interval: 0s }\n";

  @TempDir Path dir;

  private static boolean connects(String uri, String password) {
    try (java.sql.Connection connection =
        DriverManager.getConnection(uri, PostgresServer.USER, password)) {
      return connection.isValid(5);
    } catch (SQLException e) {
      assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("28P01");
      return false;
    }
  }

  @Test
  void theCatalogPasswordRotatesTwiceUnderLoadWithNoFailureAndARestartUsesTheCurrentOne()
      throws Exception {
    Optional<Path> bin = PostgresServer.binaries();
    assumeTrue(
        bin.isPresent(),
        "PostgreSQL server binaries not found under /usr/lib/postgresql: skipping");
    try (PostgresServer postgres = PostgresServer.start(bin.get(), Optional.of(INITIAL))) {
      Path data = dir.resolve("data");
      TributaryConfig config =
          TributaryConfig.fromYaml(
              TestConfigs.yaml(data, 0, STREAMS)
                  + "\ncatalog: { uri: \""
                  + postgres.jdbcUri()
                  + "\", user: "
                  + PostgresServer.USER
                  + ", password: \"${secret:catalog_pw}\" }\n",
              "test");
      UnaryOperator<String> firstStart =
          name -> name.equals(CatalogPassword.INITIAL_VARIABLE) ? INITIAL : System.getenv(name);
      assertThatThrownBy(() -> Platform.start(config, Clock.systemUTC(), System::getenv))
          .hasMessageContaining(CatalogPassword.INITIAL_VARIABLE);

      AtomicInteger ingested = new AtomicInteger();
      String current;
      try (Platform platform = Platform.start(config, Clock.systemUTC(), firstStart)) {
        Http admin = Http.admin(platform);
        assertThat(
                admin
                    .get("/v1/secrets/catalog_pw")
                    .body()
                    .path("rotation")
                    .path("rotator")
                    .asText())
            .isEqualTo(CatalogPassword.ROTATOR);
        List<String> failures = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger rounds = new AtomicInteger();
        Thread client =
            new Thread(
                () -> {
                  for (int i = 0; !stop.get(); i++) {
                    Http.Response write = admin.put("/v1/variables/loop", "{\"i\": " + i + "}");
                    Http.Response read = admin.get("/v1/variables/loop");
                    Http.Response ingest = admin.ndjson("app_events", "{\"id\":\"r" + i + "\"}\n");
                    long rows = admin.count("SELECT count(*) FROM raw.app_events");
                    for (Http.Response response : List.of(write, read, ingest)) {
                      if (response.status() / 100 != 2) {
                        failures.add(response.status() + " " + response.raw().body());
                      }
                    }
                    if (ingest.status() == 200) {
                      ingested.incrementAndGet();
                    }
                    if (rows < 0 && i > 20) {
                      failures.add("the query of raw.app_events failed");
                    }
                    rounds.incrementAndGet();
                  }
                },
                "catalog-client");
        client.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> rounds.get() >= 20);
        for (int rotation = 1; rotation <= 2; rotation++) {
          Http.Response rotated =
              admin.post("/v1/secrets/catalog_pw/rotate", "application/json", "");
          assertThat(rotated.status()).as(rotated.raw().body()).isEqualTo(200);
          int after = rounds.get();
          await().atMost(Duration.ofSeconds(60)).until(() -> rounds.get() >= after + 20);
        }
        stop.set(true);
        client.join(60_000);
        assertThat(failures).isEmpty();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> admin.count("SELECT count(*) FROM raw.app_events") == ingested.get());

        current = admin.get("/v1/secrets/catalog_pw/value").body().path("value").asText();
        assertThat(current).isNotEqualTo(INITIAL);
        assertThat(connects(postgres.jdbcUri(), INITIAL)).as("the first password").isFalse();
        assertThat(connects(postgres.jdbcUri(), current)).as("the current password").isTrue();
      }

      // no initial password any more: the local sealed copy holds the current one
      try (Platform platform = Platform.start(config, Clock.systemUTC(), System::getenv)) {
        Http admin = Http.admin(platform);
        assertThat(
                admin.count(
                    "SELECT count(*) FROM raw.audit_log WHERE action = 'secret.rotate'"
                        + " AND resource = 'secret:catalog_pw' AND outcome = 'success'"))
            .isEqualTo(2);
        assertThat(admin.get("/v1/variables/loop").status()).isEqualTo(200);
        assertThat(admin.count("SELECT count(*) FROM raw.app_events")).isEqualTo(ingested.get());
        assertThat(admin.get("/v1/secrets/catalog_pw/value").body().path("value").asText())
            .isEqualTo(current);
      }
    }
  }
}
