package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.core.config.TributaryConfig;
import io.tributary.lake.S3Server;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opt-in: Trino 476 reads the tables the platform wrote to S3 (S3Proxy): a delivered raw table, its
 * errors table and a table a flow's sql task wrote, through the platform's Iceberg REST catalog and
 * Trino's native S3 file system; then Trino inserts into that table and the platform reads Trino's
 * rows. Trino uses vended credentials ({@code
 * iceberg.rest-catalog.vended-credentials-enabled}) only when they carry a session token, which
 * static keys do not: it is given the keys as its own ({@code s3.aws-access-key}). It needs the
 * server tarball {@code io.trino:trino-server:476:tar.gz} (821 MB, in the local Maven repository or
 * named by {@code -Dtrino.tarball=...}) and a Java 24+ runtime ({@code -Dtrino.java=...}, default
 * {@code /usr/lib/jvm/temurin-25-jdk-amd64/bin/java}); without either it is skipped, saying which
 * is missing. The tarball is unpacked once, under {@code target/trino}.
 */
class TrinoOnS3IT {
  private static final String VERSION = "476";
  private static final String BUCKET = "lake";
  private static final Duration WAIT = Duration.ofMinutes(4);

  private static final String FLOW =
      """
      tasks:
        - id: totals
          type: sql
          sql: SELECT show_id, sum(listened_ms) AS ms FROM raw.events GROUP BY show_id
          target: transformed.trino_totals
          mode: replace
      """;

  @TempDir Path dir;

  private static Path tarball() {
    String named = System.getProperty("trino.tarball");
    if (named != null) {
      return Path.of(named);
    }
    return Path.of(
        System.getProperty("user.home"),
        ".m2/repository/io/trino/trino-server",
        VERSION,
        "trino-server-" + VERSION + ".tar.gz");
  }

  private static Path java() {
    return Path.of(System.getProperty("trino.java", "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"));
  }

  /** The unpacked server with only the Iceberg plugin (the plugins share files by hard link). */
  private static Path install() throws IOException, InterruptedException {
    Path target = Path.of("target", "trino").toAbsolutePath();
    Path home = target.resolve("trino-server-" + VERSION);
    if (Files.isDirectory(home.resolve("plugin/iceberg"))
        && Files.isDirectory(home.resolve("lib"))
        && Files.exists(target.resolve(".unpacked"))) {
      return home;
    }
    Files.createDirectories(target);
    Process tar =
        new ProcessBuilder("tar", "xzf", tarball().toString(), "-C", target.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(tar.getInputStream().readAllBytes());
    assertThat(tar.waitFor()).as("tar: " + output).isZero();
    try (Stream<Path> plugins = Files.list(home.resolve("plugin"))) {
      for (Path plugin :
          plugins.filter(p -> !p.getFileName().toString().equals("iceberg")).toList()) {
        try (Stream<Path> files = Files.walk(plugin)) {
          for (Path file : files.sorted((a, b) -> b.compareTo(a)).toList()) {
            Files.delete(file);
          }
        }
      }
    }
    Files.createFile(target.resolve(".unpacked"));
    return home;
  }

  @Test
  void trinoReadsAndWritesThePlatformsTablesOnS3() throws Exception {
    assumeTrue(
        Files.isRegularFile(tarball()),
        "Trino's server tarball is absent: "
            + tarball()
            + " (mvn dependency:get -Dartifact=io.trino:trino-server:"
            + VERSION
            + ":tar.gz, or -Dtrino.tarball=FILE)");
    assumeTrue(
        Files.isExecutable(java()),
        "No Java 24+ runtime for Trino at " + java() + " (-Dtrino.java=.../bin/java)");
    Path home = install();
    try (S3Server s3 = S3Server.start(dir.resolve("s3"))) {
      s3.createBucket(BUCKET);
      String yaml =
          TestConfigs.yaml(
                  dir.resolve("node"),
                  0,
                  """
                    - name: events
                      partitions: 1
                      buffer: { interval: 0s }
                  """)
              + "lake:\n  warehouse: s3://"
              + BUCKET
              + "/tributary\n  s3:\n    endpoint: "
              + s3.endpoint()
              + "\n    path-style-access: true\n    access-key-id: "
              + S3Server.ACCESS_KEY_ID
              + "\n    secret-access-key: "
              + S3Server.SECRET_ACCESS_KEY
              + "\n";
      try (Platform platform =
          Platform.start(TributaryConfig.fromYaml(yaml, "test"), Clock.systemUTC())) {
        Http http = Http.admin(platform);
        http.ndjson(
            "events",
            "{\"show_id\":\"a\",\"listened_ms\":10}\n{\"show_id\":\"a\",\"listened_ms\":20}\n"
                + "{\"show_id\":\"b\",\"listened_ms\":5}\n");
        await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.events") == 3);
        // a record whose listened_ms does not fit the table's type lands in raw.events_errors
        http.ndjson("events", "{\"show_id\":\"c\",\"listened_ms\":\"abc\"}\n");
        await()
            .atMost(WAIT)
            .ignoreExceptions()
            .until(() -> http.count("SELECT count(*) FROM raw.events_errors") == 1);
        // a flow's sql task writes a transformed table
        assertThat(http.put("/v1/flows/totals", FLOW).status()).isEqualTo(201);
        http.post("/v1/flows/totals/runs", "application/json", "{}");
        await()
            .atMost(WAIT)
            .ignoreExceptions()
            .until(() -> http.count("SELECT count(*) FROM transformed.trino_totals") == 2);

        int port = TestConfigs.freePort();
        Path etc = Files.createDirectories(dir.resolve("trino/etc/catalog")).getParent();
        Files.writeString(
            etc.resolve("config.properties"),
            String.join(
                "\n",
                "coordinator=true",
                "node-scheduler.include-coordinator=true",
                "http-server.http.port=" + port,
                "discovery.uri=http://127.0.0.1:" + port,
                "query.max-memory=256MB",
                "query.max-memory-per-node=256MB",
                "plugin.dir=" + home.resolve("plugin"),
                ""));
        Files.writeString(
            etc.resolve("node.properties"),
            "node.environment=test\nnode.id=tributary-it\nnode.data-dir="
                + dir.resolve("trino/data")
                + "\n");
        Files.writeString(
            etc.resolve("catalog/lake.properties"),
            String.join(
                "\n",
                "connector.name=iceberg",
                "iceberg.catalog.type=rest",
                "iceberg.rest-catalog.uri=" + platform.httpUri().resolve("/iceberg"),
                "iceberg.rest-catalog.security=OAUTH2",
                "iceberg.rest-catalog.oauth2.token=" + platform.adminCredentials().token(),
                // Trino takes vended credentials only with a session token (STS); the lake's static
                // keys are given to it as its own
                "s3.aws-access-key=" + S3Server.ACCESS_KEY_ID,
                "s3.aws-secret-key=" + S3Server.SECRET_ACCESS_KEY,
                "fs.native-s3.enabled=true",
                "s3.endpoint=" + s3.endpoint(),
                "s3.region=us-east-1",
                "s3.path-style-access=true",
                ""));
        List<String> command = new ArrayList<>();
        command.add(java().toString());
        command.addAll(
            List.of(
                "-Xmx1g",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Djdk.attach.allowAttachSelf=true",
                "-XX:+EnableDynamicAgentLoading",
                "--enable-native-access=ALL-UNNAMED",
                "-Dconfig=" + etc.resolve("config.properties"),
                "-Dnode.environment=test",
                "-Dcatalog.config-dir=" + etc.resolve("catalog"),
                "-cp",
                home.resolve("lib") + "/*",
                "io.trino.server.TrinoServer"));
        Path log = dir.resolve("trino/server.log");
        Process trino =
            new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
          await()
              .atMost(WAIT)
              .pollInterval(Duration.ofSeconds(1))
              .until(
                  () -> {
                    if (!trino.isAlive()) {
                      throw new AssertionError("Trino exited: " + tail(log));
                    }
                    return Files.readString(log).contains("SERVER STARTED");
                  });
          List<List<Object>> rows =
              query(
                  port,
                  "SELECT show_id, sum(listened_ms) FROM lake.raw.events GROUP BY 1 ORDER BY 1");
          assertThat(rows.toString()).isEqualTo("[[a, 30], [b, 5]]");
          assertThat(
                  query(port, "SELECT stream, code, payload FROM lake.raw.events_errors")
                      .toString())
              .contains("events, type_mismatch")
              .contains("abc");
          assertThat(
                  query(port, "SELECT show_id, ms FROM lake.transformed.trino_totals ORDER BY 1")
                      .toString())
              .isEqualTo("[[a, 30], [b, 5]]");

          // Trino writes through the catalog (an INSERT: S3Proxy answers 501 to the listing a
          // CREATE TABLE makes first); the platform reads Trino's commit
          query(port, "INSERT INTO lake.transformed.trino_totals VALUES ('t', 7)");
          assertThat(http.count("SELECT count(*) FROM transformed.trino_totals")).isEqualTo(3);
          assertThat(http.count("SELECT ms FROM transformed.trino_totals WHERE show_id = 't'"))
              .isEqualTo(7);
        } finally {
          trino.destroy();
          if (!trino.waitFor(20, TimeUnit.SECONDS)) {
            trino.destroyForcibly().waitFor();
          }
        }
      }
    }
  }

  /** Runs {@code sql} through Trino's HTTP protocol, following {@code nextUri} to the end. */
  private static List<List<Object>> query(int port, String sql) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/statement"))
                .header("X-Trino-User", "tributary-it")
                .POST(HttpRequest.BodyPublishers.ofString(sql))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    List<List<Object>> rows = new ArrayList<>();
    while (true) {
      JsonNode body = Http.JSON.readTree(response.body());
      if (body.has("error")) {
        throw new AssertionError("Trino: " + body.path("error"));
      }
      for (JsonNode row : body.path("data")) {
        List<Object> values = new ArrayList<>();
        row.forEach(v -> values.add(v.isNumber() ? v.numberValue() : v.asText()));
        rows.add(values);
      }
      if (!body.hasNonNull("nextUri")) {
        return rows;
      }
      response =
          client.send(
              HttpRequest.newBuilder(URI.create(body.path("nextUri").asText())).GET().build(),
              HttpResponse.BodyHandlers.ofString());
    }
  }

  private static String tail(Path log) throws IOException {
    String text = Files.readString(log);
    return text.length() > 6000 ? text.substring(text.length() - 6000) : text;
  }
}
