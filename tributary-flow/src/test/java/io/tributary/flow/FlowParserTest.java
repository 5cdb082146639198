package io.tributary.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.TableId;
import io.tributary.lake.RowLoad;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class FlowParserTest {
  private static final FlowParser PARSER =
      new FlowParser(
          sql -> {
            if (!sql.strip().toUpperCase().startsWith("SELECT")) {
              throw new InvalidInputException(ErrorCode.QUERY_ERROR, "Parser Error: syntax error");
            }
          });

  private static final String DAILY =
      """
      name: daily_x
      schedule: "0 3 * * *"
      timezone: Europe/Paris
      triggers:
        - table: raw.app_events
      start-date: 2024-01-01
      catchup: true
      max-active-runs: 2
      params: { country: fr }
      defaults:
        retries: { attempts: 3, delay: 1s, max-delay: 1m }
        timeout: 10m
      tasks:
        - id: stage
          type: sql
          sql: SELECT * FROM raw.app_events WHERE day = DATE '{{ ds }}' AND c = '{{ params.country }}'
          target: transformed.stage_x
          mode: replace
        - id: daily
          type: sql
          depends-on: [stage]
          sql: SELECT day, count(*) AS n FROM transformed.stage_x GROUP BY day
          target: transformed.daily_x
          mode: overwrite-partitions
          partition-by: [day]
          retries: 0
        - id: notify
          type: http
          depends-on: daily
          trigger-rule: all_done
          url: http://127.0.0.1:1/done?ds={{ ds }}
          method: post
          timeout: 5s
      """;

  private static String errorOf(String yaml) {
    try {
      PARSER.parse(yaml, "flows/x.yaml", null);
    } catch (FlowDefinitionException e) {
      return e.getMessage();
    }
    throw new AssertionError("accepted: " + yaml);
  }

  @Test
  void readsEveryKey() {
    FlowSpec spec = PARSER.parse(DAILY, "flows/daily_x.yaml", null);

    assertThat(spec.name()).isEqualTo("daily_x");
    assertThat(spec.timezone()).isEqualTo(ZoneId.of("Europe/Paris"));
    assertThat(spec.schedule().orElseThrow().text()).isEqualTo("0 3 * * *");
    assertThat(spec.triggers())
        .containsExactly(new TableTrigger(TableId.parse("raw.app_events"), 0, 0));
    assertThat(spec.startDate()).contains(Instant.parse("2023-12-31T23:00:00Z"));
    assertThat(spec.catchup()).isTrue();
    assertThat(spec.maxActiveRuns()).isEqualTo(2);
    assertThat(spec.params()).containsEntry("country", "fr");
    TaskSpec stage = spec.tasks().get(0);
    assertThat(stage.retries())
        .isEqualTo(new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofMinutes(1)));
    assertThat(stage.timeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(stage.triggerRule()).isEqualTo(TriggerRule.ALL_SUCCESS);
    assertThat(((TaskAction.Sql) stage.action()).mode()).isEqualTo(RowLoad.Mode.REPLACE);
    TaskSpec daily = spec.tasks().get(1);
    assertThat(daily.dependsOn()).containsExactly("stage");
    assertThat(daily.retries().attempts()).isEqualTo(1);
    assertThat(((TaskAction.Sql) daily.action()).partitionBy()).hasToString("[day]");
    TaskSpec notify = spec.tasks().get(2);
    assertThat(notify.triggerRule()).isEqualTo(TriggerRule.ALL_DONE);
    assertThat(notify.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(((TaskAction.Http) notify.action()).method()).isEqualTo("POST");
  }

  @Test
  void defaultsArePinned() {
    FlowSpec spec =
        PARSER.parse(
            "tasks:\n  - id: a\n    type: http\n    url: http://127.0.0.1:1/\n", "test", "minimal");
    assertThat(spec.name()).isEqualTo("minimal");
    assertThat(spec.schedule()).isEmpty();
    assertThat(spec.catchup()).isFalse();
    assertThat(spec.maxActiveRuns()).isEqualTo(1);
    assertThat(spec.timezone().getId()).isEqualTo("Z");
    TaskSpec task = spec.tasks().get(0);
    assertThat(task.retries()).isEqualTo(RetryPolicy.NONE);
    assertThat(task.timeout()).isEqualTo(Duration.ofHours(1));
    assertThat(task.triggerRule()).isEqualTo(TriggerRule.ALL_SUCCESS);
    assertThat(((TaskAction.Http) task.action()).method()).isEqualTo("GET");
  }

  @Test
  void unknownKeyNamesFileLineAndKey() {
    String yaml = DAILY.replace("    mode: replace\n", "    mode: replace\n    modes: x\n");
    assertThat(errorOf(yaml))
        .startsWith("Invalid flow flows/x.yaml, line 19, tasks[0].modes: unknown key");
  }

  @Test
  void cyclesAreRefusedWithTheirPath() {
    String yaml =
        """
        name: loop
        tasks:
          - { id: a, type: http, url: "http://h/", depends-on: [c] }
          - { id: b, type: http, url: "http://h/", depends-on: [a] }
          - { id: c, type: http, url: "http://h/", depends-on: [b] }
        """;
    assertThat(errorOf(yaml))
        .contains("line 2, tasks: Tasks depend on each other in a cycle: a -> c -> b -> a");
  }

  @Test
  void unknownTaskIdsAreRefused() {
    assertThat(errorOf(DAILY.replace("depends-on: [stage]", "depends-on: [stag]")))
        .contains("line 21, tasks[1].depends-on: task 'daily' depends on unknown task 'stag'");
  }

  @Test
  void badCronIsRefused() {
    assertThat(errorOf(DAILY.replace("\"0 3 * * *\"", "\"0 25 * * *\"")))
        .contains("line 2, schedule: '0 25 * * *': not a cron expression");
    assertThat(errorOf(DAILY.replace("\"0 3 * * *\"", "\"@fortnightly\"")))
        .contains("unknown preset @fortnightly");
  }

  @Test
  void unknownTemplateVariablesAreRefused() {
    assertThat(errorOf(DAILY.replace("{{ ds }}", "{{ dss }}")))
        .contains("line 16, tasks[0].sql: task 'stage': unknown template variable 'dss'");
    assertThat(errorOf(DAILY.replace("{{ params.country }}", "{{ params.region }}")))
        .contains("unknown template variable 'params.region'");
  }

  @Test
  void sqlThatDoesNotParseIsRefusedWithTheEngineMessage() {
    assertThat(errorOf(DAILY.replace("sql: SELECT day,", "sql: SELEC day,")))
        .contains("line 22, tasks[1].sql: task 'daily': Parser Error: syntax error");
  }

  @Test
  void maintainTasksAndKeysOfAnotherType() {
    FlowSpec spec =
        PARSER.parse(
            "tasks:\n  - { id: m, type: maintain, table: raw.app_events, expire-older-than: 2h,"
                + " retain-last: 3 }\n",
            "test",
            "tidy");
    TaskAction.Maintain maintain = (TaskAction.Maintain) spec.tasks().get(0).action();
    assertThat(maintain.table()).isEqualTo(TableId.parse("raw.app_events"));
    assertThat(maintain.options().expireOlderThan()).isEqualTo(Duration.ofHours(2));
    assertThat(maintain.options().retainLast()).isEqualTo(3);
    assertThat(errorOf(DAILY.replace("    method: post\n", "    method: post\n    mode: append\n")))
        .contains("tasks[2].mode: is not a key of http tasks");
  }

  @Test
  void theReadmeExampleIsAValidFlow() throws java.io.IOException {
    String readme = java.nio.file.Files.readString(java.nio.file.Path.of("../README.md"));
    int section = readme.indexOf("## Flows");
    int start = readme.indexOf("```yaml\n", section) + "```yaml\n".length();
    String yaml = readme.substring(start, readme.indexOf("```", start));

    FlowSpec spec = PARSER.parse(yaml, "README.md", null);

    assertThat(spec.name()).isEqualTo("daily_listens");
    assertThat(spec.tasks()).extracting(TaskSpec::id).containsExactly("daily", "notify", "tidy");
    assertThat(spec.tasks().get(0).retries().attempts()).isEqualTo(3);
  }

  @Test
  void scalarListAndKeyMistakesNameTheirLineAndKey() {
    String task = "tasks:\n  - id: a\n    type: http\n    url: http://x\n";
    assertThat(errorOf("name: x\ncolour: red\n" + task))
        .isEqualTo(
            "Invalid flow flows/x.yaml, line 2, colour: unknown key (known keys: ["
                + "catchup, defaults, max-active-runs, name, params, pools, schedule, start-date, tasks,"
                + " timezone, triggers])");
    assertThat(errorOf("name: x\ncatchup: maybe\n" + task))
        .isEqualTo("Invalid flow flows/x.yaml, line 2, catchup: 'maybe' (must be true or false)");
    assertThat(errorOf("name: x\n" + task + "    depends-on: [[b]]\n"))
        .startsWith("Invalid flow flows/x.yaml, line 6, tasks[0].depends-on[0]: '[\"b\"]'")
        .endsWith("(must be a single value)");
    assertThat(errorOf("name: x\ntasks:\n  - type: http\n    url: http://x\n"))
        .isEqualTo("Invalid flow flows/x.yaml, line 3, tasks[0].id: is required");
  }

  @Test
  void otherMistakes() {
    assertThat(errorOf("name: x\ntasks: []\n")).contains("a flow needs at least one task");
    assertThat(errorOf(DAILY.replace("trigger-rule: all_done", "trigger-rule: most")))
        .contains("unknown trigger rule");
    assertThat(errorOf(DAILY.replace("mode: replace", "mode: upsert"))).contains("unknown mode");
    assertThat(errorOf(DAILY.replace("type: http", "type: hive")))
        .contains("unknown task type 'hive'");
    assertThat(errorOf(DAILY.replace("timezone: Europe/Paris", "timezone: Mars/Olympus")))
        .contains("timezone: 'Mars/Olympus'");
    assertThat(errorOf(DAILY.replace("max-active-runs: 2", "max-active-runs: 0")))
        .contains("line 8, max-active-runs: '0' (must be 1..1000)");
    assertThat(errorOf(DAILY.replace("id: daily", "id: stage"))).contains("used twice");
    assertThat(errorOf("name: x\n  bad: [\n")).contains("not YAML");
    assertThatThrownBy(() -> PARSER.parse(DAILY, "PUT /v1/flows/other", "other"))
        .hasMessageContaining("'daily_x' differs from the flow's name 'other'");
  }

  private static final FlowParser CHECKED =
      new FlowParser(
          FlowChecks.of(
              table -> table.namespace().equals("raw") && !table.name().equals("nope"),
              (sql, produced) -> {
                if (sql.contains("raw.nope")) {
                  throw new InvalidInputException(
                      ErrorCode.QUERY_ERROR, "Catalog Error: Table with name nope does not exist!");
                }
                if (sql.contains("transformed.") && produced.isEmpty()) {
                  throw new InvalidInputException(ErrorCode.QUERY_ERROR, "not produced");
                }
              }));

  private static String checkedErrorOf(String yaml) {
    try {
      CHECKED.parse(yaml, "flows/x.yaml", null);
    } catch (FlowDefinitionException e) {
      return e.getMessage();
    }
    throw new AssertionError("accepted: " + yaml);
  }

  @Test
  void loadTimeChecksNameTheFileLineAndTask() {
    assertThat(CHECKED.parse(DAILY, "flows/x.yaml", null).tasks()).hasSize(3);
    assertThat(checkedErrorOf(DAILY.replace("- table: raw.app_events", "- table: raw.nope")))
        .isEqualTo("Invalid flow flows/x.yaml, line 5, triggers[0].table: unknown table raw.nope");
    assertThat(checkedErrorOf(DAILY.replace("FROM raw.app_events", "FROM raw.nope")))
        .isEqualTo(
            "Invalid flow flows/x.yaml, line 16, tasks[0].sql: task 'stage': Catalog Error: Table"
                + " with name nope does not exist!");
    assertThat(checkedErrorOf(DAILY.replace("{{ params.country }}", "{{ params.city }}")))
        .startsWith(
            "Invalid flow flows/x.yaml, line 16, tasks[0].sql: task 'stage': unknown"
                + " template variable 'params.city'");
    String maintain = "name: m\ntasks:\n  - { id: tidy, type: maintain, table: raw.nope }\n";
    assertThat(checkedErrorOf(maintain))
        .isEqualTo(
            "Invalid flow flows/x.yaml, line 3, tasks[0].table: task 'tidy': unknown table"
                + " raw.nope");
  }

  @Test
  void triggersTakeMinimumsOfNewRowsAndFiles() {
    FlowSpec spec =
        PARSER.parse(
            DAILY
                .replace("- table: raw.app_events", "- { table: raw.app_events, min-rows: 500 }")
                .replace("triggers:\n", "triggers:\n  - { table: raw.other, min-files: 3 }\n"),
            "flows/x.yaml",
            null);

    assertThat(spec.triggers())
        .containsExactly(
            new TableTrigger(TableId.parse("raw.other"), 0, 3),
            new TableTrigger(TableId.parse("raw.app_events"), 500, 0));
    assertThat(
            errorOf(DAILY.replace("- table: raw.app_events", "- { table: raw.x, min-rows: -1 }")))
        .contains("triggers[0].min-rows: '-1'");
    assertThat(errorOf(DAILY.replace("- table: raw.app_events", "- { table: raw.x, rows: 5 }")))
        .contains("triggers[0].rows: unknown key");
  }

  @Test
  void readsJavaCrawlAndSparkTasks() {
    FlowSpec spec =
        PARSER.parse(
            """
            name: more
            tasks:
              - id: export
                type: java
                class: com.acme.Export
                options: { bucket: "b-{{ ds }}" }
              - id: crawl
                type: crawl
                crawler: landing_csv
              - id: big
                type: spark
                depends-on: [export, crawl]
                sql: SELECT * FROM raw.app_events
                target: transformed.big
                mode: overwrite-partitions
                partition-by: [day(ts)]
                master: spark://10.0.0.1:7077
            """,
            "flows/more.yaml",
            null);

    assertThat(spec.task("export").orElseThrow().action())
        .isEqualTo(
            new TaskAction.Java("com.acme.Export", java.util.Map.of("bucket", "b-{{ ds }}")));
    assertThat(spec.task("crawl").orElseThrow().action())
        .isEqualTo(new TaskAction.Crawl("landing_csv"));
    TaskAction.Spark spark = (TaskAction.Spark) spec.task("big").orElseThrow().action();
    assertThat(spark.master()).contains("spark://10.0.0.1:7077");
    assertThat(spark.mode()).isEqualTo(RowLoad.Mode.OVERWRITE_PARTITIONS);
    assertThat(SparkTaskRunner.transform(spark.partitionBy().get(0))).isEqualTo("days(ts)");

    String java = "name: j\ntasks:\n  - { id: a, type: java, class: 'not a class' }\n";
    assertThat(errorOf(java)).contains("tasks[0].class: 'not a class': not a Java class name");
    String options =
        "name: j\ntasks:\n  - { id: a, type: java, class: A, options: { x: '{{ y }}' } }\n";
    assertThat(errorOf(options))
        .contains("tasks[0].options.x: task 'a': unknown template variable 'y'");
    assertThat(
            PARSER
                .parse(
                    "name: e\ntasks:\n  - { id: a, type: experiment, experiment: shows }\n",
                    "flows/e.yaml",
                    null)
                .task("a")
                .orElseThrow()
                .action())
        .isEqualTo(new TaskAction.Experiment("shows"));
    String experiment = "name: e\ntasks:\n  - { id: a, type: experiment, experiment: Bad }\n";
    assertThat(errorOf(experiment))
        .contains("tasks[0].experiment: 'Bad' is not an experiment name");
    String crawl = "name: c\ntasks:\n  - { id: a, type: crawl, crawler: Bad }\n";
    assertThat(errorOf(crawl)).contains("tasks[0].crawler: 'Bad' is not a crawler name");
    String master =
        "name: s\ntasks:\n  - { id: a, type: spark, sql: SELECT 1, target: t.x, master: nowhere }\n";
    assertThat(errorOf(master)).contains("tasks[0].master: 'nowhere': not a Spark master URL");
    assertThat(errorOf(master.replace(", master: nowhere", ", url: http://x")))
        .contains("tasks[0].url: is not a key of spark tasks");
  }
}
