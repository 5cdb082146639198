package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tributary.access.AdminCredentials;
import io.tributary.core.config.TributaryConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two platforms (two nodes) sharing one real PostgreSQL metadata database: a grant made on one is
 * enforced on the other within seconds, and a user removed on one is refused on the other, its
 * PostgreSQL sessions there ended.
 */
class AccessTwoNodesIT {
  private static final Duration WITHIN = Duration.ofSeconds(10);

  @TempDir Path dir;

  @Test
  void grantsAndRemovalsOnOneNodeHoldOnTheOther() throws Exception {
    Optional<Path> bin = PostgresServer.binaries();
    assumeTrue(
        bin.isPresent(),
        "PostgreSQL server binaries not found under /usr/lib/postgresql: skipping");
    try (PostgresServer postgres = PostgresServer.start(bin.get());
        Platform a = Platform.start(config(postgres, dir.resolve("a")), Clock.systemUTC())) {
      // one platform, two nodes: they share the admin's credentials
      Files.createDirectories(dir.resolve("b"));
      Files.copy(
          dir.resolve("a").resolve(AdminCredentials.FILE_NAME),
          dir.resolve("b").resolve(AdminCredentials.FILE_NAME),
          StandardCopyOption.COPY_ATTRIBUTES);
      try (Platform b = Platform.start(config(postgres, dir.resolve("b")), Clock.systemUTC())) {
        Http adminA = Http.admin(a);
        Http adminB = Http.admin(b);
        assertThat(adminB.get("/v1/crawlers").status())
            .as("b takes a's admin token")
            .isEqualTo(200);
        assertThat(adminA.put("/v1/crawlers/files", "{}").status()).isEqualTo(201);
        assertThat(
                adminA
                    .post(
                        "/v1/users",
                        "application/json",
                        "{\"name\":\"ana\",\"password\":\"ana-pass-1\"}")
                    .status())
            .isEqualTo(201);
        Http anaOnB = basic(b, "ana", "ana-pass-1");
        await().atMost(WITHIN).until(() -> anaOnB.get("/v1/crawlers").status() == 200);
        assertThat(anaOnB.get("/v1/crawlers/files").status()).isEqualTo(403);

        Http.Response granted =
            adminA.post(
                "/v1/grants",
                "application/json",
                "{\"principal\":\"user:ana\",\"privilege\":\"run\",\"resource\":\"crawler:files\"}");
        assertThat(granted.status()).as(granted.raw().body()).isEqualTo(201);
        // past the check: 200, or 404 while node b has not yet seen the crawler
        await().atMost(WITHIN).until(() -> anaOnB.get("/v1/crawlers/files").status() != 403);

        try (Connection session =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + b.pgwirePort() + "/tributary",
                "ana",
                "ana-pass-1")) {
          try (Statement statement = session.createStatement()) {
            statement.executeQuery("SELECT 1").close();
          }
          assertThat(adminA.delete("/v1/users/ana").status()).isEqualTo(204);
          await().atMost(WITHIN).until(() -> anaOnB.get("/v1/crawlers").status() == 401);
          await()
              .atMost(WITHIN)
              .until(
                  () -> {
                    try (Statement statement = session.createStatement()) {
                      statement.executeQuery("SELECT 1").close();
                      return false;
                    } catch (SQLException e) {
                      return true; // node b closed the session
                    }
                  });
        }
      }
    }
  }

  private static TributaryConfig config(PostgresServer postgres, Path dataDir) {
    String yaml =
        TestConfigs.yaml(dataDir, 0, "  []\n")
            + "\ncatalog: { uri: \""
            + postgres.jdbcUri()
            + "\", user: "
            + PostgresServer.USER
            + " }\naccess: { refresh-interval: 200ms }\n";
    return TributaryConfig.fromYaml(yaml, "test");
  }

  private static Http basic(Platform platform, String user, String password) {
    String header =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return new Http(platform.httpUri(), () -> Optional.of(header));
  }
}
