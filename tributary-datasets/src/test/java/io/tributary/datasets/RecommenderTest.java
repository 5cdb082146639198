package io.tributary.datasets;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.amp.EventGenerator;
import io.tributary.amp.SimulatorConfig;
import io.tributary.core.TableId;
import io.tributary.flow.TaskAction;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecommenderTest {
  static final Schema LISTENS =
      new Schema(
          optional(1, "user_id", Types.StringType.get()),
          optional(2, "show_id", Types.StringType.get()),
          optional(3, "ts", Types.TimestampType.withZone()));

  @Test
  void itemToItemBeatsPopularityOnSeededSimulatorData(@TempDir Path dir) {
    try (TestLake lake = new TestLake(dir)) {
      TableId listens = TableId.parse("raw.listens");
      lake.append(listens, LISTENS, simulatedListens(7, 300, Duration.ofDays(35), 60_000));
      Datasets datasets = new Datasets(lake.lake, lake.engine, Clock.systemUTC());
      datasets.build(
          new DatasetSpec(
              "listens",
              "SELECT user_id, show_id, ts FROM raw.listens",
              Optional.of("user_id"),
              Optional.of("ts"),
              List.of(),
              new DatasetSpec.AsOf.Current()),
          t -> true);
      Recommender recommender = new Recommender(lake.lake, lake.engine, Clock.systemUTC());
      TaskAction.Recommend action =
          new TaskAction.Recommend(
              TableId.parse("transformed.listens"),
              "user_id",
              "show_id",
              "ts",
              TaskAction.Recommend.DEFAULT_TARGET,
              Duration.ofDays(7));

      Recommender.Result result = recommender.run(action, t -> true);

      System.out.println(result.summary());
      assertThat(result.model().users()).isGreaterThan(100);
      assertThat(result.model().precisionAt10()).isGreaterThan(result.popularity().precisionAt10());
      assertThat(result.model().recallAt10()).isGreaterThan(result.popularity().recallAt10());
      assertThat(
              lake.engine
                  .execute("SELECT count(*) FROM transformed.show_recommendations_eval")
                  .rows())
          .containsExactly(List.of(2L));
      // top 10 per user, never a show the user already heard
      assertThat(
              lake.engine
                  .execute(
                      "SELECT count(*) FROM transformed.show_recommendations r JOIN raw.listens l"
                          + " ON l.user_id = r.user_id AND l.show_id = r.show_id")
                  .rows())
          .containsExactly(List.of(0L));
      assertThat(
              lake.engine
                  .execute(
                      "SELECT max(n) FROM (SELECT count(*) AS n FROM"
                          + " transformed.show_recommendations GROUP BY user_id)")
                  .rows())
          .containsExactly(List.of(10L));
      String someone =
          (String)
              lake.engine
                  .execute("SELECT min(user_id) FROM transformed.show_recommendations")
                  .rows()
                  .get(0)
                  .get(0);
      List<Recommender.Recommendation> served =
          recommender.forUser(action.target(), someone, t -> true);
      assertThat(served).extracting(Recommender.Recommendation::rank).startsWith(1, 2);
    }
  }

  /**
   * The {@code listen_start} events of a seeded simulation over {@code span}, as (user, show, ts)
   * rows: {@code events} events evenly spread.
   */
  static List<Object[]> simulatedListens(long seed, int users, Duration span, int events) {
    Instant start = Instant.parse("2026-10-01T00:00:00Z");
    MovingClock clock = new MovingClock(start);
    EventGenerator generator = new EventGenerator(new SimulatorConfig(seed, 200, 60, users), clock);
    long step = span.toMillis() / events;
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      clock.now = start.plusMillis(step * i);
      ObjectNode event = generator.next();
      if (event.get("event_type").asText().equals("listen_start")) {
        rows.add(
            new Object[] {
              event.get("user_id").asText(),
              event.get("show_id").asText(),
              TestLake.micros(Instant.parse(event.get("ts").asText()))
            });
      }
    }
    return rows;
  }

  private static final class MovingClock extends Clock {
    Instant now;

    MovingClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
