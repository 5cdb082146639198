package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterNodesTest {
  private static final Instant T0 = Instant.parse("2026-12-05T06:00:00Z");

  @TempDir Path dir;

  private Supplier<Connection> db() {
    String uri = "jdbc:sqlite:" + dir.resolve("catalog.db");
    return () -> {
      try {
        return DriverManager.getConnection(uri);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    };
  }

  @Test
  void liveNodesAreThoseSeenRecentlyWithWhatTheyOwn() {
    Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    Clock later = Clock.offset(clock, ClusterNodes.EXPIRY.plusSeconds(1));
    try (ClusterNodes a =
            new ClusterNodes(
                db(),
                "a",
                "http://a:7070",
                () -> Map.of("delivery", Map.of("s", List.of(0))),
                clock);
        ClusterNodes b =
            new ClusterNodes(
                db(),
                "b",
                "http://b:7070",
                () -> Map.of("delivery", Map.of("s", List.of(1))),
                clock)) {
      assertThat(a.live()).extracting(ClusterNodes.Node::id).containsExactly("a", "b");
      assertThat(a.live().get(1).owns().path("delivery").path("s").get(0).asInt()).isEqualTo(1);

      ClusterNodes again =
          new ClusterNodes(db(), "b", "http://b:7070", () -> Map.of(), later); // b's next beat
      assertThat(again.live())
          .as("a was not seen for longer than the expiry")
          .extracting(ClusterNodes.Node::id)
          .containsExactly("b");
      again.close();
      assertThat(a.live())
          .as("a node that stops removes its row")
          .extracting(ClusterNodes.Node::id)
          .containsExactly("a");
    }
  }

  @Test
  void theNodeIdIsKeptInTheDataDir() {
    String id = ClusterNodes.localId(dir, new Random(1));
    assertThat(id).matches(".+-[0-9a-f]{8}");
    assertThat(ClusterNodes.localId(dir, new Random(2))).isEqualTo(id);
  }
}
