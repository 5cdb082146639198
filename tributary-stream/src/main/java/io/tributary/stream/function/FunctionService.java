package io.tributary.stream.function;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.config.EgressPolicy;
import io.tributary.core.config.FieldPath;
import io.tributary.core.config.FunctionSpec;
import io.tributary.core.config.StreamSpec;
import io.tributary.core.config.TopicSpec;
import io.tributary.lake.Registry;
import io.tributary.spi.Assignments;
import io.tributary.spi.PermanentFailureException;
import io.tributary.spi.RecordFunction;
import io.tributary.stream.StreamRegistry;
import io.tributary.stream.topic.TopicRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The functions: declared in config or over HTTP, kept in table {@code tributary_functions} of the
 * metadata database, and run, one {@link FunctionRunner} each.
 *
 * <p>A function subscribes to a topic (or a stream). What it emits goes to streams (or topics): an
 * {@code emit-to} that names neither is declared as a stream with the defaults, delivered to {@code
 * raw.<name>}, like Firehose creating the destination prefix. Its dead letters go to stream {@code
 * <function>_dlq}, delivered to {@code raw.<function>_dlq}, declared the same way unless declared
 * already. Thread-safe.
 */
public final class FunctionService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FunctionService.class);

  private final Registry<FunctionSpec> registry;
  private final StreamRegistry streams;
  private final TopicRegistry topics;
  private final io.tributary.stream.StreamLog log;
  private final MeterRegistry meters;
  private final Clock clock;
  private final Secrets secrets;
  private final FunctionPrivileges privileges;
  private final Path jarDirectory;
  private final String nodeId;
  private final HttpClient http;
  private volatile EgressPolicy egress;
  private final Random jitter;
  private final Map<String, FunctionRunner> running = new ConcurrentHashMap<>();
  private volatile Assignments assignments = Assignments.NONE;
  private URLClassLoader jars;

  /**
   * Creates the registry table if missing and loads the saved functions; {@link #startAll()} starts
   * them.
   *
   * @param dataDir holds {@code secrets/} and {@code functions/} (jars of java functions)
   * @param stored the platform's secret store and variables, read at each use ({@code
   *     ${secret:..}}, {@code ${var:..}})
   * @param environment reads environment variables (secrets not in the store)
   * @param privileges where each function's owner may emit, checked for each record
   * @param egress where http-enrich functions may send requests and secrets
   * @param jitter the randomness of the retry back-off (seeded in tests)
   */
  public FunctionService(
      Supplier<Connection> metadataDb,
      io.tributary.stream.StreamLog log,
      StreamRegistry streams,
      TopicRegistry topics,
      Path dataDir,
      String nodeId,
      StoredValues stored,
      UnaryOperator<String> environment,
      FunctionPrivileges privileges,
      EgressPolicy egress,
      MeterRegistry meters,
      Clock clock,
      Random jitter) {
    this.registry =
        new Registry<>(
            "function",
            metadataDb,
            "tributary_functions",
            Registry.Codec.of(
                FunctionSpec::name,
                spec -> FunctionSpecs.toJson(spec).toString(),
                FunctionSpecs::fromJson),
            null,
            clock);
    this.egress = Objects.requireNonNull(egress, "egress is null");
    this.log = Objects.requireNonNull(log, "log is null");
    this.streams = Objects.requireNonNull(streams, "streams is null");
    this.topics = Objects.requireNonNull(topics, "topics is null");
    this.meters = Objects.requireNonNull(meters, "meters is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
    this.secrets = new Secrets(stored, environment, dataDir);
    this.privileges = Objects.requireNonNull(privileges, "privileges is null");
    this.jarDirectory = dataDir.resolve("functions");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId is null");
    this.jitter = Objects.requireNonNull(jitter, "jitter is null");
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            // a redirect would lead past the egress policy
            .followRedirects(HttpClient.Redirect.NEVER)
            // the client's own stages run where the work is (the lane sending, the selector thread
            // reading the answer) instead of being handed to a pool thread at each step: lanes
            // block in send() anyway, and each hand-over cost CPU (docs/benchmarks.md, functions)
            .executor(Runnable::run)
            .build();
    topics.setInUse(topic -> registry.list().stream().anyMatch(f -> f.topic().equals(topic)));
  }

  /**
   * Gives {@code java} functions the platform's experiment assignments ({@link
   * RecordFunction.Context#assignments()}); {@link Assignments#NONE} until then.
   */
  public void useAssignments(Assignments assignments) {
    this.assignments = java.util.Objects.requireNonNull(assignments, "assignments is null");
  }

  /**
   * Refuses requests to these ports of this machine too (the platform's own listeners, once their
   * ports are known).
   */
  public void refusePlatformPorts(Set<Integer> ports) {
    Set<Integer> all = new HashSet<>(egress.platformPorts());
    all.addAll(ports);
    egress = egress.withPlatformPorts(all);
  }

  /** Saves the functions declared in config (config wins); functions created over HTTP stay. */
  public void declare(List<FunctionSpec> fromConfig) {
    for (FunctionSpec spec : fromConfig) {
      check(spec);
      save(spec);
    }
  }

  /** Starts every saved function that is not running. */
  public synchronized void startAll() {
    for (FunctionSpec spec : list()) {
      if (!running.containsKey(spec.name())) {
        warnIfRefused(spec);
        start(spec);
      }
    }
  }

  /**
   * Creates or replaces a function and (re)starts it. Its consumer group is kept: a changed
   * function goes on from where the old one stopped.
   *
   * @throws InvalidInputException if its topic does not exist, a target is the topic it reads, a
   *     secret is not set or its class cannot be loaded
   */
  public synchronized FunctionSpec put(FunctionSpec spec) {
    check(spec);
    Handler probe = newHandler(spec); // fails before anything changes
    probe.close();
    save(spec);
    stop(spec.name());
    start(spec);
    return spec;
  }

  /** Warns of a saved function whose requests the egress policy refuses (saved before it was). */
  private void warnIfRefused(FunctionSpec spec) {
    if (spec.http() != null) {
      egress
          .checkTemplate(spec.http().url(), spec.http().headers())
          .ifPresent(
              denial ->
                  LOG.warn(
                      "Function {}: {} ({}); every request is refused and dead-lettered with"
                          + " egress_denied until the config allows it or the function is changed",
                      spec.name(),
                      denial.message(),
                      denial.rule()));
    }
  }

  private void check(FunctionSpec spec) {
    if (spec.http() != null) {
      egress
          .checkTemplate(spec.http().url(), spec.http().headers())
          .ifPresent(
              denial -> {
                throw new InvalidInputException(
                    ErrorCode.EGRESS_DENIED,
                    "Invalid function '"
                        + spec.name()
                        + "': "
                        + denial.message()
                        + " ("
                        + denial.rule()
                        + ")");
              });
    }
    if (topics.get(spec.topic()).isEmpty() && streams.get(spec.topic()).isEmpty()) {
      throw new InvalidInputException(
          ErrorCode.UNKNOWN_TOPIC,
          "Invalid function '"
              + spec.name()
              + "'.topic: '"
              + spec.topic()
              + "' (no such topic or stream; create it with PUT /v1/topics/"
              + spec.topic()
              + ")");
    }
    if (topics.get(spec.deadLetterStream()).isPresent()) {
      throw new InvalidInputException(
          ErrorCode.NAME_TAKEN,
          "Function '"
              + spec.name()
              + "': its dead-letter stream "
              + spec.deadLetterStream()
              + " is a topic");
    }
  }

  private void save(FunctionSpec spec) {
    for (String target : spec.targets()) {
      if (topics.get(target).isEmpty() && streams.get(target).isEmpty()) {
        LOG.info("Function {}: declaring stream {} (emit-to) with defaults", spec.name(), target);
        streams.put(StreamSpec.withDefaults(target));
      }
    }
    if (streams.get(spec.deadLetterStream()).isEmpty()) {
      streams.put(StreamSpec.withDefaults(spec.deadLetterStream()));
    }
    registry.put(spec);
  }

  private void start(FunctionSpec spec) {
    FieldPath key =
        spec.key() != null ? spec.key() : topics.get(spec.topic()).map(TopicSpec::key).orElse(null);
    FunctionRunner runner =
        new FunctionRunner(
            spec, nodeId, key, checked(spec, newHandler(spec)), log, meters, clock, jitter);
    running.put(spec.name(), runner);
    runner.start();
  }

  private void stop(String name) {
    FunctionRunner runner = running.remove(name);
    if (runner != null) {
      runner.close();
    }
  }

  private Handler newHandler(FunctionSpec spec) {
    return switch (spec.type()) {
      case HTTP_ENRICH -> {
        // checked now, so a reference to nothing fails the PUT; resolved again at every call
        headersOf(spec);
        yield new HttpEnrichHandler(
            spec, () -> headersOf(spec), http, () -> egress, InetAddress::getAllByName);
      }
      case FILTER, ROUTE -> new FilterHandler(spec);
      case JAVA -> {
        try {
          yield new JavaHandler(spec, instantiate(spec), () -> assignments);
        } catch (InvalidInputException e) {
          throw e;
        } catch (Exception e) {
          throw new InvalidInputException(
              ErrorCode.FUNCTION_OPEN_FAILED,
              "Function '" + spec.name() + "': " + spec.className() + ".open() failed: " + e,
              e);
        }
      }
    };
  }

  /** {@code handler}, refusing each emit its function's owner may no longer make. */
  private Handler checked(FunctionSpec spec, Handler handler) {
    return new Handler() {
      @Override
      public List<Emit> handle(ObjectNode message, int attempt) throws Exception {
        List<Emit> emits = handler.handle(message, attempt);
        for (Emit emit : emits) {
          Optional<String> denial = privileges.denial(spec.name(), emit.target());
          if (denial.isPresent()) {
            throw new PermanentFailureException("forbidden", denial.get());
          }
        }
        return emits;
      }

      @Override
      public void close() {
        handler.close();
      }
    };
  }

  /** The request headers of {@code spec} with its references resolved as they are now. */
  private Map<String, String> headersOf(FunctionSpec spec) {
    Map<String, String> headers = new LinkedHashMap<>();
    spec.http()
        .headers()
        .forEach(
            (name, value) ->
                headers.put(
                    name, secrets.resolve(value, "Function '" + spec.name() + "' header " + name)));
    return headers;
  }

  private RecordFunction instantiate(FunctionSpec spec) {
    Class<?> type;
    try {
      type = Class.forName(spec.className(), true, classLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new InvalidInputException(
          ErrorCode.UNKNOWN_CLASS,
          "Invalid function '"
              + spec.name()
              + "'.class: '"
              + spec.className()
              + "' (not on the classpath nor in a jar in "
              + jarDirectory
              + ")");
    }
    if (!RecordFunction.class.isAssignableFrom(type)) {
      throw new InvalidInputException(
          ErrorCode.UNKNOWN_CLASS,
          "Invalid function '"
              + spec.name()
              + "'.class: '"
              + spec.className()
              + "' (does not implement "
              + RecordFunction.class.getName()
              + ")");
    }
    try {
      return (RecordFunction) type.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new InvalidInputException(
          ErrorCode.UNKNOWN_CLASS,
          "Invalid function '"
              + spec.name()
              + "'.class: '"
              + spec.className()
              + "' (needs a public no-argument constructor: "
              + e
              + ")");
    }
  }

  /** The application class loader, or one over the jars in {@code <data-dir>/functions/}. */
  private synchronized ClassLoader classLoader() {
    ClassLoader parent = FunctionService.class.getClassLoader();
    if (!Files.isDirectory(jarDirectory)) {
      return parent;
    }
    if (jars == null) {
      List<URL> urls = new ArrayList<>();
      try (Stream<Path> files = Files.list(jarDirectory)) {
        for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
          urls.add(jar.toUri().toURL());
        }
      } catch (MalformedURLException e) {
        throw new IllegalStateException(e);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot list " + jarDirectory, e);
      }
      jars = new URLClassLoader(urls.toArray(URL[]::new), parent);
    }
    return jars;
  }

  public Optional<FunctionSpec> get(String name) {
    return registry.get(name);
  }

  /** Every function, sorted by name. */
  public List<FunctionSpec> list() {
    return registry.list();
  }

  /** The status of a running function. */
  public Optional<FunctionStatus> status(String name) {
    return Optional.ofNullable(running.get(name)).map(FunctionRunner::status);
  }

  /**
   * Stops and forgets the function; its consumer group, streams and tables stay.
   *
   * @return whether it existed
   */
  /** The partitions of each running function's topic this node handles now. */
  public Map<String, List<Integer>> ownedPartitions() {
    Map<String, List<Integer>> owned = new java.util.TreeMap<>();
    running.forEach((name, runner) -> owned.put(name, runner.ownedPartitions()));
    return owned;
  }

  public synchronized boolean delete(String name) {
    return registry.delete(name, this::stop);
  }

  /** Stops every function; a batch still in hand is not committed and is handled on restart. */
  @Override
  public synchronized void close() {
    List.copyOf(running.keySet()).forEach(this::stop);
    if (jars != null) {
      try {
        jars.close();
      } catch (IOException e) {
        LOG.warn("Cannot close the function jars: {}", e.toString());
      }
    }
  }
}
