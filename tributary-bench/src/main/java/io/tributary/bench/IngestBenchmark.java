package io.tributary.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.amp.EventGenerator;
import io.tributary.amp.SimulatorConfig;
import io.tributary.core.TableId;
import io.tributary.core.config.PartitionField;
import io.tributary.core.config.StreamSpec;
import io.tributary.core.config.TributaryConfig;
import io.tributary.lake.Flattener;
import io.tributary.lake.TableSink;
import io.tributary.query.QueryResult;
import io.tributary.server.Platform;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.avro.util.Utf8;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.InternalWriter;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.FanoutDataWriter;
import org.apache.iceberg.io.FileWriterFactory;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.util.DateTimeUtil;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench ingest}: end-to-end ingestion (HTTP → Kafka → delivery → committed Iceberg rows)
 * against its two peers measured in the same run on the same machine: the raw Kafka producer on the
 * same embedded broker, and the raw Iceberg writer; plus freshness, the time from a batch's
 * acknowledgement to its rows being visible to SQL.
 */
@Command(
    name = "ingest",
    description = "End-to-end ingest vs raw Kafka producer and Iceberg writer.")
final class IngestBenchmark implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STREAM = "bench_events";
  private static final int BATCH = 500;
  private static final String LOAD_THREAD = "bench-client-";
  private static final long MIN_PRODUCER_NANOS = TimeUnit.SECONDS.toNanos(5);

  /** Distinct generated batches; longer runs reuse them with their own batch numbers. */
  private static final int POOL_BATCHES = 100;

  @Option(names = "--events", defaultValue = "200000", description = "Events per phase")
  int events;

  @Option(
      names = "--buffer-interval",
      defaultValue = "2s",
      description = "Delivery buffer interval")
  String bufferInterval;

  @Option(
      names = "--warmup-events",
      defaultValue = "50000",
      description = "Events sent end to end (and awaited) before the timed run, to warm up the JIT")
  int warmupEvents;

  @Option(names = "--clients", defaultValue = "8", description = "Concurrent HTTP clients")
  int clients;

  @Option(
      names = "--freshness-rate",
      defaultValue = "5000",
      description =
          "Steady load (events/s) of the freshness phase; at most half the end-to-end rate")
  double freshnessRate;

  @Option(names = "--json", description = "Print one JSON object")
  boolean json;

  @Override
  public Integer call() throws Exception {
    try (ScratchDir dir = new ScratchDir("tributary-bench")) {
      return run(dir.path());
    }
  }

  private int run(Path dir) throws Exception {
    int warmup = (warmupEvents + BATCH - 1) / BATCH;
    int batches = (events + BATCH - 1) / BATCH + warmup;
    events = (batches - warmup) * BATCH;
    log("generating %,d distinct events...", POOL_BATCHES * BATCH);
    Bodies bodies = new Bodies(new EventGenerator(SimulatorConfig.withSeed(7), Clock.systemUTC()));
    List<ObjectNode> template = bodies.events;

    StreamSpec stream =
        StreamSpec.fromConfig(
            STREAM,
            new io.tributary.core.config.ConfigNode(
                JSON.createObjectNode()
                    .set("buffer", JSON.createObjectNode().put("interval", bufferInterval)),
                "bench"));
    int kafkaPort = freePort();
    TributaryConfig config =
        new TributaryConfig(
            dir,
            new TributaryConfig.Http("127.0.0.1", 0),
            new TributaryConfig.Kafka(
                TributaryConfig.KafkaMode.EMBEDDED, kafkaPort, freePort(), null),
            new TributaryConfig.Catalog(
                "jdbc:sqlite:" + dir.resolve("catalog.db"), null, null, dir.resolve("lake")),
            TributaryConfig.Ingest.DEFAULT,
            TributaryConfig.Query.DEFAULT,
            List.of(stream));
    Map<String, Object> result = new LinkedHashMap<>();
    try (Platform platform = Platform.start(config, Clock.systemUTC())) {
      result.put("events", events);
      result.put("event_bytes_avg", bodies.bytes() / (POOL_BATCHES * BATCH));
      Phase kafka = kafkaProducer(platform, bodies, warmup, batches);
      Phase iceberg = icebergWriter(platform, bodies, warmup, batches);
      log("end to end warm-up: %,d events...", warmup * BATCH);
      endToEnd(platform, bodies, 0, warmup, stream);
      log("end to end over HTTP: %,d events, %d clients...", events, clients);
      EndToEnd e2e = endToEnd(platform, bodies, warmup, batches - warmup, stream);
      double[] fresh =
          freshness(
              platform, stream, template, batches, Math.min(freshnessRate, e2e.phase().rate() / 2));
      result.put("end_to_end_events_per_s", round(e2e.phase().rate()));
      result.put("gateway_acked_events_per_s", round(e2e.acked()));
      result.put("kafka_producer_events_per_s", round(kafka.rate()));
      result.put("iceberg_writer_rows_per_s", round(iceberg.rate()));
      result.put("end_to_end_vs_kafka_producer", round2(e2e.phase().rate() / kafka.rate()));
      result.put("end_to_end_vs_iceberg_writer", round2(e2e.phase().rate() / iceberg.rate()));
      result.put("end_to_end_cpu_us_per_event", round2(e2e.phase().cpuMicrosPerEvent()));
      result.put("kafka_producer_cpu_us_per_event", round2(kafka.cpuMicrosPerEvent()));
      result.put("iceberg_writer_cpu_us_per_row", round2(iceberg.cpuMicrosPerEvent()));
      result.put("freshness_p50_ms", round(fresh[0]));
      result.put("freshness_p99_ms", round(fresh[1]));
      result.put("freshness_load_events_per_s", round(fresh[2]));
      result.put("buffer_interval_ms", stream.buffer().interval().toMillis());
      result.put("rss_peak_mib", peakRssMib());
    }
    Results.print(result, json);
    return 0;
  }

  /**
   * The raw Kafka producer: the gateway's own producer settings, the same records, same broker; one
   * untimed pass first, as the end-to-end run has its warm-up, then passes for at least 5 s.
   */
  private Phase kafkaProducer(Platform platform, Bodies bodies, int first, int end)
      throws Exception {
    platform.streamLog().ensureTopic("bench_raw", 3, 8L << 20);
    Producer<byte[], byte[]> producer = platform.streamLog().producer();
    List<byte[]> records = new ArrayList<>((end - first) * BATCH);
    for (int b = first; b < end; b++) {
      records.addAll(bodies.records(b));
    }
    log(
        "raw Kafka producer: %,d records (after as many to warm up), again for 5 s...",
        records.size());
    sendAll(producer, records);
    CpuMeter cpu = CpuMeter.start();
    long start = System.nanoTime();
    long sent = 0;
    do { // a single pass of a fast producer lasts about a second: too short to be steady
      sendAll(producer, records);
      sent += records.size();
    } while (System.nanoTime() - start < MIN_PRODUCER_NANOS);
    return new Phase(sent, System.nanoTime() - start, cpu.nanos());
  }

  private static void sendAll(Producer<byte[], byte[]> producer, List<byte[]> records)
      throws Exception {
    List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
    for (byte[] record : records) {
      acks.add(producer.send(new ProducerRecord<>("bench_raw", record)));
    }
    for (Future<RecordMetadata> ack : acks) {
      ack.get();
    }
  }

  /**
   * The raw Iceberg writer: Iceberg's own Parquet writer for its internal representation ({@code
   * InternalWriter}, fanned out by partition) and an append commit, in delivery-sized commits of
   * 25k rows. The table and its schema come from our sink, and the rows are flattened and converted
   * to Iceberg records beforehand (untimed); only writing and committing are timed.
   */
  private Phase icebergWriter(Platform platform, Bodies bodies, int first, int end)
      throws IOException {
    TableId id = new TableId("raw", "bench_writer");
    TableSink sink = platform.lake().sink(id, List.of(PartitionField.parse("day(_ingested_at)")));
    Flattener flattener = new Flattener(StreamSpec.Transform.FLATTEN);
    int perChunk = 25_000 / BATCH;
    log("raw Iceberg writer: %,d rows...", (end - first) * BATCH);
    long nanos = 0;
    long cpuNanos = 0;
    for (int b = first - perChunk; b < end; b += perChunk) { // the first chunk warms up
      List<byte[]> lines = new ArrayList<>(perChunk * BATCH);
      for (int i = Math.max(0, b); i < Math.min(end, b + perChunk); i++) {
        lines.addAll(bodies.records(i));
      }
      List<Map<String, Object>> rows = flatten(flattener, lines);
      if (!sink.prepare(rows).isEmpty()) {
        throw new IllegalStateException("The sink rejects generated events");
      }
      Table table = platform.lake().loadTable(id).orElseThrow();
      List<Record> records = toRecords(table.schema(), rows);
      CpuMeter cpu = CpuMeter.start();
      long start = System.nanoTime();
      appendWithIceberg(table, records);
      if (b >= first) {
        nanos += System.nanoTime() - start;
        cpuNanos += cpu.nanos();
      }
    }
    return new Phase((end - first) * BATCH, nanos, cpuNanos);
  }

  private static List<Record> toRecords(Schema schema, List<Map<String, Object>> rows) {
    List<Record> records = new ArrayList<>(rows.size());
    for (Map<String, Object> row : rows) {
      GenericRecord record = GenericRecord.create(schema);
      row.forEach(
          (name, value) -> {
            if (value != null) {
              record.setField(name, icebergValue(schema.findType(name), value));
            }
          });
      records.add(record);
    }
    return records;
  }

  private static Object icebergValue(org.apache.iceberg.types.Type type, Object value) {
    return switch (type.typeId()) {
      case LONG -> ((Number) value).longValue();
      case DOUBLE -> ((Number) value).doubleValue();
      case TIMESTAMP ->
          DateTimeUtil.microsFromInstant(
              value instanceof Instant instant
                  ? instant
                  : java.time.OffsetDateTime.parse((String) value).toInstant());
      case STRING -> new Utf8(value.toString());
      default -> value;
    };
  }

  /**
   * Writes records (values in Iceberg's internal representation) with Iceberg's internal Parquet
   * writer, partitioned, and appends them in one commit.
   */
  private static void appendWithIceberg(Table table, List<Record> records) throws IOException {
    Schema schema = table.schema();
    PartitionSpec spec = table.spec();
    FanoutDataWriter<Record> writer =
        new FanoutDataWriter<>(
            new FileWriterFactory<>() {
              @Override
              public DataWriter<Record> newDataWriter(
                  EncryptedOutputFile file, PartitionSpec fileSpec, StructLike partition) {
                try {
                  return Parquet.writeData(file)
                      .forTable(table)
                      .withSpec(fileSpec)
                      .withPartition(partition)
                      .createWriterFunc(InternalWriter::createWriter)
                      .build();
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              }

              @Override
              public EqualityDeleteWriter<Record> newEqualityDeleteWriter(
                  EncryptedOutputFile file, PartitionSpec fileSpec, StructLike partition) {
                throw new UnsupportedOperationException();
              }

              @Override
              public PositionDeleteWriter<Record> newPositionDeleteWriter(
                  EncryptedOutputFile file, PartitionSpec fileSpec, StructLike partition) {
                throw new UnsupportedOperationException();
              }
            },
            OutputFileFactory.builderFor(table, 0, 0).format(FileFormat.PARQUET).build(),
            table.io(),
            128L << 20);
    PartitionKey key = new PartitionKey(spec, schema);
    for (Record record : records) {
      key.partition(record);
      writer.write(record, spec, key);
    }
    writer.close();
    AppendFiles append = table.newAppend();
    writer.result().dataFiles().forEach(append::appendFile);
    append.commit();
  }

  private static List<Map<String, Object>> flatten(Flattener flattener, List<byte[]> records)
      throws IOException {
    Instant now = Instant.now();
    List<Map<String, Object>> rows = new ArrayList<>(records.size());
    for (byte[] record : records) {
      Map<String, Object> row = flattener.flatten(record).orElseThrow();
      row.put("_ingested_at", now);
      rows.add(row);
    }
    return rows;
  }

  /**
   * HTTP clients post NDJSON batches {@code first..first+count} as fast as they can; measures until
   * all their rows are visible.
   */
  private EndToEnd endToEnd(
      Platform platform, Bodies bodies, int first, int count, StreamSpec stream) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    URI uri = platform.httpUri().resolve("/v1/streams/" + STREAM + "/records");
    long[] ackedAt = new long[count];
    AtomicInteger nextBatch = new AtomicInteger();
    AtomicInteger threads = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            clients, task -> new Thread(task, LOAD_THREAD + threads.incrementAndGet()));
    CpuMeter cpu = CpuMeter.start(IngestBenchmark::isLoadGenerator);
    long start = System.nanoTime();
    List<Future<?>> senders = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      senders.add(
          pool.submit(
              () -> {
                for (int b = nextBatch.getAndIncrement();
                    b < count;
                    b = nextBatch.getAndIncrement()) {
                  post(http, uri, bodies.body(first + b));
                  ackedAt[b] = System.nanoTime();
                }
                return null;
              }));
    }
    long end = awaitCommitted(platform, stream, (long) (first + count) * BATCH);
    long cpuNanos = cpu.nanos();
    for (Future<?> sender : senders) {
      sender.get();
    }
    pool.shutdownNow();
    awaitVisible(platform, stream, first, count, BATCH); // and every batch is whole in SQL
    long lastAck = Arrays.stream(ackedAt).max().orElse(start);
    return new EndToEnd(
        new Phase(count * BATCH, end - start, cpuNanos), count * BATCH / ((lastAck - start) / 1e9));
  }

  /** The benchmark's own HTTP clients: their CPU is not the platform's. */
  private static boolean isLoadGenerator(String thread) {
    return thread.startsWith(LOAD_THREAD) || thread.startsWith("HttpClient-");
  }

  /** A timed phase: {@code events} in {@code nanos} of wall time and {@code cpuNanos} of CPU. */
  private record Phase(long events, long nanos, long cpuNanos) {
    double rate() {
      return events / (nanos / 1e9);
    }

    double cpuMicrosPerEvent() {
      return cpuNanos / 1e3 / events;
    }
  }

  private record EndToEnd(Phase phase, double acked) {}

  /**
   * Freshness at a steady load: one client sends a batch every 100 ms at {@code eventsPerSecond}
   * for three buffer intervals (at least 10 s); each batch's acknowledgement time is compared with
   * the moment a SQL query first sees all its rows.
   */
  private double[] freshness(
      Platform platform, StreamSpec stream, List<ObjectNode> template, int firstBatch, double rate)
      throws Exception {
    int perBatch = Math.max(1, (int) Math.round(rate / 10));
    long millis = Math.max(10_000, 3 * stream.buffer().interval().toMillis());
    int batches = (int) (millis / 100);
    log("freshness: %,d events/s for %d s...", perBatch * 10, millis / 1000);
    HttpClient http = HttpClient.newHttpClient();
    URI uri = platform.httpUri().resolve("/v1/streams/" + STREAM + "/records");
    long[] ackedAt = new long[batches];
    Thread sender =
        new Thread(
            () -> {
              long next = System.nanoTime();
              for (int b = 0; b < batches; b++) {
                StringBuilder body = new StringBuilder();
                for (int i = 0; i < perBatch; i++) {
                  ObjectNode event = template.get((b * perBatch + i) % template.size()).deepCopy();
                  event.put("bench_batch", firstBatch + b);
                  body.append(event).append('\n');
                }
                LockSupport.parkNanos(next - System.nanoTime());
                next += TimeUnit.MILLISECONDS.toNanos(100);
                try {
                  post(http, uri, body.toString().getBytes(StandardCharsets.UTF_8));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
                ackedAt[b] = System.nanoTime();
              }
            },
            "freshness-sender");
    sender.start();
    long[] visibleAt = awaitVisible(platform, stream, firstBatch, batches, perBatch);
    sender.join();
    double[] freshness = new double[batches];
    for (int b = 0; b < batches; b++) {
      freshness[b] = Math.max(0, (visibleAt[b] - ackedAt[b]) / 1e6);
    }
    Arrays.sort(freshness);
    return new double[] {percentile(freshness, 0.50), percentile(freshness, 0.99), perBatch * 10.0};
  }

  /**
   * Polls the table's current snapshot (its metadata only, so the check costs the pipeline nothing)
   * until it holds {@code rows} rows; returns when it did.
   */
  private static long awaitCommitted(Platform platform, StreamSpec stream, long rows) {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    Table table = null;
    while (System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      table = table == null ? platform.lake().loadTable(stream.table()).orElse(null) : table;
      if (table == null) {
        continue;
      }
      table.refresh();
      if (table.currentSnapshot() != null
          && Long.parseLong(table.currentSnapshot().summary().getOrDefault("total-records", "0"))
              >= rows) {
        return System.nanoTime();
      }
    }
    throw new IllegalStateException("Timed out waiting for " + rows + " rows in " + stream.table());
  }

  /**
   * Polls the table; on each new snapshot asks SQL (the same engine users query) how many rows of
   * each batch are visible, and records when each batch {@code first..first+count} is complete.
   */
  private static long[] awaitVisible(
      Platform platform, StreamSpec stream, int first, int count, int perBatch) {
    long[] visibleAt = new long[count];
    int visible = 0;
    Long lastSnapshot = null;
    Table table = null;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (visible < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "Timed out: only " + visible + " of " + count + " batches visible");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      if (table == null) {
        table = platform.lake().loadTable(stream.table()).orElse(null);
        if (table == null) {
          continue;
        }
      }
      table.refresh(); // cheap when nothing changed: compares the metadata location only
      Long snapshot = table.currentSnapshot() == null ? null : table.currentSnapshot().snapshotId();
      if (snapshot == null || snapshot.equals(lastSnapshot)) {
        continue;
      }
      lastSnapshot = snapshot;
      QueryResult counts =
          platform
              .query()
              .execute(
                  "SELECT bench_batch, count(*) FROM "
                      + stream.table()
                      + " WHERE bench_batch >= "
                      + first
                      + " GROUP BY 1");
      long now = System.nanoTime();
      for (List<Object> row : counts.rows()) {
        int batch = ((Number) row.get(0)).intValue() - first;
        if (batch < count
            && visibleAt[batch] == 0
            && ((Number) row.get(1)).longValue() == perBatch) {
          visibleAt[batch] = now;
          visible++;
        }
      }
    }
    return visibleAt;
  }

  /**
   * NDJSON request bodies of {@link #BATCH} events, built from {@link #POOL_BATCHES} generated
   * batches: body {@code b} is pool batch {@code b % POOL_BATCHES} with {@code "bench_batch": b} in
   * every event, written into a space-padded slot, so any number of batches costs no memory.
   */
  private static final class Bodies {
    private static final byte[] FIELD = ",\"bench_batch\":".getBytes(StandardCharsets.UTF_8);
    private static final int SLOT = 10;

    final List<ObjectNode> events = new ArrayList<>();
    private final List<byte[]> templates = new ArrayList<>();
    private final List<int[]> slots = new ArrayList<>();

    Bodies(EventGenerator generator) throws IOException {
      for (int b = 0; b < POOL_BATCHES; b++) {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        int[] positions = new int[BATCH];
        for (int i = 0; i < BATCH; i++) {
          ObjectNode event = generator.next();
          events.add(event);
          byte[] json = JSON.writeValueAsBytes(event);
          body.write(json, 0, json.length - 1); // without its closing brace
          body.write(FIELD);
          positions[i] = body.size();
          body.write(" ".repeat(SLOT).getBytes(StandardCharsets.UTF_8));
          body.write('}');
          body.write('\n');
        }
        templates.add(body.toByteArray());
        slots.add(positions);
      }
    }

    long bytes() {
      return templates.stream().mapToLong(t -> t.length).sum();
    }

    byte[] body(int batch) {
      byte[] body = templates.get(batch % POOL_BATCHES).clone();
      byte[] digits = Integer.toString(batch).getBytes(StandardCharsets.US_ASCII);
      for (int position : slots.get(batch % POOL_BATCHES)) {
        System.arraycopy(digits, 0, body, position + SLOT - digits.length, digits.length);
      }
      return body;
    }

    List<byte[]> records(int batch) {
      byte[] body = body(batch);
      List<byte[]> records = new ArrayList<>(BATCH);
      int start = 0;
      for (int i = 0; i < body.length; i++) {
        if (body[i] == '\n') {
          records.add(Arrays.copyOfRange(body, start, i));
          start = i + 1;
        }
      }
      return records;
    }
  }

  private static void post(HttpClient http, URI uri, byte[] body) throws Exception {
    while (true) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(uri)
                  .header("Content-Type", "application/x-ndjson")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        if (!response.body().contains("\"failed\":0")) {
          throw new IllegalStateException("Records failed: " + response.body());
        }
        return;
      }
      if (response.statusCode() != 429 && response.statusCode() != 503) {
        throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
  }

  private static double percentile(double[] sorted, double p) {
    return sorted.length == 0
        ? 0
        : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  }

  private static long round(double value) {
    return Math.round(value);
  }

  private static double round2(double value) {
    return Math.round(value * 100) / 100.0;
  }

  /** Peak resident set size of this process (the whole embedded platform), from /proc. */
  static long peakRssMib() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
      return lines
          .filter(l -> l.startsWith("VmHWM:"))
          .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024)
          .findFirst()
          .orElse(-1L);
    } catch (IOException e) {
      return -1;
    }
  }

  private void log(String format, Object... args) {
    System.err.printf(format + "%n", args);
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
