package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.rest.auth.OAuth2Properties;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Iceberg's own REST client against the platform's {@code /iceberg} endpoint: it reads what
 * delivery wrote, and its commits and delivery's commits to the same table never lose each other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IcebergRestCatalogIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir static Path dir;
  private Platform platform;
  private Http http;
  private RESTCatalog client;

  @BeforeAll
  void start() {
    platform =
        Platform.start(
            TestConfigs.config(
                dir,
                """
                  - name: clicks
                    partitions: 1
                    buffer: { interval: 0s }
                  - name: mixed
                    partitions: 1
                    buffer: { interval: 0s }
                    partition-by: []
                  - name: shared
                    partitions: 1
                    buffer: { interval: 0s }
                    partition-by: []
                  - name: policy
                    partitions: 1
                    buffer: { interval: 0s }
                """),
            Clock.systemUTC());
    http = Http.admin(platform);
    client = new RESTCatalog();
    client.initialize(
        "tributary",
        Map.of(
            CatalogProperties.URI,
            platform.httpUri() + "/iceberg",
            CatalogProperties.FILE_IO_IMPL,
            ClientFileIO.class.getName(),
            // the OAuth2 client-credentials grant: user and password buy a short-lived token
            OAuth2Properties.CREDENTIAL,
            "admin:" + platform.adminCredentials().password(),
            OAuth2Properties.OAUTH2_SERVER_URI,
            platform.httpUri() + "/iceberg/v1/oauth/tokens"));
  }

  @AfterAll
  void stop() throws IOException {
    client.close();
    platform.close();
  }

  @Test
  void anotherEngineReadsTheTablesThePlatformWrote() {
    http.ndjson(
        "clicks",
        """
        {"event_id":"c1","show_id":"s1","duration_ms":10}
        {"event_id":"c2","show_id":"s2","duration_ms":20}
        {"event_id":"c3","show_id":"s1","duration_ms":30}
        """);
    await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.clicks") == 3);

    assertThat(client.listNamespaces()).contains(Namespace.of("raw"), Namespace.of("transformed"));
    assertThat(client.listTables(Namespace.of("raw")))
        .contains(TableIdentifier.of("raw", "clicks"));
    Table table = client.loadTable(TableIdentifier.of("raw", "clicks"));
    List<String> rows = new ArrayList<>();
    long duration = 0;
    for (Record row : read(table)) {
      rows.add(row.getField("event_id") + "/" + row.getField("show_id"));
      duration += (Long) row.getField("duration_ms");
    }
    assertThat(rows).containsExactlyInAnyOrder("c1/s1", "c2/s2", "c3/s1");
    assertThat(duration).isEqualTo(60);
    assertThat(table.currentSnapshot().summary()).containsKey("tributary.offsets.clicks");
  }

  @Test
  void descriptionAndTagsAreSetOverHttpAndSeenByEngines() {
    http.ndjson("clicks", "{\"event_id\":\"t1\"}");
    await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.clicks") >= 1);

    var patched =
        http.patch(
            "/v1/tables/raw.clicks",
            "{\"description\": \"Clicks in the app\", \"tags\": {\"team\": \"growth\","
                + " \"pii\": \"no\"}}");
    assertThat(patched.status()).isEqualTo(200);
    assertThat(patched.body().path("description").asText()).isEqualTo("Clicks in the app");
    assertThat(patched.body().path("tags").path("team").asText()).isEqualTo("growth");

    http.patch("/v1/tables/raw.clicks", "{\"tags\": {\"pii\": null}}");
    var table = http.get("/v1/tables/raw.clicks");
    assertThat(table.body().path("description").asText()).isEqualTo("Clicks in the app");
    assertThat(table.body().path("tags").toString()).isEqualTo("{\"team\":\"growth\"}");
    assertThat(table.body().path("properties").path("comment").asText())
        .isEqualTo("Clicks in the app");
    assertThat(client.loadTable(TableIdentifier.of("raw", "clicks")).properties())
        .containsEntry("comment", "Clicks in the app")
        .containsEntry("tag.team", "growth")
        .doesNotContainKey("tag.pii");

    assertThat(http.patch("/v1/tables/raw.missing", "{\"description\": \"x\"}").status())
        .isEqualTo(404);
    var invalid = http.patch("/v1/tables/raw.clicks", "{\"tags\": [\"a\"]}");
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.body().path("error").path("message").asText()).contains("Invalid tags");
  }

  @Test
  void endpointAnswersInTheSpecificationsShapes() {
    var config = http.get("/iceberg/v1/config?warehouse=lake");
    assertThat(config.status()).isEqualTo(200);
    assertThat(config.body().path("endpoints").toString())
        .contains("POST /v1/{prefix}/namespaces/{namespace}/tables/{table}")
        .contains("POST /v1/{prefix}/transactions/commit")
        .contains("GET /v1/{prefix}/namespaces/{namespace}/views/{view}");

    var missing = http.get("/iceberg/v1/namespaces/raw/tables/nope");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.body().path("error").path("type").asText())
        .isEqualTo("NoSuchTableException");
    assertThat(missing.body().path("error").path("code").asInt()).isEqualTo(404);
    assertThat(http.head("/iceberg/v1/namespaces/raw/tables/nope").status()).isEqualTo(404);
    assertThat(http.head("/iceberg/v1/namespaces/raw").status()).isEqualTo(204);
    assertThat(
            http.get("/iceberg/v1/namespaces/nope/tables")
                .body()
                .path("error")
                .path("type")
                .asText())
        .isEqualTo("NoSuchNamespaceException");

    var firstPage = http.get("/iceberg/v1/namespaces?pageSize=1");
    assertThat(firstPage.body().path("namespaces")).hasSize(1);
    String token = firstPage.body().path("next-page-token").asText();
    assertThat(token).isNotEmpty();
    var secondPage = http.get("/iceberg/v1/namespaces?pageSize=1&pageToken=" + token);
    assertThat(secondPage.body().path("namespaces")).hasSize(1);
    assertThat(secondPage.body().path("namespaces").get(0))
        .isNotEqualTo(firstPage.body().path("namespaces").get(0));

    var malformed = http.post("/iceberg/v1/namespaces", "application/json", "{not json");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.body().path("error").path("type").asText())
        .isEqualTo("BadRequestException");
    var tooLarge = http.post("/iceberg/v1/namespaces", "application/json", new byte[5 << 20]);
    assertThat(tooLarge.status()).isEqualTo(413);
    assertThat(tooLarge.body().path("error").path("code").asInt()).isEqualTo(413);
    assertThat(http.get("/iceberg/v2/nothing").status()).isEqualTo(404);
    assertThat(http.delete("/iceberg/v1/config").status()).isEqualTo(405);
  }

  @Test
  void nestedNamespacesAndUnusualNamesTravelThroughThePath() {
    Namespace team = Namespace.of("team");
    Namespace sandbox = Namespace.of("team", "sandbox v2");
    client.createNamespace(team);
    client.createNamespace(sandbox, new java.util.HashMap<>(Map.of("owner", "ana")));
    assertThat(client.listNamespaces(team)).containsExactly(sandbox);
    assertThat(client.loadNamespaceMetadata(sandbox)).containsEntry("owner", "ana");

    // tables need names SQL can address: one namespace level, identifiers
    Schema schema = new Schema(Types.NestedField.optional(1, "id", Types.LongType.get()));
    assertThatThrownBy(() -> client.createTable(TableIdentifier.of(sandbox, "daily"), schema))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("Invalid namespace for a table");
    assertThatThrownBy(() -> client.createTable(TableIdentifier.of(team, "daily+weekly %"), schema))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("Invalid table name");
    TableIdentifier plain = TableIdentifier.of(team, "daily");
    client.createTable(plain, schema);
    assertThat(client.listTables(team)).containsExactly(plain);
    assertThat(client.loadTable(plain).schema().asStruct()).isEqualTo(schema.asStruct());
    client.renameTable(plain, TableIdentifier.of(team, "renamed"));
    assertThat(client.tableExists(plain)).isFalse();
    assertThat(client.dropTable(TableIdentifier.of(team, "renamed"), true)).isTrue();
    assertThat(client.dropNamespace(sandbox)).isTrue();
    assertThat(client.dropNamespace(team)).isTrue();
  }

  @Test
  void concurrentCommitsThroughTheEndpointAndDeliveryAreAllKept() throws Exception {
    http.ndjson("mixed", "{\"event_id\":\"d0\"}");
    await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.mixed") == 1);
    TableIdentifier id = TableIdentifier.of("raw", "mixed");

    int batches = 15;
    CompletableFuture<Set<String>> delivered =
        CompletableFuture.supplyAsync(
            () -> {
              Set<String> ids = new HashSet<>(Set.of("d0"));
              for (int i = 1; i <= batches; i++) {
                String a = "d" + i + "a";
                String b = "d" + i + "b";
                var response =
                    http.ndjson(
                        "mixed", "{\"event_id\":\"" + a + "\"}\n{\"event_id\":\"" + b + "\"}\n");
                assertThat(response.status()).isEqualTo(200);
                ids.add(a);
                ids.add(b);
              }
              return ids;
            });
    CompletableFuture<Set<String>> appended =
        CompletableFuture.supplyAsync(
            () -> {
              Set<String> ids = new HashSet<>();
              for (int i = 1; i <= batches; i++) {
                ids.addAll(appendThroughTheEndpoint(id, i));
              }
              return ids;
            });
    Set<String> expected = new HashSet<>(delivered.get(2, TimeUnit.MINUTES));
    expected.addAll(appended.get(2, TimeUnit.MINUTES));
    assertThat(expected).hasSize(1 + 4 * batches);

    await()
        .atMost(WAIT)
        .until(() -> http.count("SELECT count(*) FROM raw.mixed") == expected.size());
    Table table = client.loadTable(id);
    List<String> rows = new ArrayList<>();
    read(table).forEach(row -> rows.add((String) row.getField("event_id")));
    assertThat(rows).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(http.count("SELECT count(DISTINCT event_id) FROM raw.mixed"))
        .isEqualTo(expected.size());
  }

  /**
   * Every writer of the platform at once on one table: delivery, a crawler run (one commit per
   * file), maintenance and an Iceberg client through the REST endpoint. Every commit is kept: each
   * is a snapshot in the table's history, and the table holds every row once.
   */
  @Test
  void deliveryCrawlerMaintenanceAndRestClientsCommittingToOneTableLoseNoCommit() throws Exception {
    http.ndjson("shared", "{\"event_id\":\"d0\"}");
    await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.shared") == 1);
    TableIdentifier id = TableIdentifier.of("raw", "shared");
    int files = 10;
    Set<String> crawled = new HashSet<>();
    Path landing = dir.resolve("landing/shared");
    java.nio.file.Files.createDirectories(landing);
    for (int f = 0; f < files; f++) {
      java.nio.file.Files.writeString(
          landing.resolve("part-" + f + ".json"),
          "{\"event_id\":\"k" + f + "a\"}\n{\"event_id\":\"k" + f + "b\"}\n");
      crawled.add("k" + f + "a");
      crawled.add("k" + f + "b");
    }
    assertThat(http.put("/v1/crawlers/shared", "{\"files-per-commit\": 1}").status())
        .isEqualTo(201);

    int batches = 10;
    CompletableFuture<Set<String>> delivered =
        CompletableFuture.supplyAsync(
            () -> {
              Set<String> ids = new HashSet<>(Set.of("d0"));
              for (int i = 1; i <= batches; i++) {
                String a = "d" + i + "a";
                String b = "d" + i + "b";
                var response =
                    http.ndjson(
                        "shared", "{\"event_id\":\"" + a + "\"}\n{\"event_id\":\"" + b + "\"}\n");
                assertThat(response.status()).isEqualTo(200);
                ids.add(a);
                ids.add(b);
              }
              return ids;
            });
    CompletableFuture<Set<String>> appended =
        CompletableFuture.supplyAsync(
            () -> {
              Set<String> ids = new HashSet<>();
              for (int i = 1; i <= batches; i++) {
                ids.addAll(appendThroughTheEndpoint(id, 100 + i));
              }
              return ids;
            });
    CompletableFuture<JsonNodeHolder> crawl =
        CompletableFuture.supplyAsync(
            () ->
                new JsonNodeHolder(
                    http.post("/v1/crawlers/shared/runs?wait=true", null, new byte[0]).body()));
    CompletableFuture<List<Integer>> maintained =
        CompletableFuture.supplyAsync(
            () -> {
              List<Integer> statuses = new ArrayList<>();
              for (int i = 0; i < 5; i++) {
                statuses.add(
                    http.post("/v1/tables/raw.shared/maintenance", null, new byte[0]).status());
              }
              return statuses;
            });

    Set<String> expected = new HashSet<>(delivered.get(2, TimeUnit.MINUTES));
    expected.addAll(appended.get(2, TimeUnit.MINUTES));
    expected.addAll(crawled);
    var run = crawl.get(2, TimeUnit.MINUTES).node();
    assertThat(run.path("status").asText())
        .as("crawl run %s", run)
        .isEqualToIgnoringCase("succeeded");
    assertThat(
            run.path("counts")
                .path("files_loaded")
                .asInt(run.path("counts").path("filesLoaded").asInt()))
        .as("crawl run %s", run)
        .isEqualTo(files);
    // maintenance either compacted or lost a race it reports as retriable; it never breaks a commit
    assertThat(maintained.get(2, TimeUnit.MINUTES))
        .allMatch(status -> status == 200 || status == 503);
    assertThat(expected).hasSize(1 + 4 * batches + 2 * files);

    await()
        .atMost(WAIT)
        .until(() -> http.count("SELECT count(*) FROM raw.shared") == expected.size());
    Table table = client.loadTable(id);
    List<String> rows = new ArrayList<>();
    read(table).forEach(row -> rows.add((String) row.getField("event_id")));
    assertThat(rows).containsExactlyInAnyOrderElementsOf(expected);
    // every append is in the history: their added records sum to every row
    long added = 0;
    int crawlerCommits = 0;
    for (org.apache.iceberg.Snapshot snapshot : table.snapshots()) {
      if (snapshot.operation().equals("append")) {
        added += Long.parseLong(snapshot.summary().getOrDefault("added-records", "0"));
        if (snapshot.summary().containsKey("tributary.crawl.files")
            && !snapshot.summary().getOrDefault("added-records", "0").equals("0")) {
          crawlerCommits++;
        }
      }
    }
    assertThat(added).isEqualTo(expected.size());
    assertThat(crawlerCommits).isEqualTo(files);
  }

  /**
   * The one table policy, whoever creates the table: delivery's table, a crawler's table and its
   * error table all hold the policy's property map and format version 2.
   */
  @Test
  void everyWriterCreatesTablesUnderTheOneTablePolicy() throws Exception {
    http.ndjson("policy", "{\"event_id\":\"p1\"}");
    await().atMost(WAIT).until(() -> http.count("SELECT count(*) FROM raw.policy") == 1);
    Path landing = dir.resolve("landing/policyfiles");
    java.nio.file.Files.createDirectories(landing);
    java.nio.file.Files.writeString(
        landing.resolve("a.json"), "{\"id\": 1}\n null \n{\"id\": 2}\n");
    http.put("/v1/crawlers/policyfiles", "{\"sample\": {\"records\": 1}}");
    var run = http.post("/v1/crawlers/policyfiles/runs?wait=true", null, new byte[0]).body();
    assertThat(run.path("counts").path("rowsRejected").asInt()).as("run %s", run).isEqualTo(1);

    io.tributary.lake.Lake lake = platform.lake();
    Map<String, String> stored = new java.util.HashMap<>(lake.policy().properties());
    String version = stored.remove(org.apache.iceberg.TableProperties.FORMAT_VERSION);
    for (String name : List.of("raw.policy", "raw.policyfiles", "raw.policyfiles_errors")) {
      Table table =
          lake.loadTable(io.tributary.core.TableId.parse(name))
              .orElseThrow(() -> new AssertionError(name + " missing"));
      assertThat(table.properties()).as(name).containsAllEntriesOf(stored);
      assertThat(((org.apache.iceberg.BaseTable) table).operations().current().formatVersion())
          .as(name)
          .isEqualTo(Integer.parseInt(version));
    }
  }

  private record JsonNodeHolder(com.fasterxml.jackson.databind.JsonNode node) {}

  /** Writes a Parquet file of two rows with the client and appends it, as Spark would. */
  private List<String> appendThroughTheEndpoint(TableIdentifier id, int batch) {
    List<String> ids = List.of("r" + batch + "a", "r" + batch + "b");
    for (int attempt = 0; ; attempt++) {
      Table table = client.loadTable(id);
      OutputFileFactory files =
          OutputFileFactory.builderFor(table, batch, attempt).format(FileFormat.PARQUET).build();
      GenericFileWriterFactory writers =
          new GenericFileWriterFactory.Builder(table).dataFileFormat(FileFormat.PARQUET).build();
      DataFile file;
      DataWriter<Record> writer = writers.newDataWriter(files.newOutputFile(), table.spec(), null);
      try (writer) {
        for (String event : ids) {
          GenericRecord row = GenericRecord.create(table.schema());
          row.setField("event_id", event);
          writer.write(row);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      file = writer.toDataFile();
      try {
        table.newAppend().appendFile(file).commit();
        return ids;
      } catch (CommitFailedException e) {
        // retries inside commit() ran out while delivery kept committing: a caller tries again
        assertThat(attempt).as("attempts for batch %d", batch).isLessThan(10);
      }
    }
  }

  private static List<Record> read(Table table) {
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      records.forEach(rows::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }
}
