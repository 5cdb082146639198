package io.tributary.stream;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.config.StreamSpec;
import io.tributary.core.config.TributaryConfig;
import io.tributary.lake.SpecTable;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The set of streams: declared in config or created over HTTP, kept in table {@code
 * tributary_streams} of the metadata database so they survive restarts. Each stream has a Kafka
 * topic of the same name. Changes are written to Kafka and the database first, then to the
 * in-memory view reads are served from, then announced to {@link Listener}s.
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

  private final SpecTable table;
  private final StreamLog log;
  private final TributaryConfig.Ingest limits;
  private final Map<String, StreamSpec> streams = new ConcurrentHashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  /** Creates the registry table if missing and loads every stream into memory. */
  public StreamRegistry(
      Supplier<Connection> metadataDb, StreamLog log, TributaryConfig.Ingest limits) {
    this.log = Objects.requireNonNull(log, "log is null");
    this.limits = Objects.requireNonNull(limits, "limits is null");
    this.table = new SpecTable(metadataDb, TABLE, "stream");
    table.readAll().forEach((name, json) -> streams.put(name, StreamSpecs.fromJson(name, json)));
  }

  /**
   * Upserts the streams declared in config (config wins over earlier HTTP changes); streams only
   * created over HTTP stay.
   */
  public void declare(List<StreamSpec> fromConfig) {
    for (StreamSpec spec : fromConfig) {
      put(spec);
    }
  }

  /**
   * Creates or changes a stream: ensures its topic, persists it and notifies listeners. Its table
   * may change; its partitions may only grow.
   *
   * @throws InvalidInputException when {@code spec} has fewer partitions than the stream has
   */
  public synchronized StreamSpec put(StreamSpec spec) {
    Objects.requireNonNull(spec, "spec is null");
    StreamSpec previous = streams.get(spec.name());
    if (previous != null && spec.partitions() < previous.partitions()) {
      throw new InvalidInputException(
          ErrorCode.INVALID_PARTITIONS,
          "Cannot decrease the partitions of stream '"
              + spec.name()
              + "' from "
              + previous.partitions()
              + " to "
              + spec.partitions()
              + ": Kafka partitions can only be added");
    }
    log.ensureTopic(spec.name(), spec.partitions(), limits.maxRecordBytes());
    if (spec.equals(previous)) {
      return spec;
    }
    table.write(spec.name(), StreamSpecs.toJson(spec).toString(), System.currentTimeMillis());
    streams.put(spec.name(), spec);
    for (Listener listener : listeners) {
      listener.streamPut(spec);
    }
    return spec;
  }

  /** The stream named {@code name}, if any. */
  public Optional<StreamSpec> get(String name) {
    return Optional.ofNullable(streams.get(name));
  }

  /** Every stream, sorted by name. */
  public List<StreamSpec> list() {
    List<StreamSpec> result = new ArrayList<>(streams.values());
    result.sort((a, b) -> a.name().compareTo(b.name()));
    return result;
  }

  /**
   * Deletes the stream's topic (and its data) and its registry entry; its lake table stays.
   *
   * @return whether the stream existed
   */
  public synchronized boolean delete(String name) {
    if (!streams.containsKey(name)) {
      return false;
    }
    log.deleteTopic(name);
    table.delete(name);
    streams.remove(name);
    for (Listener listener : listeners) {
      listener.streamDeleted(name);
    }
    return true;
  }

  /** Adds a listener, called on the changing thread after each change is durable. */
  public void addListener(Listener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener is null"));
  }

  /** Forgets the listeners; the streams stay in the database. */
  @Override
  public void close() {
    listeners.clear();
  }
}
