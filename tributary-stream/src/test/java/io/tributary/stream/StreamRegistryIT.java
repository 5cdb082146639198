package io.tributary.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.core.InvalidInputException;
import io.tributary.core.TableId;
import io.tributary.core.config.ConfigException;
import io.tributary.core.config.StreamSpec;
import io.tributary.core.config.TributaryConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamRegistryIT {
  @TempDir static Path kafkaDir;
  static StreamLog log;

  @TempDir Path dbDir;

  @BeforeAll
  static void startKafka() {
    log = StreamLog.start(KafkaTestSupport.embedded(), kafkaDir);
  }

  @AfterAll
  static void stopKafka() {
    log.close();
  }

  private StreamRegistry registry() {
    return new StreamRegistry(
        KafkaTestSupport.sqlite(dbDir.resolve("catalog.db")),
        log,
        TributaryConfig.Ingest.DEFAULT,
        Clock.systemUTC());
  }

  @Test
  void putGetListDeletePersistAcrossInstances() throws Exception {
    List<String> events = new ArrayList<>();
    StreamSpec clicks =
        StreamSpecs.fromJson(
            "clicks",
            new ObjectMapper()
                .readTree(
                    "{\"partitions\": 2, \"table\": \"raw.clicks_v1\","
                        + " \"buffer\": {\"interval\": \"200ms\", \"size\": \"1MiB\"},"
                        + " \"partition-by\": [\"bucket(4, user_id)\", \"day(_ingested_at)\"]}"));
    try (StreamRegistry registry = registry()) {
      registry.addListener(
          new StreamRegistry.Listener() {
            @Override
            public void streamPut(StreamSpec spec) {
              events.add("put " + spec.name());
            }

            @Override
            public void streamDeleted(String name) {
              events.add("deleted " + name);
            }
          });
      registry.put(clicks);
      registry.put(StreamSpec.withDefaults("views"));
      assertThat(registry.list()).extracting(StreamSpec::name).containsExactly("clicks", "views");
      assertThat(registry.get("clicks")).contains(clicks);
      assertThat(log.endOffsets("clicks")).hasSize(2);
      assertThat(registry.delete("views")).isTrue();
      assertThat(registry.delete("views")).isFalse();
      assertThat(registry.get("views")).isEmpty();
      assertThat(events).containsExactly("put clicks", "put views", "deleted views");
    }
    try (StreamRegistry reopened = registry()) {
      assertThat(reopened.list()).containsExactly(clicks);
      StreamSpec moved =
          new StreamSpec(
              "clicks",
              3,
              TableId.parse("raw.clicks_v2"),
              clicks.buffer(),
              clicks.transform(),
              clicks.partitionBy());
      reopened.put(moved);
      assertThat(log.endOffsets("clicks")).hasSize(3);
      assertThat(reopened.get("clicks")).contains(moved);
    }
  }

  @Test
  void configDeclaredStreamsWinAndHttpStreamsStay() {
    try (StreamRegistry registry = registry()) {
      registry.put(StreamSpec.withDefaults("from_http"));
      registry.put(StreamSpecs.fromJson("app_events", "{\"table\": \"raw.old\"}"));
    }
    try (StreamRegistry registry = registry()) {
      registry.declare(List.of(StreamSpec.withDefaults("app_events")));
      assertThat(registry.list())
          .extracting(StreamSpec::name)
          .containsExactly("app_events", "from_http");
      assertThat(registry.get("app_events").orElseThrow().table())
          .isEqualTo(TableId.parse("raw.app_events"));
    }
  }

  @Test
  void decreasingPartitionsIsRejected() {
    try (StreamRegistry registry = registry()) {
      registry.put(StreamSpecs.fromJson("shrink", "{\"partitions\": 4}"));
      assertThatThrownBy(() -> registry.put(StreamSpecs.fromJson("shrink", "{\"partitions\": 2}")))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("'shrink'")
          .hasMessageContaining("from 4 to 2");
      assertThat(registry.get("shrink").orElseThrow().partitions()).isEqualTo(4);
    }
  }

  @Test
  void badSpecsNameTheKey() {
    assertThatThrownBy(() -> StreamSpecs.fromJson("s1", "{\"buffer\": {\"interval\": \"2h\"}}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("stream 's1'.buffer.interval");
    assertThatThrownBy(() -> StreamSpecs.fromJson("s1", "{\"partitions\": \"many\"}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("stream 's1'.partitions");
    assertThatThrownBy(() -> StreamSpecs.fromJson("s1", "{\"colour\": \"red\"}"))
        .hasMessageContaining("stream 's1'.colour");
    assertThatThrownBy(() -> StreamSpecs.fromJson("s1", "{\"name\": \"s2\"}"))
        .hasMessageContaining("stream 's1'.name");
    assertThatThrownBy(() -> StreamSpecs.fromJson("s1", "{nope"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Invalid JSON for stream 's1'");
  }

  @Test
  void jsonFormRoundTrips() {
    StreamSpec spec =
        StreamSpecs.fromJson(
            "rt",
            "{\"transform\": \"none\", \"buffer\": {\"interval\": \"1500ms\", \"size\": 5000},"
                + " \"partition-by\": []}");
    assertThat(StreamSpecs.fromJson("rt", StreamSpecs.toJson(spec))).isEqualTo(spec);
    assertThat(StreamSpecs.toJson(StreamSpec.withDefaults("d")).toString())
        .isEqualTo(
            "{\"name\":\"d\",\"partitions\":3,\"table\":\"raw.d\",\"buffer\":{\"interval\":\"60s\","
                + "\"size\":\"64MiB\"},\"transform\":\"flatten\",\"partition-by\":[\"day(_ingested_at)\"]}");
  }
}
