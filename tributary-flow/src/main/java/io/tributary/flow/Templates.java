package io.tributary.flow;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders {@code {{ name }}} placeholders: {@code ds} (the logical date, {@code yyyy-MM-dd} in the
 * flow's time zone), {@code ds_nodash}, {@code logical_date}, {@code data_interval_start}, {@code
 * data_interval_end} (ISO-8601 instants), {@code run_id}, {@code flow}, and {@code params.NAME} for
 * the flow's params. An unknown name is an error, never an empty string.
 */
public final class Templates {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.\\-]*)\\s*}}");
  private static final Set<String> BUILT_IN =
      Set.of(
          "ds",
          "ds_nodash",
          "logical_date",
          "data_interval_start",
          "data_interval_end",
          "run_id",
          "flow");

  private Templates() {}

  /** The variables of a run. */
  public static Map<String, String> variables(
      FlowSpec flow,
      String runId,
      Instant logicalDate,
      Instant intervalStart,
      Instant intervalEnd) {
    Map<String, String> variables = new HashMap<>();
    ZoneId zone = flow.timezone();
    String ds = DateTimeFormatter.ISO_LOCAL_DATE.format(logicalDate.atZone(zone));
    variables.put("ds", ds);
    variables.put("ds_nodash", ds.replace("-", ""));
    variables.put("logical_date", logicalDate.toString());
    variables.put("data_interval_start", intervalStart.toString());
    variables.put("data_interval_end", intervalEnd.toString());
    variables.put("run_id", runId);
    variables.put("flow", flow.name());
    flow.params().forEach((name, value) -> variables.put("params." + name, value));
    return variables;
  }

  /**
   * Checks that every placeholder of {@code text} names a built-in variable or one of {@code
   * params}.
   *
   * @throws IllegalArgumentException naming the unknown variable and the known ones
   */
  public static void check(String text, Set<String> params) {
    Matcher matcher = PLACEHOLDER.matcher(text);
    while (matcher.find()) {
      String name = matcher.group(1);
      boolean known =
          BUILT_IN.contains(name)
              || (name.startsWith("params.") && params.contains(name.substring(7)));
      if (!known) {
        Set<String> all = new TreeSet<>(BUILT_IN);
        params.forEach(p -> all.add("params." + p));
        throw new IllegalArgumentException(
            "unknown template variable '" + name + "' (known: " + all + ")");
      }
    }
  }

  /** Renders {@code text}; an unknown variable fails. */
  public static String render(String text, Map<String, String> variables) {
    Matcher matcher = PLACEHOLDER.matcher(text);
    StringBuilder result = new StringBuilder();
    while (matcher.find()) {
      String value = variables.get(matcher.group(1));
      if (value == null) {
        throw new IllegalArgumentException("unknown template variable '" + matcher.group(1) + "'");
      }
      matcher.appendReplacement(result, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(result);
    return result.toString();
  }
}
