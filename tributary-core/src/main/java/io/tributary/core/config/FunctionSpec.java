package io.tributary.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A function: subscribes to a topic (or stream) with its own consumer group, handles each message
 * and emits the results to streams; what it cannot handle goes to its dead-letter stream {@code
 * <name>_dlq}.
 *
 * @param name the function name, also its consumer group {@code tributary-fn-<name>}
 * @param topic the topic (or stream) it subscribes to
 * @param type what it does with a message
 * @param emitTo the stream (or topic) results go to; for {@code route}, where messages no route
 *     matches go ({@code null}: dropped)
 * @param key the field ordering is kept per, when a message has no Kafka key; by default the
 *     topic's key, for {@code http-enrich} the first URL placeholder ({@code null}: per partition)
 * @param retry attempts and back-off for failures that may pass
 * @param timeout the limit of one attempt on one message
 * @param concurrency how many keys are handled at the same time
 * @param batchSize the most messages taken from the topic, handled and committed together
 * @param http the call of an {@code http-enrich} function, else {@code null}
 * @param where the condition of a {@code filter} function, else {@code null}
 * @param routes the routes of a {@code route} function, first match wins, else empty
 * @param className the {@code RecordFunction} class of a {@code java} function, else {@code null}
 * @param options free-form settings handed to a {@code java} function
 */
public record FunctionSpec(
    String name,
    String topic,
    Type type,
    String emitTo,
    FieldPath key,
    Retry retry,
    Duration timeout,
    int concurrency,
    int batchSize,
    HttpEnrich http,
    Condition where,
    List<Route> routes,
    String className,
    Map<String, String> options) {
  static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,95}");

  /** A {@code ${secret:name}} reference: the name an identifier, never a path. */
  private static final Pattern SECRET_REFERENCE =
      Pattern.compile("\\$\\{secret:([A-Za-z_][A-Za-z0-9_-]{0,99})}");

  private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");
  private static final Pattern CLASS =
      Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");

  /** What a function does. */
  public enum Type {
    /** Calls an HTTP API per message and keeps selected fields of the answer. */
    HTTP_ENRICH,
    /** Passes on the messages that satisfy a condition, drops the rest. */
    FILTER,
    /** Sends each message to the target of the first route whose condition it satisfies. */
    ROUTE,
    /** Runs a {@code RecordFunction} class from the classpath. */
    JAVA
  }

  /**
   * Retries with exponential back-off and full jitter: before attempt {@code n+1} wait a random
   * time up to {@code min(maxDelay, initialDelay * 2^(n-1))}.
   */
  public record Retry(int attempts, Duration initialDelay, Duration maxDelay) {
    public static final Retry DEFAULT = new Retry(3, Duration.ofMillis(200), Duration.ofSeconds(5));

    public Retry {
      if (attempts < 1 || attempts > 100) {
        throw ConfigException.invalid("retry.attempts", attempts, "must be 1..100");
      }
      Objects.requireNonNull(initialDelay, "initialDelay is null");
      Objects.requireNonNull(maxDelay, "maxDelay is null");
      if (maxDelay.compareTo(initialDelay) < 0) {
        throw ConfigException.invalid(
            "retry.max-delay",
            Units.formatDuration(maxDelay),
            "must be at least retry.initial-delay " + Units.formatDuration(initialDelay));
      }
    }

    /** The longest wait before attempt {@code attempt + 1}, {@code attempt >= 1}. */
    public Duration ceiling(int attempt) {
      long millis = initialDelay.toMillis();
      for (int i = 1; i < attempt && millis < maxDelay.toMillis(); i++) {
        millis *= 2;
      }
      return Duration.ofMillis(Math.min(millis, maxDelay.toMillis()));
    }
  }

  /**
   * The HTTP call of an {@code http-enrich} function.
   *
   * @param url the URL, with {@code {field}} placeholders from the message
   * @param headers request headers; values may hold {@code ${secret:name}} references
   * @param keep the fields of the JSON answer to keep (empty: all top-level fields), flattened to
   *     column names ({@code creator.name} becomes {@code creator_name})
   * @param rename output column renames, from the kept column name to the new one
   */
  public record HttpEnrich(
      UrlTemplate url,
      Map<String, String> headers,
      List<FieldPath> keep,
      Map<String, String> rename) {
    public HttpEnrich {
      Objects.requireNonNull(url, "url is null");
      headers = Map.copyOf(headers);
      keep = List.copyOf(keep);
      rename = Map.copyOf(rename);
    }
  }

  /** A parsed condition with the text it was written as. */
  public record Condition(String text, FieldPredicate predicate) {
    public Condition {
      Objects.requireNonNull(text, "text is null");
      Objects.requireNonNull(predicate, "predicate is null");
    }

    static Condition parse(String key, String text) {
      try {
        return new Condition(text, FieldPredicate.parse(text));
      } catch (IllegalArgumentException e) {
        throw ConfigException.invalid(key, text, e.getMessage());
      }
    }
  }

  /** A route: messages satisfying {@code when} go to {@code emitTo}. */
  public record Route(Condition when, String emitTo) {
    public Route {
      Objects.requireNonNull(when, "when is null");
      Objects.requireNonNull(emitTo, "emitTo is null");
    }
  }

  public FunctionSpec {
    Objects.requireNonNull(name, "name is null");
    Objects.requireNonNull(topic, "topic is null");
    Objects.requireNonNull(type, "type is null");
    Objects.requireNonNull(retry, "retry is null");
    Objects.requireNonNull(timeout, "timeout is null");
    routes = List.copyOf(routes);
    options = Map.copyOf(options);
    if (!NAME.matcher(name).matches()) {
      throw ConfigException.invalid(
          "function name",
          name,
          "use lower-case letters, digits and _, starting with a letter, at most 96");
    }
    if (type == Type.HTTP_ENRICH && http == null) {
      throw new ConfigException("Function '" + name + "' of type http-enrich needs a url");
    }
    if (type == Type.FILTER && where == null) {
      throw new ConfigException("Function '" + name + "' of type filter needs a where condition");
    }
    if (type == Type.ROUTE && routes.isEmpty()) {
      throw new ConfigException("Function '" + name + "' of type route needs routes");
    }
    if (type == Type.JAVA && className == null) {
      throw new ConfigException("Function '" + name + "' of type java needs a class");
    }
    if (type != Type.ROUTE && emitTo == null) {
      throw new ConfigException("Function '" + name + "' needs emit-to (the stream it emits to)");
    }
  }

  /** The stream holding what this function could not handle: {@code <name>_dlq}. */
  public String deadLetterStream() {
    return name + "_dlq";
  }

  /** The Kafka consumer group of this function's subscription. */
  public String consumerGroup() {
    return "tributary-fn-" + name;
  }

  /** Every stream or topic this function may emit to, dead letters excluded. */
  public Set<String> targets() {
    Set<String> targets = new TreeSet<>();
    if (emitTo != null) {
      targets.add(emitTo);
    }
    routes.forEach(route -> targets.add(route.emitTo()));
    return targets;
  }

  /**
   * Reads a function from its config mapping (YAML {@code functions[i]} or the JSON body of {@code
   * PUT /v1/functions/{name}}). {@code name} wins over a {@code name} key; both must agree.
   */
  public static FunctionSpec fromConfig(String name, ConfigNode node) {
    String declared = node.string("name", name);
    if (name != null && !name.equals(declared)) {
      throw ConfigException.invalid(
          node.path() + ".name", declared, "must match the function name in the path, " + name);
    }
    String functionName = name != null ? name : node.requiredString("name");
    if (!NAME.matcher(functionName).matches()) {
      throw ConfigException.invalid(
          node.path() + ".name",
          functionName,
          "use lower-case letters, digits and _, starting with a letter, at most 96");
    }
    if (!node.has("type")) {
      throw new ConfigException(
          "Missing required key " + key(node, "type") + " (http-enrich, filter, route or java)");
    }
    Type type = node.enumeration("type", Type.HTTP_ENRICH);
    List<String> keys =
        new ArrayList<>(
            List.of(
                "name",
                "topic",
                "type",
                "emit-to",
                "key",
                "retry",
                "timeout",
                "concurrency",
                "batch-size"));
    keys.addAll(
        switch (type) {
          case HTTP_ENRICH -> List.of("url", "headers", "keep", "rename");
          case FILTER -> List.of("where");
          case ROUTE -> List.of("routes");
          case JAVA -> List.of("class", "options");
        });
    node.allowOnly(keys.toArray(String[]::new));

    String topic = node.requiredString("topic");
    if (!TopicSpec.NAME.matcher(topic).matches()) {
      throw ConfigException.invalid(key(node, "topic"), topic, "not a topic or stream name");
    }
    String emitTo = node.string("emit-to", null);
    if (emitTo != null && !TopicSpec.NAME.matcher(emitTo).matches()) {
      throw ConfigException.invalid(
          key(node, "emit-to"),
          emitTo,
          "must name a stream: lower-case letters, digits and _, starting with a letter");
    }
    if (emitTo == null && type != Type.ROUTE) {
      throw new ConfigException(
          "Missing required key " + key(node, "emit-to") + " (the stream results go to)");
    }
    FieldPath key = path(node, "key", node.string("key", null));
    if (key == null && type == Type.HTTP_ENRICH && node.has("url")) {
      // calls for the same resource keep their order: the first URL placeholder keys the lanes
      try {
        List<FieldPath> fields = UrlTemplate.parse(node.requiredString("url")).fields();
        key = fields.isEmpty() ? null : fields.get(0);
      } catch (IllegalArgumentException e) {
        key = null; // reported with the key below
      }
    }
    ConfigNode retryNode = node.child("retry").allowOnly("attempts", "initial-delay", "max-delay");
    Retry retry;
    try {
      retry =
          new Retry(
              retryNode.integer("attempts", Retry.DEFAULT.attempts(), 1, 100),
              retryNode.duration(
                  "initial-delay",
                  Retry.DEFAULT.initialDelay(),
                  Duration.ZERO,
                  Duration.ofMinutes(10)),
              retryNode.duration(
                  "max-delay", Retry.DEFAULT.maxDelay(), Duration.ZERO, Duration.ofHours(1)));
    } catch (ConfigException e) {
      throw new ConfigException(
          e.getMessage().replace("retry.", key(node, "retry") + "."), e.getCause());
    }
    Duration timeout =
        node.duration(
            "timeout", Duration.ofSeconds(10), Duration.ofMillis(1), Duration.ofMinutes(15));
    int concurrency = node.integer("concurrency", 16, 1, 1024);
    int batchSize = node.integer("batch-size", 500, 1, 10_000);

    HttpEnrich http = null;
    Condition where = null;
    List<Route> routes = new ArrayList<>();
    String className = null;
    Map<String, String> options = new LinkedHashMap<>();
    switch (type) {
      case HTTP_ENRICH -> http = httpEnrich(node);
      case FILTER -> where = Condition.parse(key(node, "where"), node.requiredString("where"));
      case ROUTE -> {
        List<ConfigNode> routeNodes = node.list("routes");
        if (routeNodes.isEmpty()) {
          throw new ConfigException(
              "Missing required key " + key(node, "routes") + " (a list of {when, emit-to})");
        }
        for (ConfigNode routeNode : routeNodes) {
          routeNode.allowOnly("when", "emit-to");
          Condition when =
              Condition.parse(routeNode.path() + ".when", routeNode.requiredString("when"));
          String target = routeNode.requiredString("emit-to");
          if (!TopicSpec.NAME.matcher(target).matches()) {
            throw ConfigException.invalid(
                routeNode.path() + ".emit-to", target, "not a stream or topic name");
          }
          routes.add(new Route(when, target));
        }
      }
      default -> {
        className = node.requiredString("class");
        if (!CLASS.matcher(className).matches()) {
          throw ConfigException.invalid(key(node, "class"), className, "not a Java class name");
        }
        options.putAll(stringMap(node, "options"));
      }
    }
    FunctionSpec spec =
        new FunctionSpec(
            functionName,
            topic,
            type,
            emitTo,
            key,
            retry,
            timeout,
            concurrency,
            batchSize,
            http,
            where,
            routes,
            className,
            options);
    if (spec.targets().contains(topic)) {
      throw ConfigException.invalid(
          key(node, "emit-to"), topic, "a function must not emit to the topic it subscribes to");
    }
    return spec;
  }

  private static HttpEnrich httpEnrich(ConfigNode node) {
    String urlText = node.requiredString("url");
    UrlTemplate url;
    try {
      url = UrlTemplate.parse(urlText);
    } catch (IllegalArgumentException e) {
      throw ConfigException.invalid(key(node, "url"), urlText, e.getMessage());
    }
    Map<String, String> headers = stringMap(node, "headers");
    for (String header : headers.keySet()) {
      if (!HEADER.matcher(header).matches()) {
        throw ConfigException.invalid(key(node, "headers"), header, "not an HTTP header name");
      }
      checkSecretReferences(key(node, "headers." + header), headers.get(header));
    }
    List<FieldPath> keep = new ArrayList<>();
    List<String> keepTexts = node.strings("keep");
    for (int i = 0; i < keepTexts.size(); i++) {
      keep.add(path(node, "keep[" + i + "]", keepTexts.get(i)));
    }
    Map<String, String> rename = stringMap(node, "rename");
    for (Map.Entry<String, String> entry : rename.entrySet()) {
      if (!TopicSpec.NAME.matcher(entry.getValue()).matches()
          && !entry.getValue().matches("[A-Za-z_][A-Za-z0-9_]{0,99}")) {
        throw ConfigException.invalid(
            key(node, "rename." + entry.getKey()), entry.getValue(), "not a column name");
      }
    }
    return new HttpEnrich(url, headers, keep, rename);
  }

  /** Every {@code ${secret:} in {@code value} must start a reference with an identifier name. */
  private static void checkSecretReferences(String key, String value) {
    int at = value.indexOf("${secret:");
    while (at >= 0) {
      var matcher = SECRET_REFERENCE.matcher(value).region(at, value.length());
      if (!matcher.lookingAt()) {
        throw ConfigException.invalid(
            key,
            value.substring(at, Math.min(value.length(), at + 40)),
            "a secret reference is ${secret:name} with a name of letters, digits, _ and -");
      }
      at = value.indexOf("${secret:", matcher.end());
    }
  }

  private static FieldPath path(ConfigNode node, String name, String text) {
    if (text == null) {
      return null;
    }
    try {
      return FieldPath.parse(text);
    } catch (IllegalArgumentException e) {
      throw ConfigException.invalid(key(node, name), text, e.getMessage());
    }
  }

  private static Map<String, String> stringMap(ConfigNode node, String name) {
    Map<String, String> result = new LinkedHashMap<>();
    ConfigNode map = node.child(name);
    for (Iterator<String> it = map.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      result.put(field, map.string(field, ""));
    }
    return result;
  }

  private static String key(ConfigNode node, String name) {
    return node.path().isEmpty() ? name : node.path() + "." + name;
  }
}
