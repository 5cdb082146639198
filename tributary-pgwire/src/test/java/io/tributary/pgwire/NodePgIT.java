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
 * node-postgres (npm {@code pg}, pinned in the test's package.json) against the endpoint: the
 * extended protocol with parameters, typed fields, rowMode arrays, and an error's SQLSTATE. npm
 * installs it into the test's folder, from its cache when it has been fetched once.
 */
class NodePgIT {
  @Test
  void nodePostgresReadsTheLake(@TempDir Path dir) throws Exception {
    assumeTrue(
        ExternalClient.installed("node") && ExternalClient.installed("npm"),
        "node and npm are not installed: apt-get install nodejs npm (.ci/run installs them)");
    Path client = dir.resolve("client");
    ExternalClient.resource("clients/node/package.json", client.resolve("package.json"));
    ExternalClient.resource("clients/node/client.js", client.resolve("client.js"));
    ExternalClient.Run install =
        ExternalClient.run(
            List.of("npm", "install", "--prefer-offline", "--no-audit", "--no-fund"),
            Map.of(),
            client,
            Duration.ofMinutes(5));
    assertThat(install.exitCode()).as(install.err()).isZero();
    Path lake = Files.createDirectories(dir.resolve("lake"));
    try (PgWireFixture fixture = new PgWireFixture(lake, 8, Duration.ofSeconds(60))) {
      ExternalClient.Run run =
          ExternalClient.run(
              List.of("node", "client.js"),
              Map.of(
                  "PGHOST", "127.0.0.1",
                  "PGPORT", String.valueOf(fixture.server.port()),
                  "PGUSER", fixture.credentials.user(),
                  "PGPASSWORD", fixture.credentials.password(),
                  "PGDATABASE", "tributary"),
              client,
              Duration.ofMinutes(2));
      assertThat(run.exitCode()).as(run.err()).isZero();
      JsonNode out = new ObjectMapper().readTree(run.out());
      assertThat(out.get("fields").toString())
          .isEqualTo(
              "[\"id:23\",\"name:25\",\"amount:1700\",\"score:701\",\"ok:16\",\"day:1082\","
                  + "\"big:20\"]");
      JsonNode row = out.get("row");
      assertThat(row.get("id").asInt()).isEqualTo(1);
      assertThat(row.get("name").asText()).isEqualTo("alpha");
      assertThat(row.get("amount").asText()).isEqualTo("12.50");
      assertThat(row.get("score").asDouble()).isEqualTo(1.5);
      assertThat(row.get("ok").asBoolean()).isTrue();
      assertThat(row.get("big").asText()).isEqualTo("10000000000");
      assertThat(out.get("aggregate").toString())
          .isEqualTo("[\"count\",\"sum\",\"200000\",\"19999900000\"]");
      assertThat(out.get("many").asInt()).isEqualTo(5000);
      assertThat(out.get("error").asText()).isEqualTo("42P01");
    }
  }
}
