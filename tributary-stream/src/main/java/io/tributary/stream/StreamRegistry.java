package io.tributary.stream;

import io.tributary.core.InvalidInputException;
import io.tributary.core.config.StreamSpec;
import io.tributary.core.config.TributaryConfig;
import io.tributary.lake.Registry;
import java.sql.Connection;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The set of streams: a {@link Registry} (table {@code tributary_streams}) with the rules of
 * streams. Each stream has a Kafka topic of the same name, which is why streams share their names
 * with topics ({@link #kafkaTopicNames()}): a stream cannot be named like a topic, or it would
 * deliver that topic's notifications into the lake.
 *
 * <p>Thread-safe. {@code metadataDb} is called once per database access; the registry closes each
 * connection it gets.
 */
public final class StreamRegistry implements AutoCloseable {
  private static final String TABLE = "tributary_streams";

  /** Told about every change, after it is durable. */
  public interface Listener {
    /** A stream was created or changed. */
    void streamPut(StreamSpec spec);

    /** A stream was deleted. */
    void streamDeleted(String name);
  }

  private final StreamLog log;
  private final TributaryConfig.Ingest limits;
  private final Registry.Names kafkaTopicNames = new Registry.Names("Kafka topics");
  private final Registry<StreamSpec> registry;

  /** Creates the registry table if missing and loads every stream into memory. */
  public StreamRegistry(
      Supplier<Connection> metadataDb, StreamLog log, TributaryConfig.Ingest limits, Clock clock) {
    this.log = Objects.requireNonNull(log, "log is null");
    this.limits = Objects.requireNonNull(limits, "limits is null");
    this.registry =
        new Registry<>(
            "stream",
            metadataDb,
            TABLE,
            Registry.Codec.of(
                StreamSpec::name,
                spec -> StreamSpecs.toJson(spec).toString(),
                StreamSpecs::fromJson),
            kafkaTopicNames,
            clock);
  }

  /** The names streams share with topics: both are Kafka topics. */
  public Registry.Names kafkaTopicNames() {
    return kafkaTopicNames;
  }

  /**
   * Upserts the streams declared in config (config wins over earlier HTTP changes); streams only
   * created over HTTP stay.
   */
  public void declare(List<StreamSpec> fromConfig) {
    fromConfig.forEach(this::put);
  }

  /**
   * Creates or changes a stream: ensures its topic, persists it and notifies listeners. Its table
   * may change; its partitions may only grow.
   *
   * @throws InvalidInputException {@code name_taken} when a topic has the name, {@code
   *     invalid_partitions} when {@code spec} has fewer partitions than the stream has, {@code
   *     invalid_replication} when its replication factor exceeds the brokers up or differs from the
   *     topic's
   */
  public StreamSpec put(StreamSpec spec) {
    return registry.put(
        spec,
        (previous, next) ->
            log.ensureTopicOf(
                "stream",
                next.name(),
                previous == null ? null : previous.partitions(),
                next.partitions(),
                limits.maxRecordBytes(),
                next.replication()));
  }

  /** The stream named {@code name}, if any. */
  public Optional<StreamSpec> get(String name) {
    return registry.get(name);
  }

  /** Every stream, sorted by name. */
  public List<StreamSpec> list() {
    return registry.list();
  }

  /**
   * Deletes the stream's topic (and its data) and its registry entry; its lake table stays.
   *
   * @return whether the stream existed
   */
  public boolean delete(String name) {
    return registry.delete(name, log::deleteTopic);
  }

  /** Adds a listener, called on the changing thread after each change is durable. */
  public void addListener(Listener listener) {
    Objects.requireNonNull(listener, "listener is null");
    registry.addListener(
        new Registry.Listener<>() {
          @Override
          public void put(StreamSpec spec) {
            listener.streamPut(spec);
          }

          @Override
          public void deleted(String name) {
            listener.streamDeleted(name);
          }
        });
  }

  /** Forgets the listeners; the streams stay in the database. */
  @Override
  public void close() {
    registry.close();
  }
}
