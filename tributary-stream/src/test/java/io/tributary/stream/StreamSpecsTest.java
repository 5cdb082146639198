package io.tributary.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.config.ConfigException;
import io.tributary.core.config.Replication;
import io.tributary.core.config.StreamSpec;
import org.junit.jupiter.api.Test;

class StreamSpecsTest {
  @Test
  void replicationSurvivesTheJsonForm() {
    StreamSpec spec =
        StreamSpecs.fromJson(
            "clicks", "{\"partitions\": 6, \"replication-factor\": 3, \"min-insync-replicas\": 2}");
    assertThat(spec.replication()).isEqualTo(new Replication(3, 2));
    assertThat(StreamSpecs.toJson(spec).path("replication-factor").asInt()).isEqualTo(3);
    assertThat(StreamSpecs.fromJson("clicks", StreamSpecs.toJson(spec))).isEqualTo(spec);
  }

  @Test
  void theClusterDefaultIsLeftOutOfTheJsonForm() {
    StreamSpec spec = StreamSpecs.fromJson("clicks", "{}");
    assertThat(spec.replication()).isEqualTo(Replication.DEFAULT);
    assertThat(StreamSpecs.toJson(spec).has("replication-factor")).isFalse();
    assertThat(StreamSpecs.toJson(spec).has("min-insync-replicas")).isFalse();
  }

  @Test
  void refusesMoreInSyncReplicasThanCopies() {
    assertThatThrownBy(
            () ->
                StreamSpecs.fromJson(
                    "clicks", "{\"replication-factor\": 2, \"min-insync-replicas\": 3}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("stream 'clicks'.min-insync-replicas")
        .hasMessageContaining("'3'");
  }
}
