package io.tributary.bench;

import io.tributary.core.TableId;
import io.tributary.lake.Lake;
import io.tributary.server.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.iceberg.Table;

/**
 * The peer of Tributary's delivery: Apache Iceberg's Kafka Connect sink (exactly once through its
 * control topic and coordinator) in a standalone Connect worker in a child JVM, reading the filled
 * {@link PeerTopic} into a fresh table of its own JDBC (SQLite) catalog, as a team would run it:
 * JSON converter without schemas, tables created and evolved by the sink, one task, the same commit
 * interval as the platform's buffer interval.
 *
 * <p>Timed from the task's start (its log line; the worker's JVM start is not counted) until the
 * table's current snapshot holds every event; CPU is the worker's ({@code /proc/PID/stat}, through
 * {@link ProcessHandle}) plus this process's over the same time (the broker serving it), as
 * delivery's CPU counts the broker too.
 */
final class ConnectPeer implements AutoCloseable {
  private static final String MAIN = "org.apache.kafka.connect.cli.ConnectStandalone";
  private static final String READY = "Sink task finished initialization and start";
  private static final long START_TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(2);
  private static final long COMMIT_TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(10);

  private final ConnectPeerJars jars;
  private final Platform platform;
  private final PeerTopic topic;
  private final Duration interval;
  private final Path dir;
  private final Lake catalog;

  /**
   * @param dir where the worker's files, its log, its catalog and its warehouse go
   */
  ConnectPeer(ConnectPeerJars jars, Platform platform, PeerTopic topic, Duration interval, Path dir)
      throws IOException {
    this.jars = jars;
    this.platform = platform;
    this.topic = topic;
    this.interval = interval;
    this.dir = Files.createDirectories(dir);
    this.catalog = Lake.open(LocalPlatform.catalog(dir));
  }

  /** The sink's phase, and the worker JVM's share of its CPU. */
  record Result(Phase phase, long workerCpuNanos) {}

  /**
   * Runs a worker whose connector reads the whole topic into {@code raw.<topic>_connect_<round>}.
   */
  Result measure(int round) throws Exception {
    String name = "kc-sink-" + round;
    TableId table = new TableId("raw", topic.name() + "_connect_" + round);
    String control = "control-" + name;
    platform.streamLog().ensureTopic(control, 1, 1 << 20);
    Path worker = write(name + "-worker.properties", workerProperties(name));
    Path sink = write(name + ".properties", sinkProperties(name, table, control));
    Path log = dir.resolve(name + ".log");
    System.err.printf(
        "Kafka Connect Iceberg sink: %,d events into %s (worker log %s)...%n",
        topic.events(), table, log);
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-cp",
                jars.classpath(),
                MAIN,
                worker.toString(), // first after the main class: the sink reads it back from there
                sink.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      awaitReady(process, log);
      CpuMeter broker = CpuMeter.start();
      long workerStart = cpuNanos(process);
      long start = System.nanoTime();
      long end = awaitCommitted(process, log, table);
      long workerCpu = cpuNanos(process) - workerStart;
      Phase phase = new Phase(topic.events(), end - start, workerCpu + broker.nanos());
      stop(process); // so that nothing commits after the check
      ExactlyOnce.check(catalog.loadTable(table).orElseThrow(), topic.events());
      return new Result(phase, workerCpu);
    } finally {
      stop(process);
    }
  }

  private String workerProperties(String name) throws IOException {
    return String.join(
        "\n",
        security(),
        "bootstrap.servers=" + platform.streamLog().bootstrapServers(),
        "key.converter=org.apache.kafka.connect.converters.ByteArrayConverter",
        "value.converter=org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable=false",
        "offset.storage.file.filename=" + dir.resolve(name + ".offsets"),
        "listeners=http://127.0.0.1:" + LocalPlatform.freePort(),
        "plugin.discovery=service_load",
        // the task reads the control topic only inside put(), which an idle worker calls once per
        // offset flush: at the default 60 s, the coordinator's commits time out once drained
        "offset.flush.interval.ms=1000",
        "");
  }

  /**
   * The platform's internal SASL settings (when access is on) for the worker and its producers,
   * consumers and admin clients, the sink's own clients included (they start from the worker's).
   */
  private String security() {
    StringBuilder lines = new StringBuilder();
    platform
        .streamLog()
        .connectionProperties()
        .forEach(
            (key, value) -> {
              if (!key.equals("bootstrap.servers")) {
                for (String prefix : List.of("", "producer.", "consumer.", "admin.")) {
                  lines.append(prefix).append(key).append('=').append(value).append('\n');
                }
              }
            });
    return lines.toString().strip();
  }

  private String sinkProperties(String name, TableId table, String control) {
    return String.join(
        "\n",
        "name=" + name,
        "connector.class=org.apache.iceberg.connect.IcebergSinkConnector",
        "tasks.max=1",
        "topics=" + topic.name(),
        "iceberg.tables=" + table,
        "iceberg.tables.auto-create-enabled=true",
        "iceberg.tables.evolve-schema-enabled=true",
        // the JDBC catalog keeps each catalog name's tables apart: the name the benchmark reads
        // with
        "iceberg.catalog=" + catalog.catalog().name(),
        "iceberg.catalog.catalog-impl=org.apache.iceberg.jdbc.JdbcCatalog",
        "iceberg.catalog.uri=" + LocalPlatform.catalog(dir).uri(),
        "iceberg.catalog.jdbc.schema-version=V1",
        "iceberg.catalog.warehouse=" + LocalPlatform.catalog(dir).warehouse(),
        "iceberg.control.topic=" + control,
        "iceberg.control.commit.interval-ms=" + interval.toMillis(),
        "");
  }

  /** Writes a file only its owner may read: the worker's holds the internal Kafka password. */
  private Path write(String file, String content) throws IOException {
    Path path = dir.resolve(file);
    Files.deleteIfExists(path);
    Files.createFile(
        path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    return Files.writeString(path, content, StandardCharsets.UTF_8);
  }

  /** Waits for the task's start in the worker's log (ISO-8859-1: any byte reads). */
  private static void awaitReady(Process process, Path log) throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
    while (!Files.readString(log, StandardCharsets.ISO_8859_1).contains(READY)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "The Kafka Connect worker "
                + (process.isAlive() ? "did not start its task in 2 minutes" : "exited")
                + "; the end of its log "
                + log
                + ":\n"
                + tail(log));
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  /** Polls the table's current snapshot until it holds every event; returns when it did. */
  private long awaitCommitted(Process process, Path log, TableId id) throws IOException {
    long deadline = System.nanoTime() + COMMIT_TIMEOUT_NANOS;
    Table table = null;
    RuntimeException lastError = null;
    long rows = 0;
    while (System.nanoTime() < deadline && process.isAlive()) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      try { // the worker commits to the same SQLite file: a read may meet its lock
        table = table == null ? catalog.loadTable(id).orElse(null) : table;
        if (table == null) {
          continue;
        }
        table.refresh();
      } catch (RuntimeException e) {
        lastError = e;
        continue;
      }
      rows =
          table.currentSnapshot() == null
              ? 0
              : Long.parseLong(
                  table.currentSnapshot().summary().getOrDefault("total-records", "0"));
      if (rows >= topic.events()) {
        return System.nanoTime();
      }
    }
    throw new IllegalStateException(
        "The Kafka Connect sink committed "
            + rows
            + " of "
            + topic.events()
            + " rows to "
            + id
            + (process.isAlive() ? " in 10 minutes" : " before its worker exited")
            + (lastError == null ? "" : " (last catalog error: " + lastError + ")")
            + "; the end of its log "
            + log
            + ":\n"
            + tail(log));
  }

  private static long cpuNanos(Process process) {
    return process
        .toHandle()
        .info()
        .totalCpuDuration()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "The system does not report the CPU time of process " + process.pid()))
        .toNanos();
  }

  private static void stop(Process process) throws InterruptedException {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  @Override
  public void close() {
    catalog.close();
  }
}
