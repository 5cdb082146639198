package io.tributary.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.TableId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TributaryConfigTest {

  @Test
  void defaultsArePinned() {
    TributaryConfig config = TributaryConfig.defaults(Path.of("/tmp/t"));
    assertThat(config.dataDir()).isEqualTo(Path.of("/tmp/t"));
    assertThat(config.http()).isEqualTo(new TributaryConfig.Http("127.0.0.1", 7070));
    assertThat(config.kafka())
        .isEqualTo(new TributaryConfig.Kafka(TributaryConfig.KafkaMode.EMBEDDED, 9092, 9093, null));
    assertThat(config.kafka().clientBootstrap()).isEqualTo("127.0.0.1:9092");
    assertThat(config.catalog().uri()).isEqualTo("jdbc:sqlite:/tmp/t/catalog.db");
    assertThat(config.catalog().warehouse()).isEqualTo(Path.of("/tmp/t/lake"));
    assertThat(config.ingest())
        .isEqualTo(new TributaryConfig.Ingest(500, 1000 * 1024, 4 << 20, 64 << 20, 1000, 2000));
    assertThat(config.query()).isEqualTo(TributaryConfig.Query.DEFAULT);
    assertThat(config.egress()).isEqualTo(EgressPolicy.NONE);
    assertThat(config.pgwire())
        .isEqualTo(new TributaryConfig.PgWire("127.0.0.1", 5433, true, 64))
        .isEqualTo(TributaryConfig.PgWire.DEFAULT);
    assertThat(config.access()).isEqualTo(new TributaryConfig.Access(true));
    assertThat(config.access().refreshInterval()).isEqualTo(Duration.ofSeconds(1));
    StreamSpec stream = config.streams().get(0);
    assertThat(stream.name()).isEqualTo("app_events");
    assertThat(stream.partitions()).isEqualTo(3);
    assertThat(stream.table()).isEqualTo(new TableId("raw", "app_events"));
    assertThat(stream.buffer()).isEqualTo(new StreamSpec.Buffer(Duration.ofSeconds(60), 64 << 20));
    assertThat(stream.transform()).isEqualTo(StreamSpec.Transform.FLATTEN);
    assertThat(stream.partitionBy()).hasToString("[day(_ingested_at)]");
    assertThat(stream.replication()).isEqualTo(Replication.DEFAULT);
    assertThat(config.kafka().properties()).isEmpty();
    assertThat(config.flows()).isEqualTo(new TributaryConfig.Flows(Path.of("/tmp/t/flows")));
    assertThat(config.flows().workers()).isEqualTo(8);
    assertThat(config.flows().pools()).isEqualTo(java.util.Map.of("default", 16));
    assertThat(config.node()).isEqualTo(TributaryConfig.Node.DEFAULT);
    assertThat(config.node().id()).isEmpty();
  }

  @Test
  void readsTheNodeId() {
    assertThat(TributaryConfig.fromYaml("node: { id: eu-1.node_2 }\n", "t").node().id())
        .contains("eu-1.node_2");
    assertThatThrownBy(() -> TributaryConfig.fromYaml("node: { id: \"a b\" }\n", "t"))
        .hasMessageContaining("Invalid node.id: 'a b' (must be 1 to 100 letters");
    assertThatThrownBy(() -> TributaryConfig.fromYaml("node: { name: a }\n", "t"))
        .hasMessageContaining("node.name");
  }

  @Test
  void readsTheFlowPoolsAndWorkers() {
    TributaryConfig config =
        TributaryConfig.fromYaml(
            "flows: { workers: 3, pools: { default: 4, spark: 1 } }\n", "test");
    assertThat(config.flows().workers()).isEqualTo(3);
    assertThat(config.flows().pools()).isEqualTo(java.util.Map.of("default", 4, "spark", 1));
    assertThatThrownBy(() -> TributaryConfig.fromYaml("flows: { pools: { spark: 0 } }\n", "t"))
        .hasMessageContaining("flows.pools.spark");
    assertThatThrownBy(() -> TributaryConfig.fromYaml("flows: { pools: { Bad: 1 } }\n", "t"))
        .hasMessageContaining("flows.pools.Bad");
  }

  @Test
  void readsTheFlowsFolder() {
    TributaryConfig config =
        TributaryConfig.fromYaml("data-dir: /tmp/t\nflows: { dir: /srv/flows }\n", "test");
    assertThat(config.flows().dir()).isEqualTo(Path.of("/srv/flows"));
    assertThatThrownBy(() -> TributaryConfig.fromYaml("flows: { folder: x }\n", "test"))
        .hasMessageContaining("Unknown key flows.folder");
  }

  @Test
  void recordLimitsAreRead() {
    TributaryConfig config =
        TributaryConfig.fromYaml(
            "ingest: { max-nesting-depth: 64, max-keys-per-record: 300 }", "test");
    assertThat(config.ingest().maxNestingDepth()).isEqualTo(64);
    assertThat(config.ingest().maxKeysPerRecord()).isEqualTo(300);
    assertThatThrownBy(
            () -> TributaryConfig.fromYaml("ingest: { max-nesting-depth: 6000 }", "test"))
        .hasMessageContaining("ingest.max-nesting-depth")
        .hasMessageContaining("6000");
    assertThatThrownBy(() -> TributaryConfig.fromYaml("ingest: { max-keys-per-record: 0 }", "test"))
        .hasMessageContaining("ingest.max-keys-per-record");
  }

  @Test
  void readsTheDocumentedExample() {
    TributaryConfig config =
        TributaryConfig.fromYaml(
            """
            data-dir: /var/tributary
            http: { port: 8080 }
            kafka:
              mode: external
              bootstrap-servers: k1:9092,k2:9092
            streams:
              - name: app_events
                partitions: 6
                table: transformed.events
                buffer: { interval: 30s, size: 8MiB }
                transform: none
                partition-by: [ "hour(_ingested_at)", "bucket(16, user_id)", event_type ]
            """,
            "test");
    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.kafka().clientBootstrap()).isEqualTo("k1:9092,k2:9092");
    StreamSpec stream = config.streams().get(0);
    assertThat(stream.partitions()).isEqualTo(6);
    assertThat(stream.table()).hasToString("transformed.events");
    assertThat(stream.buffer()).isEqualTo(new StreamSpec.Buffer(Duration.ofSeconds(30), 8 << 20));
    assertThat(stream.transform()).isEqualTo(StreamSpec.Transform.NONE);
    assertThat(stream.partitionBy())
        .extracting(PartitionField::toString)
        .containsExactly("hour(_ingested_at)", "bucket(16, user_id)", "event_type");
  }

  @Test
  void readsExternalKafkaClientPropertiesAndReplication() {
    TributaryConfig config =
        TributaryConfig.fromYaml(
            """
            kafka:
              mode: external
              bootstrap-servers: k1:9093
              properties:
                security.protocol: SASL_SSL
                sasl.mechanism: SCRAM-SHA-512
                sasl.jaas.config: ${secret:kafka_jaas}
                ssl.endpoint.identification.algorithm: https
                reconnect.backoff.ms: 100
            streams:
              - { name: a, replication-factor: 3, min-insync-replicas: 2 }
              - { name: b, replication-factor: 1 }
            """,
            "test");
    assertThat(config.kafka().properties())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.jaas.config", "${secret:kafka_jaas}")
        .containsEntry("reconnect.backoff.ms", "100");
    assertThat(config.streams().get(0).replication()).isEqualTo(new Replication(3, 2));
    assertThat(config.streams().get(1).replication()).isEqualTo(new Replication(1, 0));
  }

  @Test
  void replicationDefaultsFollowTheBrokerCount() {
    assertThat(Replication.DEFAULT.resolve(1)).isEqualTo(new Replication(1, 1));
    assertThat(Replication.DEFAULT.resolve(2)).isEqualTo(new Replication(2, 1));
    assertThat(Replication.DEFAULT.resolve(3)).isEqualTo(new Replication(3, 2));
    assertThat(Replication.DEFAULT.resolve(9)).isEqualTo(new Replication(3, 2));
    assertThat(new Replication(5, 0).resolve(9)).isEqualTo(new Replication(5, 2));
    assertThat(new Replication(2, 0).resolve(9)).isEqualTo(new Replication(2, 1));
    assertThat(new Replication(0, 1).resolve(3)).isEqualTo(new Replication(3, 1));
  }

  @Test
  void kafkaErrorsNameTheKeyAndTheValue() {
    assertError(
        "streams: [ { name: s, replication-factor: 2, min-insync-replicas: 3 } ]",
        "streams[0].min-insync-replicas",
        "3",
        "replication-factor 2");
    assertError(
        "streams: [ { name: s, replication-factor: 0 } ]", "streams[0].replication-factor", "0");
    assertError(
        "kafka: { properties: { security.protocol: SSL } }",
        "kafka.properties",
        "security.protocol",
        "mode: external");
    assertError(
        "kafka: { mode: external, bootstrap-servers: k:1, properties: { ssl: { a: 1 } } }",
        "kafka.properties.ssl",
        "single value");
    assertError(
        "kafka: { mode: external, bootstrap-servers: k:1, properties: { linger.ms: null } }",
        "kafka.properties.linger.ms");
  }

  @Test
  void errorsNameTheKeyAndTheValue() {
    assertError(
        "streams: [ { name: s, buffer: { interval: 1200s } } ]",
        "streams[0].buffer.interval",
        "1200s");
    assertError("http: { port: 70000 }", "http.port", "70000");
    assertError("http: { port: abc }", "http.port", "abc");
    assertError("kafka: { mode: cloud }", "kafka.mode", "cloud");
    assertError("kafka: { mode: external }", "kafka.bootstrap-servers");
    assertError("streams: [ { name: Bad-Name } ]", "streams[0].name", "Bad-Name");
    assertError(
        "streams: [ { name: s, partition-by: [ \"week(ts)\" ] } ]", "partition-by[0]", "week(ts)");
    assertError("streams: [ { name: s, table: nodot } ]", "streams[0].table", "nodot");
    assertError(
        "streams: [ { name: s, buffer: { size: 12XB } } ]", "streams[0].buffer.size", "12XB");
    assertError("ingest: { max-record-bytes: 8MiB }", "ingest.max-record-bytes");
    assertError("unknown-key: 1", "unknown-key");
    assertError("streams: [ { name: s, parts: 3 } ]", "streams[0].parts");
    assertError("streams: [ { name: s }, { name: s } ]", "declared twice");
    assertError("http: [1, 2]", "http");
    assertError("data-dir: [unclosed", "Invalid YAML", "line");
    assertError("pgwire: { port: 70000 }", "pgwire.port", "70000");
    assertError("pgwire: { enabled: maybe }", "pgwire.enabled", "maybe");
    assertError("pgwire: { max-connections: 0 }", "pgwire.max-connections", "0");
    assertError("pgwire: { tls: sometimes }", "pgwire.tls", "sometimes");
    assertError("pgwire: { tls: { cert: /no/such.pem, key: /no/such.key } }", "pgwire.tls.cert");
    assertError("pgwire: { tls: { cert: /etc/hostname } }", "pgwire.tls.key");
    assertError("pgwire: { tls: { required: maybe } }", "pgwire.tls.required", "maybe");
    assertError("pgwire: { tls: { ciphers: x } }", "pgwire.tls.ciphers");
    assertError("pgwire: { statement-timeout: 2 hours }", "pgwire.statement-timeout");
    assertError("access: { enabled: maybe }", "access.enabled", "maybe");
    assertError("access: { users: [] }", "access.users");
    assertError("access: { refresh-interval: 10ms }", "access.refresh-interval", "10ms");
    assertError("http: { port: 6000 }\npgwire: { port: 6000 }", "pgwire.port", "6000");
  }

  @Test
  void pgwireCanBeMovedOrTurnedOff() {
    TributaryConfig config =
        TributaryConfig.fromYaml(
            "pgwire: { host: 0.0.0.0, port: 15432, enabled: false, max-connections: 8 }", "test");
    assertThat(config.pgwire()).isEqualTo(new TributaryConfig.PgWire("0.0.0.0", 15432, false, 8));
  }

  @Test
  void pgwireTlsAndTimeouts(@TempDir Path dir) throws Exception {
    assertThat(TributaryConfig.fromYaml("pgwire: { tls: auto }", "t").pgwire().tls())
        .isEqualTo(PgWireTls.AUTO);
    assertThat(TributaryConfig.fromYaml("pgwire: { tls: off }", "t").pgwire().tls())
        .isEqualTo(PgWireTls.OFF);
    assertThat(TributaryConfig.fromYaml("pgwire: { tls: { required: true } }", "t").pgwire().tls())
        .isEqualTo(new PgWireTls(PgWireTls.Mode.AUTO, null, null, true, false));
    Path cert = Files.writeString(dir.resolve("server.crt"), "pem");
    Path key = Files.writeString(dir.resolve("server.key"), "pem");
    TributaryConfig.PgWire files =
        TributaryConfig.fromYaml(
                "pgwire: { tls: { cert: '"
                    + cert
                    + "', key: '"
                    + key
                    + "', cleartext-passwords: true }, idle-session-timeout: 10m,"
                    + " statement-timeout: 30s }",
                "t")
            .pgwire();
    assertThat(files.tls()).isEqualTo(new PgWireTls(PgWireTls.Mode.FILES, cert, key, false, true));
    assertThat(files.idleSessionTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(files.statementTimeout()).isEqualTo(Duration.ofSeconds(30));
    TributaryConfig.PgWire documented =
        TributaryConfig.fromYaml(
                "pgwire:\n  tls: off\n  idle-session-timeout: 0s\n  statement-timeout: 0s\n", "t")
            .pgwire();
    assertThat(documented).isEqualTo(TributaryConfig.PgWire.DEFAULT);
  }

  @Test
  void accessRefreshIntervalIsRead() {
    assertThat(
            TributaryConfig.fromYaml("access: { refresh-interval: 250ms }", "t")
                .access()
                .refreshInterval())
        .isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void accessCanBeTurnedOff() {
    assertThat(TributaryConfig.fromYaml("access: { enabled: false }", "t").access().enabled())
        .isFalse();
  }

  @Test
  void emptyStreamsListMeansNoStreams() {
    assertThat(TributaryConfig.fromYaml("streams: []", "t").streams()).isEmpty();
    assertThat(TributaryConfig.fromYaml("", "t").streams()).hasSize(1);
  }

  @Test
  void streamDefaultsAndExplicitUnpartitioned() {
    assertThat(StreamSpec.withDefaults("clicks").table()).hasToString("raw.clicks");
    StreamSpec unpartitioned =
        TributaryConfig.fromYaml("streams: [ { name: s, partition-by: [] } ]", "t")
            .streams()
            .get(0);
    assertThat(unpartitioned.partitionBy()).isEqualTo(List.of());
  }

  private static void assertError(String yaml, String... fragments) {
    assertThatThrownBy(() -> TributaryConfig.fromYaml(yaml, "test"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContainingAll(fragments);
  }
}
