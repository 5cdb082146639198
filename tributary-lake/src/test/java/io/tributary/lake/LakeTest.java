package io.tributary.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.core.NotFoundException;
import io.tributary.core.TableId;
import io.tributary.core.config.PartitionField;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeTest {
  private static final Instant T0 = Instant.parse("2026-11-26T07:42:00Z");

  @TempDir Path dir;

  private static void write(Lake lake, TableId id, Map<String, String> properties) {
    TableSink sink = lake.sink(id, List.of(PartitionField.parse("day(_ingested_at)")));
    List<Map<String, Object>> rows =
        List.of(
            Map.of("event", "play", "n", 1L, "_ingested_at", T0),
            Map.of("event", "stop", "n", 2L, "_ingested_at", T0));
    sink.prepare(rows);
    sink.append(rows, properties);
  }

  @Test
  void opensWithNamespacesAndListsTablesSorted() throws Exception {
    try (Lake lake = TestLakes.open(dir)) {
      assertThat(Files.isDirectory(lake.warehouse())).isTrue();
      assertThat(((SupportsNamespaces) lake.catalog()).listNamespaces())
          .contains(Namespace.of("raw"), Namespace.of("transformed"));
      write(lake, TableId.parse("transformed.daily"), Map.of());
      write(lake, TableId.parse("raw.b_events"), Map.of());
      write(lake, TableId.parse("raw.a_events"), Map.of());
      assertThat(lake.listTables())
          .containsExactly(
              TableId.parse("raw.a_events"),
              TableId.parse("raw.b_events"),
              TableId.parse("transformed.daily"));
      assertThat(lake.loadTable(TableId.parse("raw.missing"))).isEmpty();
    }
    try (Lake reopened = TestLakes.open(dir)) {
      assertThat(reopened.listTables()).hasSize(3);
    }
  }

  @Test
  void setsAndRemovesDescriptionAndTagsAsTableProperties() throws Exception {
    TableId id = TableId.parse("raw.tagged");
    try (Lake lake = TestLakes.open(dir)) {
      write(lake, id, Map.of());
      TableInfo info =
          lake.updateProperties(
              id,
              Map.of("comment", "Listening events", "tag.team", "growth", "tag.pii", "no"),
              java.util.Set.of());
      assertThat(info.description()).isEqualTo("Listening events");
      assertThat(info.tags()).containsExactly(Map.entry("pii", "no"), Map.entry("team", "growth"));
      assertThat(lake.loadTable(id).orElseThrow().properties())
          .containsEntry("comment", "Listening events");

      info = lake.updateProperties(id, Map.of(), java.util.Set.of("comment", "tag.pii"));
      assertThat(info.description()).isNull();
      assertThat(info.tags()).containsExactly(Map.entry("team", "growth"));
      JsonNode json = new ObjectMapper().valueToTree(info);
      assertThat(json.path("tags").path("team").asText()).isEqualTo("growth");
      assertThat(json.has("description")).isTrue();

      assertThatThrownBy(
              () -> lake.updateProperties(TableId.parse("raw.none"), Map.of(), java.util.Set.of()))
          .isInstanceOf(NotFoundException.class);
      assertThatThrownBy(
              () -> lake.updateProperties(id, Map.of("comment", "x"), java.util.Set.of("comment")))
          .hasMessageContaining("both set and removed");
    }
  }

  @Test
  void describesTables() throws Exception {
    TableId id = TableId.parse("raw.app_events");
    try (Lake lake = TestLakes.open(dir)) {
      write(lake, id, Map.of("tributary.offsets", "0:2"));
      write(lake, id, Map.of("tributary.offsets", "0:4"));

      TableInfo info = lake.describe(id);

      assertThat(info.id()).isEqualTo(id);
      assertThat(info.location()).endsWith("lake/raw/app_events");
      assertThat(info.columns())
          .extracting(TableInfo.Column::name, TableInfo.Column::type)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("event", "string"),
              org.assertj.core.groups.Tuple.tuple("n", "long"),
              org.assertj.core.groups.Tuple.tuple("_ingested_at", "timestamptz"));
      assertThat(info.partitionSpec()).containsExactly("day(_ingested_at)");
      assertThat(info.totalRows()).isEqualTo(4);
      assertThat(info.dataFiles()).isEqualTo(2);
      assertThat(info.totalSizeBytes()).isPositive();
      assertThat(info.properties()).containsEntry("write.parquet.compression-codec", "zstd");
      assertThat(info.snapshots()).hasSize(2);
      assertThat(info.snapshots().get(0).id()).isEqualTo(info.currentSnapshotId());
      assertThat(info.snapshots().get(0).summary()).containsEntry("tributary.offsets", "0:4");
      assertThat(info.snapshots().get(0).operation()).isEqualTo("append");

      JsonNode json = new ObjectMapper().valueToTree(info);
      assertThat(json.get("id").get("namespace").asText()).isEqualTo("raw");
      assertThat(json.get("snapshotTimestamp").asText()).endsWith("Z");
      assertThat(json.get("snapshots").get(0).get("timestamp").asText()).endsWith("Z");

      assertThatThrownBy(() -> lake.describe(TableId.parse("raw.missing")))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("raw.missing");
    }
  }

  @Test
  void describesBucketAndTruncateFields() throws Exception {
    TableId id = TableId.parse("raw.users");
    try (Lake lake = TestLakes.open(dir)) {
      TableSink sink =
          lake.sink(
              id,
              List.of(
                  PartitionField.parse("bucket(8, user)"),
                  PartitionField.parse("truncate(2, country)")));
      List<Map<String, Object>> rows = List.of(Map.of("user", "u1", "country", "DE"));
      sink.prepare(rows);
      sink.append(rows, Map.of());
      assertThat(lake.describe(id).partitionSpec())
          .containsExactly("bucket(8, user)", "truncate(2, country)");
    }
  }

  @Test
  void threadsCommitToDifferentTablesConcurrently() throws Exception {
    try (Lake lake = TestLakes.open(dir)) {
      List<CompletableFuture<Void>> writers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        TableId id = new TableId("raw", "t" + t);
        writers.add(
            CompletableFuture.runAsync(
                () -> {
                  for (int batch = 0; batch < 5; batch++) {
                    write(lake, id, Map.of("tributary.batch", String.valueOf(batch)));
                  }
                }));
      }
      CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get();
      for (int t = 0; t < 4; t++) {
        assertThat(lake.describe(new TableId("raw", "t" + t)).totalRows()).isEqualTo(10);
      }
    }
  }

  @Test
  void metadataConnectionSharesTheCatalogDatabase() throws Exception {
    try (Lake lake = TestLakes.open(dir);
        Connection connection = lake.openMetadataConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS tributary_streams(name TEXT PRIMARY KEY)");
      statement.execute("INSERT INTO tributary_streams VALUES ('app_events')");
      try (ResultSet tables =
          statement.executeQuery(
              "SELECT count(*) FROM sqlite_master WHERE name IN"
                  + " ('tributary_streams', 'iceberg_tables')")) {
        tables.next();
        assertThat(tables.getInt(1)).isEqualTo(2);
      }
    }
  }
}
