package io.tributary.flow;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tributary.core.InvalidInputException;
import io.tributary.core.TableId;
import io.tributary.core.config.PartitionField;
import io.tributary.core.config.Units;
import io.tributary.core.config.YamlLines;
import io.tributary.flow.internal.FlowNode;
import io.tributary.lake.MaintenanceOptions;
import io.tributary.lake.RowLoad;
import java.net.URI;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a flow from YAML (or JSON) into a validated {@link FlowSpec}: unknown keys, bad values,
 * unknown or cyclic {@code depends-on}, bad cron expressions, unknown template variables and SQL
 * the engine cannot parse are all refused with the source, line and key.
 */
public final class FlowParser {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);
  private static final List<String> COMMON_KEYS =
      List.of("id", "type", "depends-on", "trigger-rule", "retries", "timeout", "pool");
  private static final Map<String, List<String>> TYPE_KEYS =
      Map.of(
          "sql", List.of("sql", "target", "mode", "partition-by"),
          "spark", List.of("sql", "target", "mode", "partition-by", "master"),
          "http", List.of("url", "method", "body", "headers"),
          "maintain", List.of("table", "expire-older-than", "retain-last"),
          "java", List.of("class", "options"),
          "crawl", List.of("crawler"),
          "report", List.of("report"),
          "experiment", List.of("experiment"),
          "recommend", List.of("dataset", "user", "item", "time", "target", "holdout"));
  private static final String[] TASK_KEYS =
      Stream.concat(COMMON_KEYS.stream(), TYPE_KEYS.values().stream().flatMap(List::stream))
          .distinct()
          .toArray(String[]::new);
  private static final Pattern CLASS_NAME =
      Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(?:\\.[A-Za-z_$][A-Za-z0-9_$]*)*");
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,99}");
  private static final Pattern TABLE =
      Pattern.compile("[a-z_][a-z0-9_]{0,127}\\.[a-z_][a-z0-9_]{0,127}");

  private final FlowChecks checks;

  /**
   * A parser that checks SQL syntax only.
   *
   * @param sqlCheck checks that a (rendered) SELECT parses, throwing {@link InvalidInputException}
   *     with the engine's message if not
   */
  public FlowParser(Consumer<String> sqlCheck) {
    this(FlowChecks.syntaxOnly(sqlCheck));
  }

  /** A parser that checks trigger tables and task SQL with {@code checks}. */
  public FlowParser(FlowChecks checks) {
    this.checks = Objects.requireNonNull(checks, "checks is null");
  }

  /**
   * Parses {@code text}; {@code source} names it in errors (a file path, or {@code PUT
   * /v1/flows/x}). With {@code expectedName}, the document's {@code name} may be left out and must
   * match if present.
   */
  public FlowSpec parse(String text, String source, String expectedName) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JacksonException e) {
      String at =
          e.getLocation() == null
              ? ""
              : ", line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new FlowDefinitionException(
          "Invalid flow " + source + at + ": not YAML: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new FlowDefinitionException(
          "Invalid flow " + source + ": the top level must be a mapping");
    }
    FlowNode top = new FlowNode(root, "", source, YamlLines.of(text));
    top.allowOnly(
        "name",
        "schedule",
        "timezone",
        "triggers",
        "start-date",
        "catchup",
        "max-active-runs",
        "params",
        "defaults",
        "pools",
        "tasks");
    String name =
        expectedName == null ? top.requiredString("name") : top.string("name", expectedName);
    if (expectedName != null && !expectedName.equals(name)) {
      throw top.error("name", "'" + name + "' differs from the flow's name '" + expectedName + "'");
    }
    if (!FlowSpec.NAME.matcher(name).matches()) {
      throw top.error("name", "'" + name + "' is not a valid name (use [a-z_][a-z0-9_]*)");
    }
    ZoneId zone = top.parsed("timezone", ZoneOffset.UTC, ZoneId::of);
    Optional<Instant> startDate =
        Optional.ofNullable(top.parsed("start-date", null, text1 -> instant(text1, zone)));
    Instant anchor = startDate.orElse(Instant.EPOCH);
    Optional<Schedule> schedule =
        Optional.ofNullable(top.parsed("schedule", null, s -> Schedule.parse(s, zone, anchor)));
    List<TableTrigger> triggers = new ArrayList<>();
    for (FlowNode trigger : top.list("triggers")) {
      trigger.allowOnly("table", "min-rows", "min-files");
      TableId table = trigger.parsed("table", null, TableId::parse);
      if (table == null) {
        throw trigger.error("table", "is required");
      }
      if (!checks.tableExists(table)) {
        throw trigger.error("table", "unknown table " + table);
      }
      triggers.add(
          new TableTrigger(
              table,
              trigger.integer("min-rows", 0, 0, Integer.MAX_VALUE),
              trigger.integer("min-files", 0, 0, 1_000_000)));
    }
    Map<String, String> params = top.stringMap("params");
    FlowNode defaults = top.child("defaults").allowOnly("retries", "timeout", "trigger-rule");
    RetryPolicy defaultRetries = retries(defaults, RetryPolicy.NONE);
    Duration defaultTimeout = defaults.parsed("timeout", DEFAULT_TIMEOUT, FlowParser::positive);
    TriggerRule defaultRule =
        defaults.parsed("trigger-rule", TriggerRule.ALL_SUCCESS, FlowParser::rule);

    List<FlowNode> taskNodes = top.list("tasks");
    if (taskNodes.isEmpty()) {
      throw top.error("tasks", "a flow needs at least one task");
    }
    Set<String> ids = new HashSet<>();
    for (FlowNode node : taskNodes) {
      node.allowOnly(TASK_KEYS);
      String id = node.requiredString("id");
      if (!TaskSpec.ID.matcher(id).matches()) {
        throw node.error("id", "'" + id + "' is not a valid task id (use [a-z_][a-z0-9_]*)");
      }
      if (!ids.add(id)) {
        throw node.error("id", "task id '" + id + "' is used twice");
      }
    }
    Set<TableId> produced = produced(taskNodes);
    List<TaskSpec> tasks = new ArrayList<>();
    for (FlowNode node : taskNodes) {
      String id = node.requiredString("id");
      List<String> dependsOn = node.strings("depends-on");
      for (String upstream : dependsOn) {
        if (!ids.contains(upstream)) {
          throw node.error(
              "depends-on", "task '" + id + "' depends on unknown task '" + upstream + "'");
        }
      }
      TaskAction action = action(node, id, params.keySet(), produced);
      tasks.add(
          new TaskSpec(
              id,
              action,
              dependsOn,
              node.parsed("trigger-rule", defaultRule, FlowParser::rule),
              retries(node, defaultRetries),
              node.parsed("timeout", defaultTimeout, FlowParser::positive),
              node.string("pool", TaskSpec.DEFAULT_POOL)));
    }
    try {
      FlowSpec.checkGraph(tasks);
    } catch (IllegalArgumentException e) {
      throw top.error("tasks", e.getMessage());
    }
    return new FlowSpec(
        name,
        schedule,
        zone,
        triggers,
        startDate,
        top.bool("catchup", false),
        top.integer("max-active-runs", 1, 1, 1000),
        params,
        tasks,
        text,
        pools(top));
  }

  /** {@code pools:}, a mapping of pool names to their slots. */
  private static Map<String, Integer> pools(FlowNode top) {
    Map<String, Integer> pools = new java.util.HashMap<>();
    top.stringMap("pools")
        .forEach(
            (pool, slots) -> {
              if (!FlowSpec.NAME.matcher(pool).matches()) {
                throw top.error("pools." + pool, "is not a valid pool name (use [a-z_][a-z0-9_]*)");
              }
              try {
                int count = Integer.parseInt(slots);
                if (count < 1 || count > 10_000) {
                  throw new NumberFormatException();
                }
                pools.put(pool, count);
              } catch (NumberFormatException e) {
                throw top.error(
                    "pools." + pool, "'" + slots + "' is not a number of slots (1..10000)");
              }
            });
    return pools;
  }

  /** The tables the tasks write (well-formed targets only; the others fail later). */
  private static Set<TableId> produced(List<FlowNode> taskNodes) {
    Set<TableId> produced = new HashSet<>();
    for (FlowNode node : taskNodes) {
      String target = node.isScalar("target") ? node.string("target", "") : "";
      if (TABLE.matcher(target).matches()) {
        produced.add(TableId.parse(target));
      }
    }
    return produced;
  }

  private void checkReferences(FlowNode node, String key, String id, String text) {
    try {
      checks.checkReferences(text);
    } catch (InvalidInputException e) {
      throw node.error(key, "task '" + id + "': " + e.getMessage());
    }
  }

  private TaskAction action(FlowNode node, String id, Set<String> params, Set<TableId> produced) {
    String type = node.requiredString("type");
    if (!TYPE_KEYS.containsKey(type)) {
      throw node.error(
          "type",
          "unknown task type '" + type + "' (known: " + new TreeSet<>(TYPE_KEYS.keySet()) + ")");
    }
    for (String key : TASK_KEYS) {
      if (node.has(key) && !COMMON_KEYS.contains(key) && !TYPE_KEYS.get(type).contains(key)) {
        throw node.error(key, "is not a key of " + type + " tasks");
      }
    }
    TaskAction action =
        switch (type) {
          case "sql" -> sql(node);
          case "spark" -> spark(node);
          case "http" -> http(node);
          case "java" -> java(node);
          case "crawl" -> crawl(node);
          case "report" -> report(node);
          case "experiment" -> experiment(node);
          case "recommend" -> recommend(node);
          default -> maintain(node);
        };
    for (String key : List.of("sql", "url", "body")) {
      if (node.has(key)) {
        try {
          Templates.check(node.string(key, ""), params);
        } catch (IllegalArgumentException e) {
          throw node.error(key, "task '" + id + "': " + e.getMessage());
        }
      }
    }
    if (action instanceof TaskAction.Java java) {
      for (Map.Entry<String, String> option : java.options().entrySet()) {
        try {
          Templates.check(option.getValue(), params);
        } catch (IllegalArgumentException e) {
          throw node.error("options." + option.getKey(), "task '" + id + "': " + e.getMessage());
        }
      }
    }
    if (action instanceof TaskAction.Http http) {
      checkReferences(node, "url", id, http.url());
      checkReferences(node, "body", id, http.body());
      for (Map.Entry<String, String> header : http.headers().entrySet()) {
        checkReferences(node, "headers." + header.getKey(), id, header.getValue());
      }
    }
    if (action instanceof TaskAction.Sql sql) {
      // spark tasks' SQL is Spark's dialect: Spark checks it when the task runs
      String sample = Templates.render(sql.sql(), sampleVariables(params));
      try {
        checks.checkSql(sample, produced);
      } catch (InvalidInputException e) {
        throw node.error("sql", "task '" + id + "': " + e.getMessage());
      }
    }
    if (action instanceof TaskAction.Maintain maintain
        && !produced.contains(maintain.table())
        && !checks.tableExists(maintain.table())) {
      throw node.error("table", "task '" + id + "': unknown table " + maintain.table());
    }
    return action;
  }

  /** Values of the right shape for every variable, to check the SQL's syntax at load time. */
  private static Map<String, String> sampleVariables(Set<String> params) {
    Map<String, String> variables = new java.util.HashMap<>();
    variables.put("ds", "2024-01-01");
    variables.put("ds_nodash", "20240101");
    variables.put("logical_date", "2024-01-01T00:00:00Z");
    variables.put("data_interval_start", "2024-01-01T00:00:00Z");
    variables.put("data_interval_end", "2024-01-02T00:00:00Z");
    variables.put("run_id", "20240101T000000Z");
    variables.put("flow", "flow");
    params.forEach(p -> variables.put("params." + p, "x"));
    return variables;
  }

  private static TaskAction maintain(FlowNode node) {
    TableId table = node.parsed("table", null, TableId::parse);
    if (table == null) {
      throw node.error("table", "is required for maintain tasks (e.g. raw.app_events)");
    }
    MaintenanceOptions defaults = MaintenanceOptions.DEFAULTS;
    return new TaskAction.Maintain(
        table,
        new MaintenanceOptions(
            defaults.targetFileSizeBytes(),
            node.parsed("expire-older-than", defaults.expireOlderThan(), Units::parseDuration),
            node.integer("retain-last", defaults.retainLast(), 1, 10_000)));
  }

  private static TaskAction spark(FlowNode node) {
    TaskAction.Sql sql = (TaskAction.Sql) sql(node);
    return new TaskAction.Spark(
        sql.sql(),
        sql.target(),
        sql.mode(),
        sql.partitionBy(),
        Optional.ofNullable(node.parsed("master", null, FlowParser::master)));
  }

  private static String master(String text) {
    if (!text.matches("(?:local(?:\\[[0-9*]+])?|(?:spark|yarn|k8s|mesos)://?\\S+|yarn)")) {
      throw new IllegalArgumentException(
          "not a Spark master URL (local[N], spark://host:port, yarn or k8s://...)");
    }
    return text;
  }

  private static TaskAction java(FlowNode node) {
    String className =
        node.parsed(
            "class",
            null,
            text -> {
              if (!CLASS_NAME.matcher(text).matches()) {
                throw new IllegalArgumentException("not a Java class name (e.g. com.acme.Export)");
              }
              return text;
            });
    if (className == null) {
      throw node.error(
          "class", "is required for java tasks (a FlowTask class, e.g. com.acme.Export)");
    }
    return new TaskAction.Java(className, node.stringMap("options"));
  }

  private static TaskAction recommend(FlowNode node) {
    TableId dataset = node.parsed("dataset", null, TableId::parse);
    if (dataset == null) {
      throw node.error(
          "dataset", "is required for recommend tasks (a dataset table, e.g. transformed.listens)");
    }
    List<String> columns = new ArrayList<>();
    for (String key : List.of("user", "item", "time")) {
      String column = node.string(key, TaskAction.Recommend.DEFAULT_COLUMNS.get(columns.size()));
      if (!column.matches("[A-Za-z_][A-Za-z0-9_]{0,127}")) {
        throw node.error(key, "'" + column + "' is not a column name");
      }
      columns.add(column);
    }
    return new TaskAction.Recommend(
        dataset,
        columns.get(0),
        columns.get(1),
        columns.get(2),
        node.parsed("target", TaskAction.Recommend.DEFAULT_TARGET, TableId::parse),
        node.parsed("holdout", Duration.ofDays(7), Units::parseDuration));
  }

  private static TaskAction crawl(FlowNode node) {
    String crawler = node.requiredString("crawler");
    if (!NAME.matcher(crawler).matches()) {
      throw node.error("crawler", "'" + crawler + "' is not a crawler name (use [a-z_][a-z0-9_]*)");
    }
    return new TaskAction.Crawl(crawler);
  }

  private static TaskAction report(FlowNode node) {
    String report = node.requiredString("report");
    if (!TaskAction.Report.NAME.matcher(report).matches()) {
      throw node.error("report", "'" + report + "' is not a report name (use [a-z][a-z0-9_-]*)");
    }
    return new TaskAction.Report(report);
  }

  private static TaskAction experiment(FlowNode node) {
    String experiment = node.requiredString("experiment");
    if (!NAME.matcher(experiment).matches()) {
      throw node.error(
          "experiment", "'" + experiment + "' is not an experiment name (use [a-z][a-z0-9_]*)");
    }
    return new TaskAction.Experiment(experiment);
  }

  private static TaskAction sql(FlowNode node) {
    List<PartitionField> partitionBy = new ArrayList<>();
    List<String> fields = node.strings("partition-by");
    for (int i = 0; i < fields.size(); i++) {
      try {
        partitionBy.add(PartitionField.parse(fields.get(i)));
      } catch (IllegalArgumentException e) {
        throw node.error("partition-by[" + i + "]", "'" + fields.get(i) + "': " + e.getMessage());
      }
    }
    TableId target = node.parsed("target", null, TableId::parse);
    if (target == null) {
      throw node.error("target", "is required for sql tasks (e.g. transformed.daily_x)");
    }
    return new TaskAction.Sql(
        node.requiredString("sql"),
        target,
        node.parsed("mode", RowLoad.Mode.APPEND, FlowParser::mode),
        partitionBy);
  }

  private static TaskAction http(FlowNode node) {
    String url = node.requiredString("url");
    if (!url.contains("{{") && !url.contains("${")) {
      node.parsed("url", null, FlowParser::httpUri);
    }
    String method =
        node.parsed(
            "method",
            "GET",
            m -> {
              String upper = m.toUpperCase(Locale.ROOT);
              if (!Set.of("GET", "POST", "PUT", "DELETE", "PATCH").contains(upper)) {
                throw new IllegalArgumentException("must be GET, POST, PUT, PATCH or DELETE");
              }
              return upper;
            });
    return new TaskAction.Http(method, url, node.string("body", ""), node.stringMap("headers"));
  }

  private static URI httpUri(String text) {
    URI uri = URI.create(text);
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new IllegalArgumentException("must be an http or https URL");
    }
    return uri;
  }

  private static RetryPolicy retries(FlowNode parent, RetryPolicy defaults) {
    if (!parent.has("retries")) {
      return defaults;
    }
    if (parent.isScalar("retries")) {
      int retries = parent.integer("retries", 0, 0, 99);
      return new RetryPolicy(retries + 1, defaults.delay(), defaults.maxDelay());
    }
    FlowNode node = parent.child("retries").allowOnly("attempts", "delay", "max-delay");
    int attempts = node.integer("attempts", defaults.attempts(), 1, 100);
    Duration delay = node.parsed("delay", defaults.delay(), Units::parseDuration);
    Duration maxDelay =
        node.parsed(
            "max-delay",
            defaults.maxDelay().compareTo(delay) < 0 ? delay : defaults.maxDelay(),
            Units::parseDuration);
    try {
      return new RetryPolicy(attempts, delay, maxDelay);
    } catch (IllegalArgumentException e) {
      throw node.error("", e.getMessage());
    }
  }

  private static Duration positive(String text) {
    Duration duration = Units.parseDuration(text);
    if (duration.isZero()) {
      throw new IllegalArgumentException("must be more than 0");
    }
    return duration;
  }

  private static TriggerRule rule(String text) {
    for (TriggerRule rule : TriggerRule.values()) {
      if (rule.label().equals(text)) {
        return rule;
      }
    }
    throw new IllegalArgumentException(
        "unknown trigger rule (known: "
            + java.util.Arrays.stream(TriggerRule.values()).map(TriggerRule::label).toList()
            + ")");
  }

  private static RowLoad.Mode mode(String text) {
    for (RowLoad.Mode mode : RowLoad.Mode.values()) {
      if (mode.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(text)) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "unknown mode (known: append, replace, overwrite-partitions)");
  }

  /** A date ({@code 2024-01-01}, midnight in {@code zone}) or an ISO-8601 instant. */
  static Instant instant(String text, ZoneId zone) {
    try {
      if (text.length() == 10) {
        return LocalDate.parse(text).atStartOfDay(zone).toInstant();
      }
      return Instant.parse(text);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(
          "not a date (2024-01-01) or an instant (2024-01-01T00:00:00Z)", e);
    }
  }
}
