package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.core.config.TributaryConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile requests to the Iceberg REST endpoint: locations outside the warehouse (plain, {@code
 * file:} URIs, {@code ..}, symbolic links, other file systems), names that are paths or that SQL
 * cannot address, location changes of platform tables, registration of files that are not metadata.
 * A seeded fuzz run sends random mixes of them; the file system around the warehouse is scanned
 * before and after: nothing may appear outside it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IcebergRestLocationsIT {
  private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
  private static final int REQUESTS = 300;
  private static final String SCHEMA =
      "{\"type\":\"struct\",\"schema-id\":0,\"fields\":"
          + "[{\"id\":1,\"name\":\"a\",\"required\":false,\"type\":\"long\"}]}";

  @TempDir static Path root;
  private Path warehouse;
  private Path outside;
  private Platform platform;
  private Http http;

  @BeforeAll
  void start() throws IOException {
    Path data = root.resolve("data");
    warehouse = data.resolve("lake");
    outside = Files.createDirectories(root.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "top secret first word");
    platform =
        Platform.start(
            TributaryConfig.fromYaml(
                TestConfigs.yaml(data, 0, "  - name: clicks\n    buffer: { interval: 0s }\n"),
                "test"),
            Clock.systemUTC());
    http = Http.admin(platform);
    Files.createSymbolicLink(warehouse.resolve("escape"), outside);
    assertThat(post("/iceberg/v1/namespaces", "{\"namespace\":[\"fuzz\"]}").status())
        .isEqualTo(200);
  }

  @AfterAll
  void stop() {
    platform.close();
  }

  @Test
  void aTableInAMissingNamespaceIsNoSuchNamespace() {
    Http.Response response =
        post("/iceberg/v1/namespaces/nowhere/tables", createTable("t", null, Map.of()));
    assertThat(response.status()).isEqualTo(404);
    assertThat(response.body().path("error").path("type").asText())
        .isEqualTo("NoSuchNamespaceException");
  }

  @Test
  void hostileLocationsAreRefusedAndWriteNothingOutside() throws IOException {
    Map<String, Long> before = snapshotOutsideWarehouse();
    for (String location : hostileLocations()) {
      Http.Response create =
          post("/iceberg/v1/namespaces/fuzz/tables", createTable("h", location, Map.of()));
      assertThat(create.status()).as("create at %s: %s", location, create.body()).isEqualTo(403);
      for (String property :
          List.of("write.metadata.path", "write.data.path", "write.object-storage.path")) {
        Http.Response withProperty =
            post(
                "/iceberg/v1/namespaces/fuzz/tables",
                createTable("h", null, Map.of(property, location)));
        assertThat(withProperty.status()).as("%s=%s", property, location).isEqualTo(403);
      }
    }
    assertThat(snapshotOutsideWarehouse()).isEqualTo(before);
  }

  @Test
  void commitsCannotMoveATableOutside() {
    assertThat(
            post("/iceberg/v1/namespaces/fuzz/tables", createTable("movable", null, Map.of()))
                .status())
        .isEqualTo(200);
    for (String location : hostileLocations()) {
      assertThat(commit("fuzz", "movable", setLocation(location)).status())
          .as("set-location %s", location)
          .isEqualTo(403);
      assertThat(commit("fuzz", "movable", setProperty("write.data.path", location)).status())
          .as("write.data.path %s", location)
          .isEqualTo(403);
    }
    Http.Response snapshot =
        commit(
            "fuzz",
            "movable",
            "{\"action\":\"add-snapshot\",\"snapshot\":{\"snapshot-id\":7,"
                + "\"timestamp-ms\":1700000000000,\"summary\":{\"operation\":\"append\"},"
                + "\"schema-id\":0,\"manifest-list\":\""
                + outside.resolve("secret.txt")
                + "\"}}");
    assertThat(snapshot.status()).as("a manifest list outside: %s", snapshot.body()).isEqualTo(403);
    String inside = warehouse.resolve("fuzz").resolve("moved").toString();
    assertThat(commit("fuzz", "movable", setLocation(inside)).status()).isEqualTo(200);
  }

  @Test
  void aPlatformTableKeepsItsLocation() {
    assertThat(http.ndjson("clicks", "{\"a\":1}\n").status()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> http.count("SELECT count(*) FROM raw.clicks") == 1);
    String inside = warehouse.resolve("raw").resolve("elsewhere").toString();
    Http.Response move = commit("raw", "clicks", setLocation(inside));
    assertThat(move.status()).isEqualTo(403);
    assertThat(move.body().path("error").path("message").asText())
        .contains("the platform writes this table");
    assertThat(commit("raw", "clicks", setProperty("write.data.path", inside)).status())
        .isEqualTo(403);
  }

  @Test
  void tableNamesMustBeSqlIdentifiersAndNamespaceNamesSafe() {
    for (String name :
        List.of("../../../x", "a/b", "a\\b", "..", "a'b", "UP", "Mixed", "x\ny", "a.b", "日本")) {
      Http.Response table =
          post("/iceberg/v1/namespaces/fuzz/tables", createTable(name, null, Map.of()));
      assertThat(table.status()).as("table %s", name).isEqualTo(400);
      assertThat(table.body().path("error").path("message").asText()).contains("Invalid table");
    }
    for (String name : List.of("../../../x", "a/b", "a\\b", "..", ".", "x\ny", "x\u0000")) {
      ObjectNode namespace = Http.JSON.createObjectNode();
      namespace.putArray("namespace").add(name);
      assertThat(post("/iceberg/v1/namespaces", namespace.toString()).status())
          .as("namespace %s", name)
          .isEqualTo(400);
    }
    // a namespace SQL cannot address may exist (other engines' views), but holds no tables
    ObjectNode upper = Http.JSON.createObjectNode();
    upper.putArray("namespace").add("UP");
    assertThat(post("/iceberg/v1/namespaces", upper.toString()).status()).isEqualTo(200);
    Http.Response inUpper =
        post("/iceberg/v1/namespaces/UP/tables", createTable("t", null, Map.of()));
    assertThat(inUpper.status()).isEqualTo(400);
    assertThat(inUpper.body().path("error").path("message").asText())
        .contains("Invalid namespace for a table");
  }

  @Test
  void registerAnswersTheSameForEveryFileOutsideAndNeverEchoesContent() throws IOException {
    Path notMetadata = Files.writeString(warehouse.resolve("fuzz").resolve("x.json"), "hello");
    Http.Response inside = register("r1", notMetadata.toString());
    assertThat(inside.status()).isEqualTo(400);
    assertThat(inside.body().toString()).doesNotContain("hello");
    Http.Response missingInside = register("r1", warehouse.resolve("fuzz/none.json").toString());
    assertThat(missingInside.status()).isEqualTo(400);

    Http.Response existing = register("r2", outside.resolve("secret.txt").toString());
    Http.Response missing = register("r2", outside.resolve("absent.txt").toString());
    assertThat(existing.status()).isEqualTo(403).isEqualTo(missing.status());
    assertThat(existing.body().path("error").path("type"))
        .isEqualTo(missing.body().path("error").path("type"));
    assertThat(existing.body().toString()).doesNotContain("top secret");
  }

  @Test
  void seededRandomRequestsWriteNothingOutsideTheWarehouse() throws IOException {
    System.out.println("IcebergRestLocationsIT fuzz seed: " + SEED + " (-Dfuzz.seed=" + SEED + ")");
    Random random = new Random(SEED);
    Map<String, Long> before = snapshotOutsideWarehouse();
    List<String> locations = hostileLocations();
    List<String> names =
        List.of("t", "ok_name", "../x", "a/b", "..", "A", "a'b", "%2e%2e", "x\u0000y", "");
    for (int i = 0; i < REQUESTS; i++) {
      String location = locations.get(random.nextInt(locations.size()));
      String name = names.get(random.nextInt(names.size())) + (random.nextBoolean() ? i : "");
      Http.Response response =
          switch (random.nextInt(5)) {
            case 0 ->
                post("/iceberg/v1/namespaces/fuzz/tables", createTable(name, location, Map.of()));
            case 1 ->
                post(
                    "/iceberg/v1/namespaces/fuzz/tables",
                    createTable(
                        name,
                        null,
                        Map.of(
                            random.nextBoolean() ? "write.metadata.path" : "write.data.path",
                            location)));
            case 2 -> register(name, location);
            case 3 -> commit("fuzz", "movable_" + (i % 3), setLocation(location));
            default -> {
              ObjectNode namespace = Http.JSON.createObjectNode();
              namespace.putArray("namespace").add(name);
              namespace.putObject("properties").put("location", location);
              yield post("/iceberg/v1/namespaces", namespace.toString());
            }
          };
      assertThat(response.status())
          .as("request %d (seed %d): %s", i, SEED, response.body())
          .isBetween(400, 499);
    }
    assertThat(snapshotOutsideWarehouse()).as("seed %d", SEED).isEqualTo(before);
  }

  /** Every file under the test's root but outside the warehouse and the platform's data dir. */
  private Map<String, Long> snapshotOutsideWarehouse() throws IOException {
    Map<String, Long> files = new TreeMap<>();
    Path data = warehouse.getParent();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path path : (Iterable<Path>) all::iterator) {
        boolean platformOwn =
            path.startsWith(data) && !path.startsWith(warehouse) && !isLakeFile(path);
        if (path.startsWith(warehouse) || platformOwn) {
          continue;
        }
        files.put(root.relativize(path).toString(), Files.isRegularFile(path) ? size(path) : -1);
      }
    }
    // lake files under the data dir but outside the warehouse count as escapes too
    return files;
  }

  private static boolean isLakeFile(Path path) {
    String name = path.getFileName().toString();
    return name.endsWith(".metadata.json") || name.endsWith(".avro") || name.endsWith(".parquet");
  }

  private static long size(Path path) {
    try {
      return Files.size(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<String> hostileLocations() {
    List<String> locations = new ArrayList<>();
    locations.add(outside.toString());
    locations.add(outside.resolve("t").toString());
    locations.add("file://" + outside.resolve("t"));
    locations.add("file:" + outside.resolve("t"));
    locations.add("file://otherhost" + warehouse.resolve("t"));
    locations.add(warehouse + "/../outside/t");
    locations.add(warehouse + "/fuzz/../../../outside/t");
    locations.add("file://" + warehouse + "/%2e%2e/outside/t");
    locations.add(warehouse.resolve("escape").resolve("t").toString());
    locations.add(warehouse.resolve("escape").toString());
    locations.add(warehouse + "/escape/../outside/t"); // lexically inside, really outside
    locations.add("file://" + warehouse + "/escape/%2e%2e/outside/t");
    locations.add(warehouse.getParent().resolve("kafka").toString());
    locations.add("relative/path");
    locations.add("../outside");
    locations.add("s3://bucket/t");
    locations.add("/");
    locations.add(warehouse + "x");
    locations.add(warehouse.resolve("t\nx").toString());
    return locations;
  }

  private Http.Response post(String path, String json) {
    return http.post(path, "application/json", json);
  }

  private Http.Response commit(String namespace, String table, String update) {
    return post(
        "/iceberg/v1/namespaces/" + namespace + "/tables/" + table,
        "{\"requirements\":[],\"updates\":[" + update + "]}");
  }

  private Http.Response register(String name, String metadataLocation) {
    ObjectNode body = Http.JSON.createObjectNode();
    body.put("name", name);
    body.put("metadata-location", metadataLocation);
    return post("/iceberg/v1/namespaces/fuzz/register", body.toString());
  }

  private static String setLocation(String location) {
    ObjectNode update = Http.JSON.createObjectNode();
    update.put("action", "set-location");
    update.put("location", location);
    return update.toString();
  }

  private static String setProperty(String key, String value) {
    ObjectNode update = Http.JSON.createObjectNode();
    update.put("action", "set-properties");
    update.putObject("updates").put(key, value);
    return update.toString();
  }

  private static String createTable(String name, String location, Map<String, String> properties) {
    try {
      ObjectNode body = Http.JSON.createObjectNode();
      body.put("name", name);
      if (location != null) {
        body.put("location", location);
      }
      body.set("schema", Http.JSON.readTree(SCHEMA));
      ObjectNode props = body.putObject("properties");
      properties.forEach(props::put);
      return body.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
