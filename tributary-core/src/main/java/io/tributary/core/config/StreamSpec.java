package io.tributary.core.config;

import io.tributary.core.TableId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A stream: a Kafka topic of the same name, delivered into one lake table.
 *
 * @param name the stream and topic name
 * @param partitions topic partitions
 * @param table the table delivery writes to, {@code raw.<name>} by default
 * @param buffer when delivery flushes: after {@code interval} or once {@code size} bytes are
 *     buffered, whichever comes first
 * @param transform how JSON records become rows
 * @param partitionBy Iceberg partition transforms of the table
 * @param replication how the topic is replicated ({@link Replication#DEFAULT}: the cluster's
 *     defaults)
 */
public record StreamSpec(
    String name,
    int partitions,
    TableId table,
    Buffer buffer,
    Transform transform,
    List<PartitionField> partitionBy,
    Replication replication) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,99}");
  public static final Duration MAX_INTERVAL = Duration.ofSeconds(900);

  /** How records become rows. */
  public enum Transform {
    /** Nested objects become {@code parent_child} columns; arrays are kept as JSON text. */
    FLATTEN,
    /** Top-level fields become columns; nested objects and arrays are kept as JSON text. */
    NONE
  }

  /** Buffering hints, like Firehose's: flush on whichever comes first. */
  public record Buffer(Duration interval, long sizeBytes) {
    public static final Buffer DEFAULT = new Buffer(Duration.ofSeconds(60), 64L << 20);

    public Buffer {
      Objects.requireNonNull(interval, "interval is null");
      if (interval.isNegative() || interval.compareTo(MAX_INTERVAL) > 0) {
        throw ConfigException.invalid(
            "buffer.interval", Units.formatDuration(interval), "must be 0s..900s");
      }
      if (sizeBytes < 1 << 10 || sizeBytes > 1L << 30) {
        throw ConfigException.invalid("buffer.size", sizeBytes, "must be 1KiB..1GiB");
      }
    }
  }

  public StreamSpec {
    Objects.requireNonNull(name, "name is null");
    if (!NAME.matcher(name).matches()) {
      throw ConfigException.invalid(
          "stream name", name, "use lower-case letters, digits and _, starting with a letter");
    }
    if (partitions < 1 || partitions > 1000) {
      throw ConfigException.invalid("partitions", partitions, "must be 1..1000");
    }
    Objects.requireNonNull(table, "table is null");
    Objects.requireNonNull(buffer, "buffer is null");
    Objects.requireNonNull(transform, "transform is null");
    partitionBy = List.copyOf(partitionBy);
    Objects.requireNonNull(replication, "replication is null");
  }

  /** A stream whose topic gets the cluster's default replication. */
  public StreamSpec(
      String name,
      int partitions,
      TableId table,
      Buffer buffer,
      Transform transform,
      List<PartitionField> partitionBy) {
    this(name, partitions, table, buffer, transform, partitionBy, Replication.DEFAULT);
  }

  /** A stream with every default: 3 partitions, table {@code raw.<name>}, day partitions. */
  public static StreamSpec withDefaults(String name) {
    return fromConfig(name, new ConfigNode(null, name));
  }

  /**
   * Reads a stream from its config mapping (YAML {@code streams[i]} or the JSON body of {@code PUT
   * /v1/streams/{name}}). {@code name} wins over a {@code name} key; both must agree when given.
   */
  public static StreamSpec fromConfig(String name, ConfigNode node) {
    node.allowOnly(
        "name",
        "partitions",
        "table",
        "buffer",
        "transform",
        "partition-by",
        "replication-factor",
        "min-insync-replicas");
    String declared = node.string("name", name);
    if (name != null && !name.equals(declared)) {
      throw ConfigException.invalid(
          node.path() + ".name", declared, "must match the stream name in the path, " + name);
    }
    String streamName = name != null ? name : node.requiredString("name");
    if (!NAME.matcher(streamName).matches()) {
      throw ConfigException.invalid(
          node.path() + ".name",
          streamName,
          "use lower-case letters, digits and _, starting with a letter, at most 100");
    }
    int partitions = node.integer("partitions", 3, 1, 1000);
    String tableText = node.string("table", "raw." + streamName);
    TableId table;
    try {
      table = TableId.parse(tableText);
    } catch (RuntimeException e) {
      throw ConfigException.invalid(node.path() + ".table", tableText, e.getMessage());
    }
    ConfigNode bufferNode = node.child("buffer").allowOnly("interval", "size");
    Buffer buffer =
        new Buffer(
            bufferNode.duration("interval", Buffer.DEFAULT.interval(), Duration.ZERO, MAX_INTERVAL),
            bufferNode.size("size", Buffer.DEFAULT.sizeBytes(), 1 << 10, 1L << 30));
    Transform transform = node.enumeration("transform", Transform.FLATTEN);
    List<PartitionField> partitionBy = new ArrayList<>();
    List<String> expressions = node.strings("partition-by");
    if (!node.has("partition-by")) {
      expressions = List.of("day(_ingested_at)");
    }
    for (int i = 0; i < expressions.size(); i++) {
      try {
        partitionBy.add(PartitionField.parse(expressions.get(i)));
      } catch (IllegalArgumentException e) {
        throw ConfigException.invalid(
            node.path() + ".partition-by[" + i + "]", expressions.get(i), e.getMessage());
      }
    }
    return new StreamSpec(
        streamName,
        partitions,
        table,
        buffer,
        transform,
        partitionBy,
        Replication.fromConfig(node));
  }
}
