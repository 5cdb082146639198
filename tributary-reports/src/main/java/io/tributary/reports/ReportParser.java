package io.tributary.reports;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tributary.core.InvalidInputException;
import io.tributary.core.config.EgressPolicy;
import io.tributary.core.config.Units;
import io.tributary.core.config.YamlLines;
import io.tributary.flow.Templates;
import io.tributary.reports.internal.ReportNode;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Reads a report from YAML (or JSON) into a validated {@link ReportSpec}: unknown keys, bad values,
 * unknown chart types, unknown template variables, addresses and URLs that are not ones, and SQL
 * the engine cannot parse are refused with the source, line and key.
 *
 * <pre>
 * name: daily-flash
 * title: Daily flash {{ ds }}
 * params: {region: eu}
 * skip-when-empty: true
 * sections:
 *   - title: Listeners
 *     chart: big-number
 *     sql: SELECT ... AS listeners, ... AS day_before
 *     deltas: {vs day before: day_before}
 * deliver:
 *   - email: {to: [ops@example.com], subject: "Flash {{ ds }}"}
 *   - webhook: {url: https://hooks.example.com/flash}
 *   - folder: {}
 * retry: {attempts: 4, initial-delay: 1s, max-delay: 30s}
 * </pre>
 *
 * <p>A webhook's URL must be allowed by the platform's {@link EgressPolicy} ({@code
 * egress.allowed-hosts}); a refusal names the URL and the rule. {@code retry} bounds each target's
 * tries: 1 to 20 attempts, the first wait {@code initial-delay} (0s..5m), doubling up to {@code
 * max-delay} (at least the initial delay, at most 30m), all waits together at most 1h.
 */
public final class ReportParser {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern PARAM = Pattern.compile("[a-z_][a-z0-9_]{0,99}");
  private static final Pattern COLUMN = Pattern.compile("[^\\x00-\\x1f]{1,200}");

  static final Duration MAX_INITIAL_DELAY = Duration.ofMinutes(5);
  static final Duration MAX_DELAY = Duration.ofMinutes(30);
  static final Duration MAX_TOTAL_DELAY = Duration.ofHours(1);

  private final Consumer<String> sqlCheck;
  private final Optional<EgressPolicy> egress;

  /**
   * A parser that does not check webhooks against an egress policy (tools and tests; the platform
   * passes its policy).
   *
   * @param sqlCheck checks that a (rendered) SELECT parses, throwing {@link InvalidInputException}
   *     with the engine's message if not
   */
  public ReportParser(Consumer<String> sqlCheck) {
    this.sqlCheck = Objects.requireNonNull(sqlCheck, "sqlCheck is null");
    this.egress = Optional.empty();
  }

  /**
   * @param sqlCheck as {@link #ReportParser(Consumer)}
   * @param egress where webhooks may go: a webhook URL it refuses is refused at load
   */
  public ReportParser(Consumer<String> sqlCheck, EgressPolicy egress) {
    this.sqlCheck = Objects.requireNonNull(sqlCheck, "sqlCheck is null");
    this.egress = Optional.of(Objects.requireNonNull(egress, "egress is null"));
  }

  /**
   * Parses {@code text}; {@code source} names it in errors (a file path, or {@code PUT
   * /v1/reports/x}). With {@code expectedName}, the document's {@code name} may be left out and
   * must match if present.
   *
   * @throws ReportDefinitionException naming the source, line and key of the first problem
   */
  public ReportSpec parse(String text, String source, String expectedName) {
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
      throw new ReportDefinitionException(
          "Invalid report " + source + at + ": not YAML: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new ReportDefinitionException(
          "Invalid report " + source + ": the top level must be a mapping");
    }
    ReportNode top = new ReportNode(root, "", source, YamlLines.of(text));
    top.allowOnly("name", "title", "params", "sections", "skip-when-empty", "deliver", "retry");
    String name =
        expectedName == null ? top.requiredString("name") : top.string("name", expectedName);
    if (expectedName != null && !expectedName.equals(name)) {
      throw top.error(
          "name", "'" + name + "' differs from the report's name '" + expectedName + "'");
    }
    if (!ReportSpec.NAME.matcher(name).matches()) {
      throw top.error("name", "'" + name + "' is not a valid name (use [a-z][a-z0-9_-]*)");
    }
    Map<String, String> params = top.stringMap("params");
    for (String param : params.keySet()) {
      if (!PARAM.matcher(param).matches()) {
        throw top.error("params." + param, "is not a valid parameter name (use [a-z_][a-z0-9_]*)");
      }
    }
    String title = top.string("title", name);
    template(top, "title", title, params.keySet());
    List<ReportNode> sectionNodes = top.list("sections");
    if (sectionNodes.isEmpty()) {
      throw top.error("sections", "a report needs at least one section");
    }
    List<ReportSpec.Section> sections = new ArrayList<>();
    for (ReportNode node : sectionNodes) {
      sections.add(section(node, params));
    }
    List<ReportSpec.Target> targets = new ArrayList<>();
    for (ReportNode node : top.list("deliver")) {
      targets.add(target(node, params.keySet()));
    }
    return new ReportSpec(
        name,
        title,
        params,
        sections,
        top.bool("skip-when-empty", false),
        targets,
        top.has("retry") ? Optional.of(retry(top.child("retry"))) : Optional.empty());
  }

  /** The {@code retry} block, {@link Backoff#DEFAULT}'s values where it leaves a key out. */
  private static Backoff retry(ReportNode node) {
    node.allowOnly("attempts", "initial-delay", "max-delay");
    Backoff defaults = Backoff.DEFAULT;
    int attempts = node.integer("attempts", defaults.attempts(), 1, 20);
    Duration initial =
        duration(node, "initial-delay", defaults.initial(), Duration.ZERO, MAX_INITIAL_DELAY);
    Duration max =
        duration(
            node,
            "max-delay",
            initial.compareTo(defaults.max()) > 0 ? initial : defaults.max(),
            Duration.ZERO,
            MAX_DELAY);
    if (max.compareTo(initial) < 0) {
      throw node.error(
          "max-delay",
          "'"
              + node.string("max-delay", "")
              + "' is shorter than initial-delay ("
              + Units.formatDuration(initial)
              + ")");
    }
    Backoff retry = new Backoff(attempts, initial, max);
    Duration total = Duration.ZERO;
    for (int attempt = 1; attempt < attempts; attempt++) {
      total = total.plus(retry.delayAfter(attempt));
    }
    if (total.compareTo(MAX_TOTAL_DELAY) > 0) {
      throw node.error(
          "",
          attempts
              + " attempts would wait "
              + Units.formatDuration(total)
              + " in all (at most "
              + Units.formatDuration(MAX_TOTAL_DELAY)
              + "): lower attempts or max-delay");
    }
    return retry;
  }

  private static Duration duration(
      ReportNode node, String key, Duration defaultValue, Duration min, Duration max) {
    String text = node.string(key, null);
    if (text == null) {
      return defaultValue;
    }
    Duration value;
    try {
      value = Units.parseDuration(text);
    } catch (RuntimeException e) {
      throw node.error(key, "'" + text + "' is not a duration (such as 500ms, 2s, 1m)");
    }
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw node.error(
          key,
          "'"
              + text
              + "' is out of range ("
              + Units.formatDuration(min)
              + ".."
              + Units.formatDuration(max)
              + ")");
    }
    return value;
  }

  private ReportSpec.Section section(ReportNode node, Map<String, String> params) {
    node.allowOnly("title", "sql", "chart", "x", "y", "deltas", "max-rows");
    String chartLabel = node.requiredString("chart");
    ReportSpec.Chart chart =
        ReportSpec.Chart.ofLabel(chartLabel)
            .orElseThrow(
                () ->
                    node.error(
                        "chart",
                        "unknown chart '"
                            + chartLabel
                            + "' (known: line, bar, pie, table, big-number)"));
    String sql = node.requiredString("sql");
    template(node, "sql", sql, params.keySet());
    try {
      sqlCheck.accept(Templates.render(sql, sampleVariables(params)));
    } catch (InvalidInputException e) {
      throw node.error("sql", e.getMessage());
    }
    String title = node.string("title", "");
    template(node, "title", title, params.keySet());
    Optional<String> x = Optional.ofNullable(node.string("x", null));
    List<String> y = node.strings("y");
    Map<String, String> deltas = node.stringMap("deltas");
    if (chart == ReportSpec.Chart.TABLE && (x.isPresent() || !y.isEmpty())) {
      throw node.error(x.isPresent() ? "x" : "y", "table sections show every column");
    }
    if (chart == ReportSpec.Chart.BIG_NUMBER && x.isPresent()) {
      throw node.error("x", "big-number sections show one value (name it with y)");
    }
    if ((chart == ReportSpec.Chart.PIE || chart == ReportSpec.Chart.BIG_NUMBER) && y.size() > 1) {
      throw node.error("y", chart.label() + " sections show one value column, not " + y);
    }
    if (chart != ReportSpec.Chart.BIG_NUMBER && !deltas.isEmpty()) {
      throw node.error("deltas", "only big-number sections compare figures");
    }
    if (chart != ReportSpec.Chart.TABLE && node.has("max-rows")) {
      throw node.error("max-rows", "only table sections have max-rows");
    }
    x.ifPresent(column -> column(node, "x", column));
    for (int i = 0; i < y.size(); i++) {
      column(node, "y[" + i + "]", y.get(i));
    }
    deltas.forEach((label, column) -> column(node, "deltas." + label, column));
    return new ReportSpec.Section(
        title,
        sql,
        chart,
        x,
        y,
        deltas,
        node.integer("max-rows", ReportSpec.Section.DEFAULT_MAX_ROWS, 1, 10_000));
  }

  private static void column(ReportNode node, String key, String column) {
    if (!COLUMN.matcher(column).matches()) {
      throw node.error(key, "'" + column + "' is not a column name");
    }
  }

  private ReportSpec.Target target(ReportNode node, Set<String> params) {
    node.allowOnly("email", "webhook", "folder");
    List<String> kinds = node.keys();
    if (kinds.size() != 1) {
      throw node.error("", "each target is one of email, webhook or folder, got " + kinds);
    }
    String kind = kinds.get(0);
    if (kind.equals("folder") && node.isScalar("folder")) {
      return new ReportSpec.Folder(Optional.of(path(node, "folder", node.string("folder", ""))));
    }
    ReportNode target = node.child(kind);
    switch (kind) {
      case "email" -> {
        target.allowOnly("to", "subject");
        List<String> to = target.strings("to");
        if (to.isEmpty()) {
          throw target.error("to", "is required: at least one address");
        }
        for (int i = 0; i < to.size(); i++) {
          try {
            new InternetAddress(to.get(i), true).validate();
          } catch (AddressException e) {
            throw target.error(
                "to[" + i + "]", "'" + to.get(i) + "' is not an e-mail address: " + e.getMessage());
          }
        }
        String subject = target.string("subject", null);
        if (subject != null) {
          template(target, "subject", subject, params);
          if (subject.contains("\r") || subject.contains("\n")) {
            throw target.error("subject", "must be one line");
          }
        }
        return new ReportSpec.Email(to, Optional.ofNullable(subject));
      }
      case "webhook" -> {
        target.allowOnly("url");
        String text = target.requiredString("url");
        URI url;
        try {
          url = new URI(text);
        } catch (java.net.URISyntaxException e) {
          throw target.error("url", "'" + text + "' is not a URL: " + e.getReason());
        }
        if (url.getScheme() == null
            || !(url.getScheme().equals("http") || url.getScheme().equals("https"))
            || url.getHost() == null) {
          throw target.error("url", "'" + text + "' must be an http(s) URL with a host");
        }
        if (egress.isPresent()) {
          // the host against allowed-hosts now; its addresses again at each delivery
          Optional<EgressPolicy.Denial> refused =
              egress.get().checkRequest(url, Map.of(), host -> new InetAddress[0]);
          if (refused.isPresent()) {
            throw target.error(
                "url",
                "webhook '"
                    + text
                    + "' is refused by the egress policy (rule "
                    + refused.get().rule()
                    + "): "
                    + refused.get().message());
          }
        }
        return new ReportSpec.Webhook(url);
      }
      default -> {
        target.allowOnly("path");
        String dir = target.string("path", null);
        return new ReportSpec.Folder(
            dir == null ? Optional.empty() : Optional.of(path(target, "path", dir)));
      }
    }
  }

  private static Path path(ReportNode node, String key, String text) {
    if (text.isBlank()) {
      throw node.error(key, "is empty: leave the folder out ({}) for the default");
    }
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      throw node.error(key, "'" + text + "' is not a path: " + e.getReason());
    }
  }

  private static void template(ReportNode node, String key, String text, Set<String> params) {
    try {
      Templates.check(text, params);
    } catch (IllegalArgumentException e) {
      throw node.error(key, e.getMessage());
    }
  }

  /** Values of the right shape for every variable, to check the SQL's syntax at load time. */
  static Map<String, String> sampleVariables(Map<String, String> params) {
    Map<String, String> variables =
        ReportProducer.variables("report", java.time.LocalDate.of(2024, 1, 1), Map.of());
    params.forEach((p, value) -> variables.put("params." + p, value));
    return new HashMap<>(variables);
  }
}
