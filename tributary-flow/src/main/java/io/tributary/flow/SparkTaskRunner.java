package io.tributary.flow;

import io.tributary.core.TableId;
import io.tributary.core.config.PartitionField;
import io.tributary.flow.internal.SparkDriver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs {@code spark} tasks: the rendered SELECT run by Apache Spark 4.1 in a child JVM ({@link
 * SparkDriver}), in local mode unless the task names a {@code master}, against the platform's own
 * Iceberg REST catalog, writing the target table through Iceberg. The tables the SQL reads are
 * pinned to their current snapshots ({@code VERSION AS OF}) and recorded in the commit's summary
 * with the flow, run, task and try, as {@link SqlTaskRunner} records them. The Spark jars (Spark
 * 4.1 for Scala 2.13 and {@code iceberg-spark-runtime-4.1_2.13}) are looked for in the jar folders
 * given, in order; without them the task fails at once, naming what is missing.
 */
public final class SparkTaskRunner implements TaskRunner {
  private static final int LOG_LINES = 200;
  private static final List<String> JVM_FLAGS =
      List.of(
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
          "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
          "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
          "-Djdk.reflect.useDirectMethodHandle=false",
          "-Dio.netty.tryReflectionSetAccessible=true");

  /**
   * Where Spark is and how the child runs.
   *
   * @param jarFolders folders holding the Spark and Iceberg runtime jars, looked at in order (e.g.
   *     {@code <data-dir>/spark/jars}, {@code $SPARK_HOME/jars})
   * @param catalogUri the platform's Iceberg REST catalog, known once its HTTP server listens
   * @param memory the child JVM's heap ({@code -Xmx}), e.g. {@code 1g}
   */
  /**
   * @param catalogToken by flow name, a bearer token for the catalog asked for at each try
   *     (short-lived, the flow owner's, so the catalog enforces the owner's grants), or empty when
   *     the catalog takes anonymous callers
   */
  public record Settings(
      List<Path> jarFolders,
      Supplier<URI> catalogUri,
      Function<String, Optional<String>> catalogToken,
      String memory) {
    public Settings {
      jarFolders = List.copyOf(jarFolders);
      Objects.requireNonNull(catalogUri, "catalogUri is null");
      Objects.requireNonNull(catalogToken, "catalogToken is null");
      Objects.requireNonNull(memory, "memory is null");
    }
  }

  /** The tables a task's SQL reads, as the lineage records them. */
  @FunctionalInterface
  public interface Inputs {
    /**
     * The current snapshot id (-1 if none) of every lake table {@code sql} reads, as flow {@code
     * flow}'s owner may read them.
     *
     * @throws TaskFailedException (not retriable) if the owner may not read one of them
     */
    Map<TableId, Long> snapshots(String flow, String sql) throws TaskFailedException;
  }

  private final Settings settings;
  private final Inputs inputs;

  /** A runner that records no inputs. */
  public SparkTaskRunner(Settings settings) {
    this(settings, (flow, sql) -> Map.of());
  }

  /**
   * @param inputs finds the tables a task reads: each is read at its current snapshot, pinned in
   *     the SQL Spark runs ({@code VERSION AS OF}) and recorded in the commit's lineage
   */
  public SparkTaskRunner(Settings settings, Inputs inputs) {
    this.settings = Objects.requireNonNull(settings, "settings is null");
    this.inputs = Objects.requireNonNull(inputs, "inputs is null");
  }

  @Override
  public void run(TaskAction action, TaskContext context)
      throws TaskFailedException, InterruptedException, IOException {
    TaskAction.Spark spark = (TaskAction.Spark) action;
    String sql = context.render(spark.sql());
    Map<String, Long> pins = new TreeMap<>();
    inputs
        .snapshots(context.flow(), sql)
        .forEach(
            (table, snapshot) -> {
              if (snapshot < 0) {
                context.log().accept("Input " + table + " has no snapshot yet");
              } else if (!SnapshotPins.names(sql, table)) {
                context.log().accept("Input " + table + " is not named plainly: read as it is");
              } else {
                pins.put(table.toString(), snapshot);
              }
            });
    launch(spark, context, sql, pins);
  }

  /**
   * Runs a spark task with each table of {@code pinned} read at its snapshot (a re-run on the
   * inputs a commit recorded).
   *
   * @throws io.tributary.core.InvalidInputException if the SQL does not name an input plainly
   */
  public void runPinned(TaskAction.Spark spark, TaskContext context, Map<String, Long> pinned)
      throws TaskFailedException, InterruptedException, IOException {
    launch(spark, context, context.render(spark.sql()), new TreeMap<>(pinned));
  }

  private void launch(
      TaskAction.Spark spark, TaskContext context, String sql, Map<String, Long> pins)
      throws TaskFailedException, InterruptedException, IOException {
    List<Path> jars = sparkJars();
    Path work = Files.createTempDirectory("tributary-spark-");
    try {
      Path taskFile = work.resolve("task.properties");
      Properties task = new Properties();
      task.setProperty(SparkDriver.MASTER, spark.master().orElse("local[1]"));
      task.setProperty(SparkDriver.CATALOG_URI, settings.catalogUri().get().toString());
      settings
          .catalogToken()
          .apply(context.flow())
          .ifPresent(token -> task.setProperty(SparkDriver.TOKEN, token));
      task.setProperty(SparkDriver.SQL, SnapshotPins.pin(sql, pins, SnapshotPins.SPARK));
      task.setProperty(SparkDriver.TARGET, spark.target().toString());
      task.setProperty(
          SparkDriver.MODE, spark.mode().name().toLowerCase(Locale.ROOT).replace('_', '-'));
      task.setProperty(
          SparkDriver.PARTITION_BY,
          spark.partitionBy().stream()
              .map(SparkTaskRunner::transform)
              .collect(Collectors.joining(", ")));
      task.setProperty(SparkDriver.SUMMARY_PREFIX + SqlTaskRunner.FLOW, context.flow());
      task.setProperty(SparkDriver.SUMMARY_PREFIX + SqlTaskRunner.RUN_ID, context.runId());
      task.setProperty(SparkDriver.SUMMARY_PREFIX + SqlTaskRunner.TASK, context.taskId());
      task.setProperty(
          SparkDriver.SUMMARY_PREFIX + SqlTaskRunner.TRY, Integer.toString(context.tryNumber()));
      task.setProperty(
          SparkDriver.SUMMARY_PREFIX + SqlTaskRunner.INPUTS,
          pins.entrySet().stream()
              .map(e -> e.getKey() + "@" + e.getValue())
              .collect(Collectors.joining(",")));
      try (Writer writer = Files.newBufferedWriter(taskFile)) {
        task.store(writer, "spark task " + context.flow() + "/" + context.taskId());
      }
      context.log().accept("Spark query: " + task.getProperty(SparkDriver.SQL).strip());
      context
          .log()
          .accept(
              "Inputs: "
                  + (pins.isEmpty()
                      ? "none"
                      : task.getProperty(SparkDriver.SUMMARY_PREFIX + SqlTaskRunner.INPUTS)));
      context
          .log()
          .accept(
              "Target: "
                  + spark.target()
                  + ", mode "
                  + spark.mode()
                  + ", master "
                  + task.getProperty(SparkDriver.MASTER));
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx" + settings.memory());
      command.addAll(JVM_FLAGS);
      command.add("-Djava.io.tmpdir=" + work);
      command.add("-cp");
      List<String> classpath = new ArrayList<>();
      classpath.add(driverLocation().toString());
      jars.forEach(jar -> classpath.add(jar.toString()));
      command.add(String.join(java.io.File.pathSeparator, classpath));
      command.add(SparkDriver.class.getName());
      command.add(taskFile.toString());
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
      builder.directory(work.toFile());
      run(builder, context);
    } finally {
      deleteQuietly(work);
    }
  }

  private static void run(ProcessBuilder builder, TaskContext context)
      throws TaskFailedException, InterruptedException, IOException {
    Process process = builder.start();
    Deque<String> tail = new ArrayDeque<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > LOG_LINES) {
                      tail.removeFirst();
                    }
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "tributary-spark-output");
    reader.setDaemon(true);
    reader.start();
    int exit;
    try {
      exit = process.waitFor();
      reader.join();
    } catch (InterruptedException e) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw e;
    }
    List<String> output;
    synchronized (tail) {
      output = List.copyOf(tail);
    }
    output.forEach(line -> context.log().accept("spark> " + line));
    if (exit != 0) {
      String reason =
          output.stream()
              .filter(line -> line.contains("Exception") || line.contains("Error"))
              .findFirst()
              .orElse("exit code " + exit);
      throw new TaskFailedException("Spark failed: " + reason, true);
    }
  }

  /** Spark's partition transform for a partition field. */
  static String transform(PartitionField field) {
    String column = field.column();
    return switch (field.transform()) {
      case IDENTITY -> column;
      case YEAR -> "years(" + column + ")";
      case MONTH -> "months(" + column + ")";
      case DAY -> "days(" + column + ")";
      case HOUR -> "hours(" + column + ")";
      case BUCKET -> "bucket(" + field.parameter() + ", " + column + ")";
      case TRUNCATE -> "truncate(" + field.parameter() + ", " + column + ")";
    };
  }

  /**
   * The jars of the first folder holding Spark SQL, plus the Iceberg runtime from any folder.
   *
   * @throws TaskFailedException (not retriable) naming what is missing and where it was looked for
   */
  List<Path> sparkJars() throws TaskFailedException {
    Optional<Path> sparkFolder = Optional.empty();
    Optional<Path> iceberg = Optional.empty();
    for (Path folder : settings.jarFolders()) {
      List<Path> jars = jarsIn(folder);
      if (sparkFolder.isEmpty()
          && jars.stream().anyMatch(j -> name(j).startsWith("spark-sql_2.13-"))) {
        sparkFolder = Optional.of(folder);
      }
      if (iceberg.isEmpty()) {
        iceberg =
            jars.stream()
                .filter(j -> name(j).startsWith("iceberg-spark-runtime-4.1_2.13-"))
                .findFirst();
      }
    }
    List<String> missing = new ArrayList<>();
    if (sparkFolder.isEmpty()) {
      missing.add("Apache Spark 4.1 for Scala 2.13 (spark-sql_2.13-4.1.*.jar and its jars)");
    }
    if (iceberg.isEmpty()) {
      missing.add("the Iceberg Spark runtime (iceberg-spark-runtime-4.1_2.13-1.12.*.jar)");
    }
    if (!missing.isEmpty()) {
      throw new TaskFailedException(
          "Spark is not installed: missing "
              + String.join(" and ", missing)
              + " in "
              + settings.jarFolders()
              + " (put Spark's jars folder there, or set SPARK_HOME)",
          false);
    }
    List<Path> classpath = new ArrayList<>(jarsIn(sparkFolder.get()));
    if (!classpath.contains(iceberg.get())) {
      classpath.add(iceberg.get());
    }
    return classpath;
  }

  private static List<Path> jarsIn(Path folder) {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(f -> name(f).endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static String name(Path path) {
    return path.getFileName().toString();
  }

  /** The jar or classes folder holding {@link SparkDriver}, for the child's classpath. */
  private static Path driverLocation() {
    try {
      return Path.of(SparkDriver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("Cannot locate the Spark driver class", e);
    }
  }

  private static void deleteQuietly(Path folder) {
    try (Stream<Path> paths = Files.walk(folder)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary folder left behind
    }
  }
}
