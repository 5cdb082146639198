package io.tributary.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-04T00:00:00Z"), ZoneOffset.UTC);

  /** A spec for the tests: a name and a number, as "name=size". */
  record Spec(String name, int size) {}

  private static final Registry.Codec<Spec> CODEC =
      Registry.Codec.of(
          Spec::name,
          spec -> Integer.toString(spec.size()),
          (name, json) -> new Spec(name, Integer.parseInt(json)));

  @TempDir Path dir;

  private Supplier<Connection> db() {
    String url = "jdbc:sqlite:" + dir.resolve("metadata.db");
    return () -> {
      try {
        return DriverManager.getConnection(url);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    };
  }

  private Registry<Spec> registry(String kind, Registry.Names names) {
    return new Registry<>(kind, db(), "test_" + kind + "s", CODEC, names, CLOCK);
  }

  @Test
  void putGetListDeletePersistAndTellListenersOfChangesOnly() {
    List<String> events = new ArrayList<>();
    Registry<Spec> streams = registry("stream", null);
    streams.addListener(
        new Registry.Listener<>() {
          @Override
          public void put(Spec spec) {
            events.add("put " + spec);
          }

          @Override
          public void deleted(String name) {
            events.add("deleted " + name);
          }
        });
    streams.put(new Spec("b", 1));
    streams.put(new Spec("a", 2));
    streams.put(new Spec("a", 2)); // unchanged: not written, not announced
    assertThat(streams.list()).extracting(Spec::name).containsExactly("a", "b");
    assertThat(registry("stream", null).get("a")).contains(new Spec("a", 2));

    assertThat(streams.delete("b")).isTrue();
    assertThat(streams.delete("b")).isFalse();
    assertThat(registry("stream", null).list()).containsExactly(new Spec("a", 2));
    assertThat(events)
        .containsExactly("put Spec[name=b, size=1]", "put Spec[name=a, size=2]", "deleted b");
  }

  @Test
  void aRefusedChangeLeavesNothingBehind() {
    Registry<Spec> streams = registry("stream", null);
    Registry.Change<Spec> onlyGrow =
        (previous, next) -> {
          if (previous != null && next.size() < previous.size()) {
            throw new InvalidInputException(ErrorCode.INVALID_PARTITIONS, "only grows");
          }
        };
    streams.put(new Spec("a", 3), onlyGrow);
    assertThatThrownBy(() -> streams.put(new Spec("a", 2), onlyGrow))
        .isInstanceOf(InvalidInputException.class);
    assertThat(registry("stream", null).get("a")).contains(new Spec("a", 3));
  }

  @Test
  void kindsSharingNamesRefuseEachOthersNamesUntilDeleted() {
    Registry.Names kafkaTopics = new Registry.Names("Kafka topics");
    Registry<Spec> streams = registry("stream", kafkaTopics);
    Registry<Spec> topics = registry("topic", kafkaTopics);
    topics.put(new Spec("plays", 2));

    assertThatThrownBy(() -> streams.put(new Spec("plays", 2)))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NAME_TAKEN))
        .hasMessageContaining("Cannot create stream 'plays'")
        .hasMessageContaining("a topic has that name")
        .hasMessageContaining("Kafka topics");
    assertThat(streams.get("plays")).isEmpty();
    topics.put(new Spec("plays", 3)); // its own name: a change, not a clash

    streams.put(new Spec("likes", 1));
    assertThatThrownBy(() -> topics.put(new Spec("likes", 1)))
        .hasMessageContaining("Cannot create topic 'likes': a stream has that name");

    topics.delete("plays");
    assertThat(streams.put(new Spec("plays", 2))).isEqualTo(new Spec("plays", 2));
  }

  @Test
  void aChangeThatFailsReleasesTheNameItClaimed() {
    Registry.Names kafkaTopics = new Registry.Names("Kafka topics");
    Registry<Spec> streams = registry("stream", kafkaTopics);
    Registry<Spec> topics = registry("topic", kafkaTopics);
    assertThatThrownBy(
            () ->
                streams.put(
                    new Spec("x", 1),
                    (previous, next) -> {
                      throw new IllegalStateException("broker down");
                    }))
        .hasMessage("broker down");
    assertThat(topics.put(new Spec("x", 1))).isEqualTo(new Spec("x", 1));
  }
}
