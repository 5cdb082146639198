package io.tributary.flow;

import io.tributary.core.TableId;
import io.tributary.core.config.PartitionField;
import io.tributary.lake.MaintenanceOptions;
import io.tributary.lake.RowLoad;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** What a task does, by type. Texts may hold template variables ({@code {{ ds }}}). */
public sealed interface TaskAction {
  /** The type name in flow files. */
  String type();

  /**
   * {@code sql}: a SELECT on the embedded engine written to {@code target}, created on the first
   * run with the result's schema and {@code partitionBy}.
   */
  record Sql(String sql, TableId target, RowLoad.Mode mode, List<PartitionField> partitionBy)
      implements TaskAction {
    public Sql {
      Objects.requireNonNull(sql, "sql is null");
      Objects.requireNonNull(target, "target is null");
      Objects.requireNonNull(mode, "mode is null");
      partitionBy = List.copyOf(partitionBy);
    }

    @Override
    public String type() {
      return "sql";
    }
  }

  /** {@code maintain}: compacts small files of {@code table} and expires its old snapshots. */
  record Maintain(TableId table, MaintenanceOptions options) implements TaskAction {
    public Maintain {
      Objects.requireNonNull(table, "table is null");
      Objects.requireNonNull(options, "options is null");
    }

    @Override
    public String type() {
      return "maintain";
    }
  }

  /**
   * {@code http}: calls {@code url}; a 2xx answer succeeds, a 5xx answer or no answer in time is
   * retried, any other answer fails for good.
   */
  record Http(String method, String url, String body, Map<String, String> headers)
      implements TaskAction {
    public Http {
      Objects.requireNonNull(method, "method is null");
      Objects.requireNonNull(url, "url is null");
      body = body == null ? "" : body;
      headers = Map.copyOf(headers);
    }

    @Override
    public String type() {
      return "http";
    }
  }

  /**
   * {@code java}: a {@code io.tributary.spi.FlowTask} class, with {@code options} (texts that may
   * hold template variables) added to the flow's params.
   */
  record Java(String className, Map<String, String> options) implements TaskAction {
    public Java {
      Objects.requireNonNull(className, "className is null");
      options = Map.copyOf(options);
    }

    @Override
    public String type() {
      return "java";
    }
  }

  /**
   * {@code recommend}: an item-to-item recommender trained on the (user, item, time) rows of a
   * dataset table, its top 10 per user written to {@code target}, evaluated on the last {@code
   * holdout} of the rows against popularity.
   */
  record Recommend(
      TableId dataset,
      String userColumn,
      String itemColumn,
      String timeColumn,
      TableId target,
      java.time.Duration holdout)
      implements TaskAction {
    /** The default user, item and time columns. */
    public static final List<String> DEFAULT_COLUMNS = List.of("user_id", "show_id", "ts");

    /** The default target table. */
    public static final TableId DEFAULT_TARGET = TableId.parse("transformed.show_recommendations");

    public Recommend {
      Objects.requireNonNull(dataset, "dataset is null");
      Objects.requireNonNull(userColumn, "userColumn is null");
      Objects.requireNonNull(itemColumn, "itemColumn is null");
      Objects.requireNonNull(timeColumn, "timeColumn is null");
      Objects.requireNonNull(target, "target is null");
      if (holdout.isNegative() || holdout.isZero()) {
        throw new IllegalArgumentException("holdout must be positive: " + holdout);
      }
    }

    @Override
    public String type() {
      return "recommend";
    }
  }

  /** {@code crawl}: one run of the named crawler; the task fails if the run fails. */
  record Crawl(String crawler) implements TaskAction {
    public Crawl {
      Objects.requireNonNull(crawler, "crawler is null");
    }

    @Override
    public String type() {
      return "crawl";
    }
  }

  /**
   * {@code report}: one run of the named report for the run's logical date ({@code ds}), rendered
   * and delivered to its targets; the task fails if the report cannot be produced or a target
   * cannot be reached after its retries.
   */
  record Report(String report) implements TaskAction {
    /** A report's name: lower-case letters, digits, '_' and '-'. */
    public static final java.util.regex.Pattern NAME =
        java.util.regex.Pattern.compile("[a-z][a-z0-9_-]{0,99}");

    public Report {
      Objects.requireNonNull(report, "report is null");
    }

    @Override
    public String type() {
      return "report";
    }
  }

  /**
   * {@code experiment}: computes the results of the named experiment on the lake and appends them,
   * with the snapshot id of every table read, to {@code transformed.experiment_results}.
   */
  record Experiment(String experiment) implements TaskAction {
    public Experiment {
      Objects.requireNonNull(experiment, "experiment is null");
    }

    @Override
    public String type() {
      return "experiment";
    }
  }

  /**
   * {@code spark}: a SELECT run by Apache Spark against the platform's Iceberg REST catalog, its
   * rows written to {@code target} through Iceberg; {@code master} is a Spark master URL, or empty
   * for local mode in a child process.
   */
  record Spark(
      String sql,
      TableId target,
      RowLoad.Mode mode,
      List<PartitionField> partitionBy,
      Optional<String> master)
      implements TaskAction {
    public Spark {
      Objects.requireNonNull(sql, "sql is null");
      Objects.requireNonNull(target, "target is null");
      Objects.requireNonNull(mode, "mode is null");
      partitionBy = List.copyOf(partitionBy);
      Objects.requireNonNull(master, "master is null");
    }

    @Override
    public String type() {
      return "spark";
    }
  }
}
