package io.tributary.experiments;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tributary.core.InvalidInputException;
import io.tributary.core.TableId;
import io.tributary.core.config.YamlLines;
import io.tributary.experiments.ExperimentSpec.Exposure;
import io.tributary.experiments.ExperimentSpec.Kind;
import io.tributary.experiments.ExperimentSpec.Metric;
import io.tributary.experiments.ExperimentSpec.Variant;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an experiment from YAML (or JSON) into a validated {@link ExperimentSpec}: unknown keys,
 * bad values, weights that do not sum to 1 and metric SQL that does not plan over the lake are
 * refused with the source, line and key.
 */
public final class ExperimentParser {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,6})([smhd])");
  private static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  /** What the parser checks against the lake. */
  public interface LakeCheck {
    /**
     * Plans {@code sql} without running it.
     *
     * @throws InvalidInputException naming what is wrong (an unknown table or column)
     */
    void plan(String sql);

    /** Whether {@code table} exists (or will, as a declared stream's table). */
    boolean exists(TableId table);

    /** A check that only accepts: for definitions already checked when they were stored. */
    LakeCheck NONE =
        new LakeCheck() {
          @Override
          public void plan(String sql) {}

          @Override
          public boolean exists(TableId table) {
            return true;
          }
        };
  }

  private final LakeCheck lake;

  public ExperimentParser(LakeCheck lake) {
    this.lake = lake;
  }

  /**
   * Parses {@code text}; {@code source} names it in errors (a file path, or {@code PUT
   * /v1/experiments/x}). With {@code expectedName}, the document's {@code name} may be left out and
   * must match if present.
   */
  public ExperimentSpec parse(String text, String source, String expectedName) {
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
      throw new ExperimentDefinitionException(
          "Invalid experiment " + source + at + ": not YAML: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new ExperimentDefinitionException(
          "Invalid experiment " + source + ": the top level must be a mapping");
    }
    Node top = new Node(root, "", source, YamlLines.of(text));
    top.allowOnly(
        "name",
        "description",
        "salt",
        "unit",
        "variants",
        "start",
        "end",
        "exposure",
        "metrics",
        "guardrails",
        "minimum-detectable-effect");
    String name = expectedName == null ? top.required("name") : top.string("name", expectedName);
    if (expectedName != null && !expectedName.equals(name)) {
      throw top.error(
          "name", "'" + name + "' differs from the experiment's name '" + expectedName + "'");
    }
    if (!ExperimentSpec.NAME.matcher(name).matches()) {
      throw top.error("name", "'" + name + "' is not a valid name (use [a-z][a-z0-9_]*)");
    }
    String unit = top.string("unit", "user");
    if (!unit.equals("user")) {
      throw top.error("unit", "'" + unit + "' is not an assignment unit (known: user)");
    }
    List<Variant> variants = new ArrayList<>();
    for (Node variant : top.list("variants")) {
      variant.allowOnly("name", "weight");
      String variantName = variant.required("name");
      double weight = variant.number("weight");
      variants.add(variant.build("name", () -> new Variant(variantName, weight)));
    }
    Optional<Instant> start = Optional.ofNullable(top.parsed("start", null, Instant::parse));
    Optional<Instant> end = Optional.ofNullable(top.parsed("end", null, Instant::parse));
    Exposure exposure = exposure(top.child("exposure"), name);
    List<Metric> metrics = metrics(top, "metrics");
    List<Metric> guardrails = metrics(top, "guardrails");
    double mde =
        top.has("minimum-detectable-effect") ? top.number("minimum-detectable-effect") : 0.02;
    ExperimentSpec spec =
        top.build(
            errorKey(top, variants),
            () ->
                new ExperimentSpec(
                    name,
                    top.string("salt", name),
                    unit,
                    variants,
                    start,
                    end,
                    exposure,
                    metrics,
                    guardrails,
                    mde,
                    top.string("description", "")));
    return spec;
  }

  /** Which key a spec-level failure most likely concerns, for its line. */
  private static String errorKey(Node top, List<Variant> variants) {
    double sum = variants.stream().mapToDouble(Variant::weight).sum();
    return Math.abs(sum - 1) > ExperimentSpec.WEIGHT_TOLERANCE || variants.size() < 2
        ? "variants"
        : "name";
  }

  private Exposure exposure(Node node, String experiment) {
    node.allowOnly("table", "filter", "unit-column", "variant-column", "time-column");
    if (!node.present()) {
      return Exposure.platform(experiment);
    }
    TableId table = node.parsed("table", ExperimentSpec.EXPOSURE_TABLE, TableId::parse);
    String filter =
        node.string(
            "filter",
            table.equals(ExperimentSpec.EXPOSURE_TABLE) ? "experiment = '" + experiment + "'" : "");
    Exposure exposure =
        new Exposure(
            table,
            filter,
            column(node, "unit-column", "unit"),
            column(node, "variant-column", "variant"),
            column(node, "time-column", "ts"));
    if (!lake.exists(table)) {
      if (!table.equals(ExperimentSpec.EXPOSURE_TABLE)) {
        throw node.error("table", "unknown table " + table);
      }
    } else {
      String sql =
          "SELECT "
              + exposure.unitColumn()
              + ", "
              + exposure.variantColumn()
              + ", "
              + exposure.timeColumn()
              + " FROM "
              + table
              + (filter.isEmpty() ? "" : " WHERE " + filter);
      plan(node, filter.isEmpty() ? "table" : "filter", sql);
    }
    return exposure;
  }

  private static String column(Node node, String key, String fallback) {
    String column = node.string(key, fallback);
    if (!COLUMN.matcher(column).matches()) {
      throw node.error(key, "'" + column + "' is not a column name");
    }
    return column;
  }

  private List<Metric> metrics(Node top, String key) {
    List<Metric> metrics = new ArrayList<>();
    for (Node node : top.list(key)) {
      node.allowOnly("name", "kind", "sql", "window", "covariate", "higher-is-better");
      String name = node.required("name");
      if (!ExperimentSpec.NAME.matcher(name).matches()) {
        throw node.error("name", "'" + name + "' is not a metric name (use [a-z][a-z0-9_]*)");
      }
      Kind kind =
          node.parsed(
              "kind", null, text -> Kind.valueOf(text.toUpperCase(Locale.ROOT).replace('-', '_')));
      if (kind == null) {
        throw node.error("kind", "is required (conversion, mean or ratio)");
      }
      String sql = node.required("sql");
      Optional<Duration> window =
          Optional.ofNullable(node.parsed("window", null, ExperimentParser::duration));
      Optional<String> covariate = Optional.ofNullable(node.string("covariate", null));
      if (covariate.isPresent() && kind == Kind.RATIO) {
        throw node.error("covariate", "CUPED applies to mean and conversion metrics, not ratios");
      }
      List<String> columns = new ArrayList<>();
      columns.add("unit");
      switch (kind) {
        case MEAN -> columns.add("value");
        case RATIO -> columns.addAll(List.of("numerator", "denominator"));
        default -> {}
      }
      if (window.isPresent()) {
        columns.add("ts");
      }
      plan(node, "sql", "SELECT " + String.join(", ", columns) + " FROM (" + sql + ") AS metric");
      covariate.ifPresent(
          text -> plan(node, "covariate", "SELECT unit, value FROM (" + text + ") AS covariate"));
      boolean higherIsBetter =
          !node.has("higher-is-better") || node.raw("higher-is-better").asBoolean(true);
      metrics.add(
          node.build(
              "name",
              () -> new Metric(name, kind, sql.strip(), window, covariate, higherIsBetter)));
    }
    return metrics;
  }

  private void plan(Node node, String key, String sql) {
    try {
      lake.plan(sql);
    } catch (InvalidInputException e) {
      throw node.error(key, e.getMessage());
    }
  }

  static Duration duration(String text) {
    Matcher m = DURATION.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 30m, 12h, 7d)");
    }
    long amount = Long.parseLong(m.group(1));
    Duration duration =
        switch (m.group(2)) {
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          default -> Duration.ofDays(amount);
        };
    if (duration.isZero()) {
      throw new IllegalArgumentException("'" + text + "' is not a positive duration");
    }
    return duration;
  }

  /** A mapping of the document with its path, for errors naming source, line and key. */
  private static final class Node {
    private final JsonNode node;
    private final String path;
    private final String source;
    private final YamlLines lines;

    Node(JsonNode node, String path, String source, YamlLines lines) {
      this.node = node;
      this.path = path;
      this.source = source;
      this.lines = lines;
    }

    boolean present() {
      return node != null && !node.isMissingNode() && !node.isNull();
    }

    private String key(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    ExperimentDefinitionException error(String key, String message) {
      String full = key(key);
      int line = lines.lineOf(full);
      return new ExperimentDefinitionException(
          "Invalid experiment "
              + source
              + (line > 0 ? ", line " + line : "")
              + ", key "
              + full
              + ": "
              + message);
    }

    Node allowOnly(String... keys) {
      if (!present()) {
        return this;
      }
      if (!node.isObject()) {
        throw error("", "must be a mapping");
      }
      Set<String> allowed = Set.of(keys);
      for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!allowed.contains(name)) {
          throw error(name, "unknown key (known: " + String.join(", ", keys) + ")");
        }
      }
      return this;
    }

    boolean has(String key) {
      return present() && node.has(key) && !node.get(key).isNull();
    }

    JsonNode raw(String key) {
      return node.get(key);
    }

    String string(String key, String fallback) {
      if (!has(key)) {
        return fallback;
      }
      JsonNode value = node.get(key);
      if (!value.isValueNode()) {
        throw error(key, "must be a text");
      }
      return value.asText();
    }

    String required(String key) {
      String value = string(key, null);
      if (value == null || value.isBlank()) {
        throw error(key, "is required");
      }
      return value;
    }

    double number(String key) {
      if (!has(key) || !node.get(key).isNumber()) {
        throw error(key, "must be a number");
      }
      return node.get(key).asDouble();
    }

    <T> T parsed(String key, T fallback, Function<String, T> parser) {
      String text = string(key, null);
      if (text == null) {
        return fallback;
      }
      try {
        return parser.apply(text);
      } catch (IllegalArgumentException | DateTimeParseException | InvalidInputException e) {
        throw error(key, "'" + text + "': " + e.getMessage());
      }
    }

    <T> T build(String key, java.util.function.Supplier<T> builder) {
      try {
        return builder.get();
      } catch (IllegalArgumentException e) {
        throw error(key, e.getMessage());
      }
    }

    Node child(String key) {
      JsonNode child = present() ? node.get(key) : null;
      return new Node(child, key(key), source, lines);
    }

    List<Node> list(String key) {
      if (!has(key)) {
        return List.of();
      }
      JsonNode value = node.get(key);
      if (!value.isArray()) {
        throw error(key, "must be a list");
      }
      List<Node> items = new ArrayList<>();
      for (int i = 0; i < value.size(); i++) {
        items.add(new Node(value.get(i), key(key) + "[" + i + "]", source, lines));
      }
      return items;
    }
  }
}
