package io.tributary.stream.topic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import io.tributary.core.config.TopicSpec;
import io.tributary.core.config.TributaryConfig;
import io.tributary.lake.SpecTable;
import io.tributary.stream.IngestGateway;
import io.tributary.stream.IngestResult;
import io.tributary.stream.StreamLog;
import io.tributary.stream.StreamRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The set of topics: Kafka topics of notifications that functions subscribe to, declared in config
 * or over HTTP, kept in table {@code tributary_topics} of the metadata database. Topics are not
 * delivered to the lake. Publishing ({@code POST /v1/topics/{topic}/messages}) goes through the
 * ingest gateway, with its parsing, limits and per-record results.
 *
 * <p>Thread-safe.
 */
public final class TopicRegistry {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SpecTable table;
  private final StreamLog log;
  private final StreamRegistry streams;
  private final IngestGateway gateway;
  private final TributaryConfig.Ingest limits;
  private final Clock clock;
  private final Map<String, TopicSpec> topics = new ConcurrentHashMap<>();
  private volatile Predicate<String> inUse = name -> false;

  /** Creates the registry table if missing and loads every topic. */
  public TopicRegistry(
      Supplier<Connection> metadataDb,
      StreamLog log,
      StreamRegistry streams,
      IngestGateway gateway,
      TributaryConfig.Ingest limits,
      Clock clock) {
    this.table = new SpecTable(metadataDb, "tributary_topics", "topic");
    this.log = Objects.requireNonNull(log, "log is null");
    this.streams = Objects.requireNonNull(streams, "streams is null");
    this.gateway = Objects.requireNonNull(gateway, "gateway is null");
    this.limits = Objects.requireNonNull(limits, "limits is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
    table.readAll().forEach((name, json) -> topics.put(name, TopicSpecs.fromJson(name, json)));
  }

  /** Upserts the topics declared in config; topics created over HTTP stay. */
  public void declare(List<TopicSpec> fromConfig) {
    fromConfig.forEach(this::put);
  }

  /**
   * Creates or changes a topic: ensures its Kafka topic and persists it. Partitions only grow.
   *
   * @throws InvalidInputException if a stream has the name or partitions would decrease
   */
  public synchronized TopicSpec put(TopicSpec spec) {
    Objects.requireNonNull(spec, "spec is null");
    if (streams.get(spec.name()).isPresent()) {
      throw new InvalidInputException(
          ErrorCode.NAME_TAKEN,
          "Cannot create topic '" + spec.name() + "': a stream has that name (they share Kafka)");
    }
    TopicSpec previous = topics.get(spec.name());
    if (previous != null && spec.partitions() < previous.partitions()) {
      throw new InvalidInputException(
          ErrorCode.INVALID_PARTITIONS,
          "Cannot decrease the partitions of topic '"
              + spec.name()
              + "' from "
              + previous.partitions()
              + " to "
              + spec.partitions()
              + ": Kafka partitions can only be added");
    }
    log.ensureTopic(spec.name(), spec.partitions(), limits.maxRecordBytes());
    if (!spec.equals(previous)) {
      table.write(spec.name(), TopicSpecs.toJson(spec).toString(), clock.millis());
      topics.put(spec.name(), spec);
    }
    return spec;
  }

  public Optional<TopicSpec> get(String name) {
    return Optional.ofNullable(topics.get(name));
  }

  /** Every topic, sorted by name. */
  public List<TopicSpec> list() {
    List<TopicSpec> result = new ArrayList<>(topics.values());
    result.sort(Comparator.comparing(TopicSpec::name));
    return result;
  }

  /** Sets the check that refuses deleting a topic functions still subscribe to. */
  public void setInUse(Predicate<String> inUse) {
    this.inUse = Objects.requireNonNull(inUse, "inUse is null");
  }

  /**
   * Deletes the topic and its messages.
   *
   * @return whether it existed
   * @throws InvalidInputException while a function subscribes to it
   */
  public synchronized boolean delete(String name) {
    if (!topics.containsKey(name)) {
      return false;
    }
    if (inUse.test(name)) {
      throw new InvalidInputException(
          ErrorCode.TOPIC_IN_USE,
          "Cannot delete topic '" + name + "': functions subscribe to it; delete them first");
    }
    log.deleteTopic(name);
    table.delete(name);
    topics.remove(name);
    return true;
  }

  /**
   * Publishes notifications to a topic: NDJSON or a JSON array (or one object), each message
   * accepted or refused alone. Messages are keyed by the topic's {@code key} field when it has one.
   *
   * @throws NotFoundException if the topic does not exist
   */
  public IngestResult publish(
      String topic, String contentType, InputStream body, long contentLength) {
    TopicSpec spec = topics.get(topic);
    if (spec == null) {
      throw new NotFoundException("topic", topic);
    }
    IngestGateway.RecordKeyer keyer =
        spec.key() == null
            ? null
            : (bytes, start, end) -> {
              try {
                JsonNode value = spec.key().resolve(JSON.readTree(bytes, start, end - start));
                return value.isValueNode() && !value.isNull()
                    ? value.asText().getBytes(StandardCharsets.UTF_8)
                    : null;
              } catch (IOException e) {
                return null; // checked and refused by the gateway
              }
            };
    return gateway.publish(topic, keyer, contentType, body, contentLength);
  }
}
