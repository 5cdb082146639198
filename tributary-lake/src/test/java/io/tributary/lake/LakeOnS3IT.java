package io.tributary.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.RetriableException;
import io.tributary.core.TableId;
import io.tributary.core.config.LakeStorage;
import io.tributary.core.config.PartitionField;
import io.tributary.core.config.TributaryConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The lake on a real S3-compatible server (S3Proxy, filesystem backend), reached through a proxy
 * that fails connections on demand: appends, reads, maintenance, the allowed-locations rules, the
 * secret key resolved at use, the SDK's retries, and a commit that fails on storage leaving the
 * table at its previous snapshot, then landing exactly once.
 */
class LakeOnS3IT {
  private static final TableId EVENTS = TableId.parse("raw.app_events");
  private static final Instant T0 = Instant.parse("2026-11-26T07:42:00Z");
  private static final String BUCKET = "lake";

  @TempDir static Path serverDir;
  private static S3Server server;
  private static int run;

  @TempDir Path dir;
  private FaultyProxy proxy;
  private Lake lake;
  private LakeStorage.S3Location warehouse;

  @BeforeAll
  static void startServer() {
    server = S3Server.start(serverDir);
    server.createBucket(BUCKET);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void open() throws IOException {
    proxy = new FaultyProxy(server.port());
    warehouse = LakeStorage.S3Location.parse("s3://" + BUCKET + "/run" + (++run) + "/warehouse");
    lake = open(proxy.endpoint(), "${secret:lake_key}");
  }

  private Lake open(URI endpoint, String secretReference) {
    LakeStorage.S3 s3 =
        new LakeStorage.S3(endpoint, "us-east-1", true, S3Server.ACCESS_KEY_ID, secretReference);
    UnaryOperator<String> secrets =
        text -> text.equals("${secret:lake_key}") ? S3Server.SECRET_ACCESS_KEY : text;
    return Lake.open(
        new TributaryConfig.Catalog(
            "jdbc:sqlite:" + dir.resolve("catalog.db"), null, null, dir.resolve("unused")),
        new LakeStorage(warehouse, s3, LakeStorage.Cache.defaults(dir)),
        secrets,
        Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1)),
        TablePolicy.defaults());
  }

  @AfterEach
  void close() throws IOException {
    lake.close();
    proxy.close();
  }

  private static List<Map<String, Object>> rows(int batch, int count) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rows.add(
          Map.of("id", (long) batch * 1000 + i, "_ingested_at", T0.plus(Duration.ofDays(i % 2))));
    }
    return rows;
  }

  private TableSink sink() {
    return lake.sink(EVENTS, List.of(PartitionField.parse("day(_ingested_at)")));
  }

  private List<Long> ids() {
    Table table = lake.loadTable(EVENTS).orElseThrow();
    return TestLakes.read(table).stream().map(r -> (Long) r.getField("id")).sorted().toList();
  }

  private List<String> objectKeys() {
    try (S3Client client =
        S3Clients.open(S3Server.settings(server.endpoint()), UnaryOperator.identity())) {
      return client
          .listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(warehouse.prefix() + "/"))
          .contents()
          .stream()
          .map(o -> o.key())
          .toList();
    }
  }

  @Test
  void writesDataAndMetadataToS3AndReadsThemBack() {
    TableSink sink = sink();
    sink.prepare(rows(0, 10));
    sink.append(rows(0, 10), Map.of("tributary.offsets", "0:10"));

    Table table = lake.loadTable(EVENTS).orElseThrow();
    assertThat(table.location()).isEqualTo(warehouse.uri() + "/raw/app_events");
    assertThat(ids()).hasSize(10);
    List<String> keys = objectKeys();
    assertThat(keys).anyMatch(k -> k.endsWith(".parquet") && k.contains("/raw/app_events/data/"));
    assertThat(keys).anyMatch(k -> k.endsWith(".metadata.json"));
    assertThat(lake.describe(EVENTS).location()).startsWith("s3://lake/");
  }

  @Test
  void compactsAndExpiresOnS3() {
    TableSink sink = sink();
    for (int batch = 0; batch < 4; batch++) {
      sink.append(rows(batch, 4), Map.of("tributary.offsets", "0:" + batch));
    }
    List<Long> before = ids();

    MaintenanceResult result =
        lake.maintain(EVENTS, new MaintenanceOptions(128L << 20, Duration.ZERO, 1));

    assertThat(result.filesRewritten()).isEqualTo(8);
    assertThat(result.filesWritten()).isEqualTo(2);
    assertThat(result.snapshotsExpired()).isEqualTo(4);
    assertThat(ids()).isEqualTo(before);
    assertThat(objectKeys().stream().filter(k -> k.endsWith(".parquet"))).hasSize(10);
    // the replaced files are deleted from the bucket once the snapshot that replaced them expires
    sink.append(rows(4, 4), Map.of("tributary.offsets", "0:4"));
    assertThat(
            lake.maintain(EVENTS, new MaintenanceOptions(1, Duration.ZERO, 1)).snapshotsExpired())
        .isEqualTo(1);
    assertThat(objectKeys().stream().filter(k -> k.endsWith(".parquet"))).hasSize(4);
    assertThat(ids()).hasSize(20);
  }

  @Test
  void acceptsLocationsUnderTheS3WarehouseOnly() {
    LakeLocations locations = lake.locations();
    locations.requireInside("table location", warehouse.uri() + "/raw/t");
    for (String outside :
        List.of(
            "s3://lake/elsewhere/raw/t",
            "s3://other/" + warehouse.prefix() + "/raw/t",
            warehouse.uri() + "/../escape",
            warehouse.uri() + "-sibling/raw/t",
            "file:///tmp/raw/t",
            "/tmp/raw/t")) {
      assertThatThrownBy(() -> locations.requireInside("table location", outside))
          .as(outside)
          .isInstanceOf(ForbiddenException.class);
    }
  }

  @Test
  void retriesBrokenConnections() {
    TableSink sink = sink();
    sink.append(rows(0, 5), Map.of("tributary.offsets", "0:5"));

    proxy.failNextConnections(S3Clients.MAX_ATTEMPTS - 2);
    sink.append(rows(1, 5), Map.of("tributary.offsets", "0:10"));

    assertThat(proxy.faults()).isGreaterThanOrEqualTo(S3Clients.MAX_ATTEMPTS - 2);
    assertThat(ids()).hasSize(10).doesNotHaveDuplicates();
  }

  @Test
  void aCommitThatFailsOnStorageLeavesThePreviousSnapshotAndLandsOnceLater() {
    TableSink sink = sink();
    sink.append(rows(0, 5), Map.of("tributary.offsets", "0:5"));
    long previous = lake.loadTable(EVENTS).orElseThrow().currentSnapshot().snapshotId();
    List<WrittenFiles> written = List.of(TableSink.join(sink.write(rows(1, 5))));

    proxy.outage(true);
    assertThatThrownBy(() -> sink.commit(written, Map.of("tributary.offsets", "0:10")))
        .isInstanceOf(RetriableException.class);
    proxy.outage(false);

    Table table = lake.loadTable(EVENTS).orElseThrow();
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(previous);
    assertThat(ids()).hasSize(5);
    assertThat(sink.lastCommitted("tributary.offsets")).contains("0:5");

    sink.commit(written, Map.of("tributary.offsets", "0:10"));
    assertThat(ids()).hasSize(10).doesNotHaveDuplicates();
    assertThat(sink.lastCommitted("tributary.offsets")).contains("0:10");
  }

  @Test
  void anOutageDuringAnAppendIsRetriableAndNothingIsCommitted() {
    TableSink sink = sink();
    sink.append(rows(0, 5), Map.of("tributary.offsets", "0:5"));
    proxy.outage(true);
    assertThatThrownBy(() -> sink.append(rows(1, 5), Map.of("tributary.offsets", "0:10")))
        .isInstanceOf(RuntimeException.class);
    proxy.outage(false);
    assertThat(ids()).hasSize(5);
    sink.append(rows(1, 5), Map.of("tributary.offsets", "0:10"));
    assertThat(ids()).hasSize(10).doesNotHaveDuplicates();
  }

  @Test
  void aWrongSecretKeyIsRefused() {
    lake.close();
    lake = open(server.endpoint(), "not-the-key");
    TableSink sink = sink();
    assertThatThrownBy(() -> sink.append(rows(0, 1), Map.of())).hasMessageContaining("403");
  }
}
