package io.tributary.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.amp.EventGenerator;
import io.tributary.amp.SimulatorConfig;
import io.tributary.core.TableId;
import io.tributary.core.config.TributaryConfig;
import io.tributary.datasets.DatasetManifest;
import io.tributary.datasets.DatasetSpec;
import io.tributary.datasets.Datasets;
import io.tributary.datasets.Recommender;
import io.tributary.flow.TaskAction;
import io.tributary.lake.Lake;
import io.tributary.lake.RowLoad;
import io.tributary.query.QueryEngine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.types.Types;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench recommend}: the simulator's listening ({@code listen_start} events of a seeded run
 * over {@code --days}) written to {@code raw.listens}, a point-in-time dataset built over it, and
 * the baseline recommender trained, written and evaluated on the last {@code --holdout-days}
 * against popularity: precision@10 and recall@10 of both, printed.
 */
@Command(
    name = "recommend",
    description =
        "Item-to-item show recommender vs popularity on simulated listening: precision@10,"
            + " recall@10.")
final class RecommendBenchmark implements Callable<Integer> {
  private static final Schema LISTENS =
      new Schema(
          Types.NestedField.optional(1, "user_id", Types.StringType.get()),
          Types.NestedField.optional(2, "show_id", Types.StringType.get()),
          Types.NestedField.optional(3, "ts", Types.TimestampType.withZone()));

  @Option(names = "--seed", defaultValue = "42", description = "Simulator seed")
  long seed;

  @Option(names = "--users", defaultValue = "2000", description = "Simulated users")
  int users;

  @Option(names = "--events", defaultValue = "150000", description = "Simulated events")
  int events;

  @Option(names = "--days", defaultValue = "35", description = "Days the events span")
  int days;

  @Option(names = "--holdout-days", defaultValue = "7", description = "Held-out last days")
  int holdoutDays;

  @Override
  public Integer call() throws Exception {
    try (ScratchDir dir = new ScratchDir("tributary-bench-recommend");
        Lake lake = Lake.open(LocalPlatform.catalog(dir.path()), Clock.systemUTC());
        QueryEngine engine =
            new QueryEngine(lake.catalog(), lake.warehouse(), TributaryConfig.Query.DEFAULT)) {
      long started = System.nanoTime();
      List<Object[]> rows = listens();
      new RowLoad(lake.writer(TableId.parse("raw.listens")), List.of())
          .write(
              LISTENS,
              rows.stream().<StructLike>map(Row::new).iterator(),
              RowLoad.Mode.APPEND,
              Map.of());
      System.out.printf(
          "simulated %d events (seed %d, %d users, %d days): %d listens%n",
          events, seed, users, days, rows.size());
      Datasets datasets = new Datasets(lake, engine, Clock.systemUTC());
      DatasetManifest manifest =
          datasets.build(
              new DatasetSpec(
                  "listens",
                  "SELECT user_id, show_id, ts FROM raw.listens",
                  Optional.of("user_id"),
                  Optional.of("ts"),
                  List.of(),
                  new DatasetSpec.AsOf.Current()),
              table -> true);
      System.out.printf(
          "dataset transformed.listens: %d rows, inputs %s%n", manifest.rows(), manifest.inputs());
      Recommender.Result result =
          new Recommender(lake, engine, Clock.systemUTC())
              .run(
                  new TaskAction.Recommend(
                      manifest.table(),
                      "user_id",
                      "show_id",
                      "ts",
                      TaskAction.Recommend.DEFAULT_TARGET,
                      Duration.ofDays(holdoutDays)),
                  table -> true);
      System.out.println(result.summary());
      System.out.printf(
          "wrote %d recommendations to %s in %.1f s%n",
          result.rows(), result.target(), (System.nanoTime() - started) / 1e9);
      return 0;
    }
  }

  private List<Object[]> listens() {
    Instant start = Instant.parse("2026-10-01T00:00:00Z");
    SteppedClock clock = new SteppedClock(start);
    EventGenerator generator = new EventGenerator(new SimulatorConfig(seed, 200, 60, users), clock);
    long step = Duration.ofDays(days).toMillis() / events;
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      clock.now = start.plusMillis(step * i);
      ObjectNode event = generator.next();
      if (event.get("event_type").asText().equals("listen_start")) {
        Instant ts = Instant.parse(event.get("ts").asText());
        rows.add(
            new Object[] {
              event.get("user_id").asText(),
              event.get("show_id").asText(),
              ts.getEpochSecond() * 1_000_000L + ts.getNano() / 1000
            });
      }
    }
    return rows;
  }

  /** A clock the benchmark moves, so simulated events spread over days in no time. */
  private static final class SteppedClock extends Clock {
    Instant now;

    SteppedClock(Instant now) {
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

  private record Row(Object[] values) implements StructLike {
    @Override
    public int size() {
      return values.length;
    }

    @Override
    public <T> T get(int pos, Class<T> javaClass) {
      return javaClass.cast(values[pos]);
    }

    @Override
    public <T> void set(int pos, T value) {
      values[pos] = value;
    }
  }
}
