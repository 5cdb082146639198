package io.tributary.datasets;

import io.tributary.core.TableId;
import io.tributary.flow.QueryRows;
import io.tributary.flow.TaskAction;
import io.tributary.lake.Committed;
import io.tributary.lake.Lake;
import io.tributary.lake.RowLoad;
import io.tributary.query.QueryEngine;
import io.tributary.query.QueryResult;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A baseline item-to-item show recommender from implicit feedback, computed in SQL on the engine:
 * two shows are similar by the cosine of their listener sets ({@code |A ∩ B| / sqrt(|A| |B|)}); a
 * user's score for a show is the sum of its similarities to the shows the user listened to, and the
 * top 10 shows the user has not listened to are written to the target table ({@code user_id, rank,
 * show_id, score}). In the same run the model is trained again on all but the last {@code holdout}
 * of the rows and evaluated on that later period (precision@10 and recall@10 over the users with
 * history and new shows in it), beside a popularity baseline (the most listened shows the user has
 * not heard); both are appended to {@code <target>_eval}.
 */
public final class Recommender {
  /** How many shows are recommended per user. */
  public static final int TOP = 10;

  /**
   * Shrinks the similarity of shows with few common listeners ({@code |A ∩ B| / (sqrt(|A| |B|) +
   * SHRINK)}): one shared listener between two rare shows is weak evidence.
   */
  static final int SHRINK = 20;

  /** The model names in the evaluation table. */
  public static final String MODEL = "item_cosine";

  public static final String POPULARITY = "popularity";

  private final Lake lake;
  private final QueryEngine engine;
  private final Clock clock;

  public Recommender(Lake lake, QueryEngine engine, Clock clock) {
    this.lake = Objects.requireNonNull(lake, "lake is null");
    this.engine = Objects.requireNonNull(engine, "engine is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
  }

  /** One model's offline figures. */
  public record Figures(String model, long users, double precisionAt10, double recallAt10) {}

  /** What a run wrote and measured. */
  public record Result(
      TableId target,
      long snapshotId,
      long rows,
      Figures model,
      Figures popularity,
      TableId evaluation) {
    /** The figures as two printable lines. */
    public String summary() {
      return String.format(
          java.util.Locale.ROOT,
          "%-12s precision@10 %.4f  recall@10 %.4f  (%d users)%n"
              + "%-12s precision@10 %.4f  recall@10 %.4f  (%d users)",
          model.model(),
          model.precisionAt10(),
          model.recallAt10(),
          model.users(),
          popularity.model(),
          popularity.precisionAt10(),
          popularity.recallAt10(),
          popularity.users());
    }
  }

  /** One recommendation served. */
  public record Recommendation(int rank, String showId, double score) {}

  /** The evaluation table of {@code target}. */
  public static TableId evaluationTable(TableId target) {
    return new TableId(target.namespace(), target.name() + "_eval");
  }

  /**
   * Trains, writes and evaluates as {@code action} says, reading only what {@code readable}
   * accepts.
   */
  public Result run(TaskAction.Recommend action, Predicate<TableId> readable) {
    String base = base(action);
    String recommendations =
        base
            + ",\ntrain AS (SELECT u, i FROM base),\n"
            + model()
            + "\nSELECT u AS user_id, rank, j AS show_id, score FROM recs";
    record Written(long snapshot, long rows) {}
    Written written =
        engine.stream(
            recommendations,
            readable,
            stream -> {
              QueryRows rows = new QueryRows(stream);
              Committed committed =
                  new RowLoad(lake.writer(action.target()), List.of())
                      .write(rows.schema(), rows, RowLoad.Mode.REPLACE, summary(action));
              return new Written(committed.snapshotId(), rows.count());
            });
    long seconds = action.holdout().toSeconds();
    String evaluation =
        base
            + ",\ncutoff AS (SELECT max(t) - INTERVAL '"
            + seconds
            + " seconds' AS c FROM base),\n"
            + "train AS (SELECT u, i FROM base WHERE t < (SELECT c FROM cutoff)),\n"
            + model()
            + ",\n"
            + "pop AS (SELECT i, count(*) AS n FROM train GROUP BY i),\n"
            + "heard AS (SELECT u, count(*) AS n FROM train GROUP BY u),\n"
            + "poprank AS (SELECT i, row_number() OVER (ORDER BY n DESC, i) AS r FROM pop),\n"
            + "test AS (SELECT DISTINCT b.u, b.i FROM base b WHERE b.t >= (SELECT c FROM cutoff)"
            + " AND b.u IN (SELECT u FROM heard)"
            + " AND NOT EXISTS (SELECT 1 FROM train x WHERE x.u = b.u AND x.i = b.i)),\n"
            + "relevant AS (SELECT u, count(*) AS n FROM test GROUP BY u),\n"
            + "popcands AS (SELECT h.u, p.i, p.r FROM heard h JOIN relevant rl ON rl.u = h.u"
            + " JOIN poprank p ON p.r <= h.n + "
            + TOP
            + " WHERE NOT EXISTS (SELECT 1 FROM train x WHERE x.u = h.u AND x.i = p.i)),\n"
            + "poprecs AS (SELECT u, i FROM popcands"
            + " QUALIFY row_number() OVER (PARTITION BY u ORDER BY r) <= "
            + TOP
            + "),\n"
            + "hits AS (SELECT rl.u, rl.n,"
            + " (SELECT count(*) FROM recs r JOIN test t ON t.u = r.u AND t.i = r.j"
            + " WHERE r.u = rl.u) AS model_hits,"
            + " (SELECT count(*) FROM poprecs p JOIN test t ON t.u = p.u AND t.i = p.i"
            + " WHERE p.u = rl.u) AS pop_hits FROM relevant rl)\n"
            + "SELECT '"
            + MODEL
            + "' AS model, count(*) AS users, coalesce(avg(model_hits / "
            + TOP
            + ".0), 0) AS precision_at_10, coalesce(avg(model_hits / n), 0) AS recall_at_10 FROM hits\n"
            + "UNION ALL SELECT '"
            + POPULARITY
            + "', count(*), coalesce(avg(pop_hits / "
            + TOP
            + ".0), 0), coalesce(avg(pop_hits / n), 0) FROM hits\n"
            + "ORDER BY model";
    QueryResult figures = engine.execute(evaluation, readable);
    Map<String, Figures> byModel = new LinkedHashMap<>();
    for (List<Object> row : figures.rows()) {
      byModel.put(
          (String) row.get(0),
          new Figures(
              (String) row.get(0),
              ((Number) row.get(1)).longValue(),
              ((Number) row.get(2)).doubleValue(),
              ((Number) row.get(3)).doubleValue()));
    }
    TableId evaluationTable = evaluationTable(action.target());
    String evaluated = clock.instant().toString();
    String evaluationRows =
        "SELECT CAST('"
            + evaluated
            + "' AS TIMESTAMP WITH TIME ZONE) AS evaluated_at, '"
            + action.dataset()
            + "' AS dataset, CAST("
            + action.holdout().toHours()
            + " AS BIGINT) AS holdout_hours, model, users, precision_at_10, recall_at_10 FROM (VALUES "
            + values(byModel.get(MODEL))
            + ", "
            + values(byModel.get(POPULARITY))
            + ") AS v(model, users, precision_at_10, recall_at_10)";
    engine.stream(
        evaluationRows,
        readable,
        stream -> {
          QueryRows rows = new QueryRows(stream);
          return new RowLoad(lake.writer(evaluationTable), List.of())
              .write(rows.schema(), rows, RowLoad.Mode.APPEND, summary(action));
        });
    return new Result(
        action.target(),
        written.snapshot(),
        written.rows(),
        byModel.get(MODEL),
        byModel.get(POPULARITY),
        evaluationTable);
  }

  /** The top recommendations of {@code user} in {@code table}, best first. */
  public List<Recommendation> forUser(TableId table, String user, Predicate<TableId> readable) {
    QueryResult result =
        engine.execute(
            "SELECT rank, show_id, score FROM "
                + table
                + " WHERE user_id = '"
                + user.replace("'", "''")
                + "' ORDER BY rank",
            readable);
    List<Recommendation> recommendations = new ArrayList<>();
    for (List<Object> row : result.rows()) {
      recommendations.add(
          new Recommendation(
              ((Number) row.get(0)).intValue(),
              (String) row.get(1),
              ((Number) row.get(2)).doubleValue()));
    }
    return recommendations;
  }

  private static String values(Figures figures) {
    return String.format(
        java.util.Locale.ROOT,
        "('%s', CAST(%d AS BIGINT), CAST(%s AS DOUBLE), CAST(%s AS DOUBLE))",
        figures.model(),
        figures.users(),
        Double.toString(figures.precisionAt10()),
        Double.toString(figures.recallAt10()));
  }

  private static Map<String, String> summary(TaskAction.Recommend action) {
    return Map.of("tributary.recommend.dataset", action.dataset().toString());
  }

  /** {@code base}: one row per (user, item) with its first time, from the dataset. */
  private static String base(TaskAction.Recommend action) {
    return "WITH base AS (SELECT CAST("
        + Datasets.quote(action.userColumn())
        + " AS VARCHAR) AS u, CAST("
        + Datasets.quote(action.itemColumn())
        + " AS VARCHAR) AS i, min("
        + Datasets.quote(action.timeColumn())
        + ") AS t FROM "
        + action.dataset()
        + " WHERE "
        + Datasets.quote(action.userColumn())
        + " IS NOT NULL AND "
        + Datasets.quote(action.itemColumn())
        + " IS NOT NULL AND "
        + Datasets.quote(action.timeColumn())
        + " IS NOT NULL GROUP BY 1, 2)";
  }

  /** The model over {@code train (u, i)}: {@code recs (u, rank, show, score)}. */
  private static String model() {
    return "deg AS (SELECT i, count(*) AS n FROM train GROUP BY i),\n"
        + "co AS (SELECT a.i AS i, b.i AS j, count(*) AS c FROM train a JOIN train b"
        + " ON a.u = b.u AND a.i <> b.i GROUP BY 1, 2),\n"
        + "sim AS (SELECT co.i, co.j, co.c / (sqrt(di.n * dj.n) + "
        + SHRINK
        + ") AS s FROM co"
        + " JOIN deg di ON di.i = co.i JOIN deg dj ON dj.i = co.j),\n"
        + "scored AS (SELECT t.u, sim.j AS j, sum(sim.s) AS score FROM train t"
        + " JOIN sim ON sim.i = t.i GROUP BY 1, 2),\n"
        + "fresh AS (SELECT s.u, s.j, s.score FROM scored s"
        + " WHERE NOT EXISTS (SELECT 1 FROM train x WHERE x.u = s.u AND x.i = s.j)),\n"
        + "recs AS (SELECT u, CAST(row_number() OVER (PARTITION BY u ORDER BY score DESC, j)"
        + " AS INTEGER) AS rank, j, score FROM fresh QUALIFY rank <= "
        + TOP
        + ")";
  }
}
