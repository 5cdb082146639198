package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Trino 476 server for the ITs ({@link TrinoOnS3IT}, {@link TrinoLocalIT}): one coordinator with
 * only the Iceberg plugin and one catalog, {@code lake}, on the platform's Iceberg REST catalog. It
 * needs the server tarball {@code io.trino:trino-server:476:tar.gz} (821 MB, in the local Maven
 * repository or named by {@code -Dtrino.tarball=...}) and a Java 24+ runtime ({@code
 * -Dtrino.java=...}, default {@code /usr/lib/jvm/temurin-25-jdk-amd64/bin/java}); {@link
 * #assumeAvailable()} skips the test, saying which is missing. The tarball is unpacked once, under
 * {@code target/trino}.
 */
final class TrinoServer implements AutoCloseable {
  private static final String VERSION = "476";
  private static final Duration WAIT = Duration.ofMinutes(4);

  private final Process process;
  private final int port;
  private final Path log;

  private TrinoServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  static void assumeAvailable() {
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
  }

  /**
   * Starts Trino under {@code dir} with the catalog {@code lake} on {@code platform}'s REST catalog
   * (the admin's token) plus {@code fileSystem}, the lines that give it the lake's files.
   */
  static TrinoServer start(Path dir, Platform platform, List<String> fileSystem)
      throws IOException, InterruptedException {
    Path home = install();
    int port = TestConfigs.freePort();
    Path etc = Files.createDirectories(dir.resolve("etc/catalog")).getParent();
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
        "node.environment=test\nnode.id=tributary-it\nnode.internal-address=127.0.0.1\nnode.data-dir="
            + dir.resolve("data")
            + "\n");
    List<String> catalog = new ArrayList<>();
    catalog.addAll(
        List.of(
            "connector.name=iceberg",
            "iceberg.catalog.type=rest",
            "iceberg.rest-catalog.uri=" + platform.httpUri().resolve("/iceberg"),
            "iceberg.rest-catalog.security=OAUTH2",
            "iceberg.rest-catalog.oauth2.token=" + platform.adminCredentials().token()));
    catalog.addAll(fileSystem);
    catalog.add("");
    Files.writeString(etc.resolve("catalog/lake.properties"), String.join("\n", catalog));
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
    Path log = dir.resolve("server.log");
    Process process =
        new ProcessBuilder(command)
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    TrinoServer trino = new TrinoServer(process, port, log);
    try {
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new AssertionError("Trino exited: " + tail(log));
                }
                return Files.readString(log).contains("SERVER STARTED");
              });
      return trino;
    } catch (RuntimeException | Error e) {
      trino.close();
      throw e;
    }
  }

  /** Trino reads the three tables {@link EngineTables#write} wrote. */
  void readsTheTables() throws Exception {
    assertThat(
            query("SELECT show_id, sum(listened_ms) FROM lake.raw.events GROUP BY 1 ORDER BY 1")
                .toString())
        .isEqualTo("[[a, 30], [b, 5]]");
    assertThat(query("SELECT stream, code, payload FROM lake.raw.events_errors").toString())
        .contains("events, type_mismatch")
        .contains("abc");
    assertThat(query("SELECT show_id, ms FROM lake.transformed.totals ORDER BY 1").toString())
        .isEqualTo("[[a, 30], [b, 5]]");
  }

  /** Trino inserts into {@code transformed.totals}; the platform reads Trino's commit. */
  void insertsRowsThePlatformReads(Http http) throws Exception {
    query("INSERT INTO lake.transformed.totals VALUES ('t', 7)");
    assertThat(http.count("SELECT count(*) FROM transformed.totals")).isEqualTo(3);
    assertThat(http.count("SELECT ms FROM transformed.totals WHERE show_id = 't'")).isEqualTo(7);
  }

  /**
   * Trino creates {@code transformed.from_trino} ({@code CREATE TABLE ... AS}, after {@link
   * #insertsRowsThePlatformReads}); the platform reads it.
   */
  void createsATableThePlatformReads(Http http) throws Exception {
    query(
        "CREATE TABLE lake.transformed.from_trino AS"
            + " SELECT show_id, ms * 2 AS doubled FROM lake.transformed.totals");
    assertThat(http.count("SELECT count(*) FROM transformed.from_trino")).isEqualTo(3);
    assertThat(http.count("SELECT doubled FROM transformed.from_trino WHERE show_id = 'a'"))
        .isEqualTo(60);
  }

  /**
   * Runs {@code sql} through Trino's HTTP protocol, following {@code nextUri} to the end; again
   * while Trino answers {@code NO_NODES_AVAILABLE}: its scheduler's view of the nodes is refreshed
   * every few seconds and is empty for a while after the start, though the node itself is active (a
   * statement refused so was never scheduled, so nothing of it ran).
   */
  List<List<Object>> query(String sql) throws IOException, InterruptedException {
    java.util.concurrent.atomic.AtomicReference<List<List<Object>>> rows =
        new java.util.concurrent.atomic.AtomicReference<>();
    await()
        .atMost(Duration.ofMinutes(1))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptionsMatching(e -> String.valueOf(e.getMessage()).contains("NO_NODES"))
        .until(
            () -> {
              rows.set(queryOnce(sql));
              return true;
            });
    return rows.get();
  }

  private List<List<Object>> queryOnce(String sql) throws IOException, InterruptedException {
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
        throw new AssertionError("Trino: " + body.path("error") + "\nTrino's log: " + tail(log));
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

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

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
  private static synchronized Path install() throws IOException, InterruptedException {
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

  private static String tail(Path log) throws IOException {
    String text = Files.readString(log);
    return text.length() > 6000 ? text.substring(text.length() - 6000) : text;
  }
}
