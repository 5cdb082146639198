package io.tributary.bench;

import io.tributary.core.TableId;
import io.tributary.core.config.PartitionField;
import io.tributary.core.config.StreamSpec;
import io.tributary.lake.Flattener;
import io.tributary.lake.TableSink;
import io.tributary.server.Platform;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.apache.iceberg.types.Type;
import org.apache.iceberg.util.DateTimeUtil;

/**
 * The raw Iceberg writer peer: Iceberg's own Parquet writer for its internal representation ({@code
 * InternalWriter}, fanned out by partition) and an append commit, in delivery-sized commits of 25k
 * rows. The table and its schema come from our sink, and the rows are flattened and converted to
 * Iceberg records beforehand (untimed); only writing and committing are timed.
 */
final class IcebergWriterPeer {
  private static final TableId TABLE = new TableId("raw", "bench_writer");
  private static final int ROWS_PER_COMMIT = 25_000;

  private final Platform platform;

  IcebergWriterPeer(Platform platform) {
    this.platform = platform;
  }

  /** Writes the rows of bodies {@code first..end}, after one untimed commit to warm up. */
  Phase measure(Bodies bodies, int first, int end) throws IOException {
    TableSink sink =
        platform.lake().sink(TABLE, List.of(PartitionField.parse("day(_ingested_at)")));
    Flattener flattener = new Flattener(StreamSpec.Transform.FLATTEN);
    int perChunk = ROWS_PER_COMMIT / Bodies.BATCH;
    System.err.printf("raw Iceberg writer: %,d rows...%n", (end - first) * Bodies.BATCH);
    long nanos = 0;
    long cpuNanos = 0;
    for (int b = first - perChunk; b < end; b += perChunk) { // the first chunk warms up
      List<byte[]> lines = new ArrayList<>(perChunk * Bodies.BATCH);
      for (int i = Math.max(0, b); i < Math.min(end, b + perChunk); i++) {
        lines.addAll(bodies.records(i));
      }
      List<Map<String, Object>> rows = flatten(flattener, lines);
      if (!sink.prepare(rows).isEmpty()) {
        throw new IllegalStateException("The sink rejects generated events");
      }
      Table table = platform.lake().loadTable(TABLE).orElseThrow();
      List<Record> records = toRecords(table.schema(), rows);
      CpuMeter cpu = CpuMeter.start();
      long start = System.nanoTime();
      append(table, records);
      if (b >= first) {
        nanos += System.nanoTime() - start;
        cpuNanos += cpu.nanos();
      }
    }
    return new Phase((long) (end - first) * Bodies.BATCH, nanos, cpuNanos);
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

  private static Object icebergValue(Type type, Object value) {
    return switch (type.typeId()) {
      case LONG -> ((Number) value).longValue();
      case DOUBLE -> ((Number) value).doubleValue();
      case TIMESTAMP ->
          DateTimeUtil.microsFromInstant(
              value instanceof Instant instant
                  ? instant
                  : OffsetDateTime.parse((String) value).toInstant());
      case STRING -> new Utf8(value.toString());
      default -> value;
    };
  }

  /**
   * Writes records (values in Iceberg's internal representation) with Iceberg's internal Parquet
   * writer, partitioned, and appends them in one commit.
   */
  private static void append(Table table, List<Record> records) throws IOException {
    Schema schema = table.schema();
    PartitionSpec spec = table.spec();
    FanoutDataWriter<Record> writer =
        new FanoutDataWriter<>(
            new ParquetWriters(table),
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

  /** Data files only, in Iceberg's internal Parquet representation. */
  private record ParquetWriters(Table table) implements FileWriterFactory<Record> {
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
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public EqualityDeleteWriter<Record> newEqualityDeleteWriter(
        EncryptedOutputFile file, PartitionSpec fileSpec, StructLike partition) {
      throw new UnsupportedOperationException("The benchmark writes data files only");
    }

    @Override
    public PositionDeleteWriter<Record> newPositionDeleteWriter(
        EncryptedOutputFile file, PartitionSpec fileSpec, StructLike partition) {
      throw new UnsupportedOperationException("The benchmark writes data files only");
    }
  }
}
