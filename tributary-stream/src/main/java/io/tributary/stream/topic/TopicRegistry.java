package io.tributary.stream.topic;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import io.tributary.core.config.TopicSpec;
import io.tributary.core.config.TributaryConfig;
import io.tributary.lake.Registry;
import io.tributary.stream.IngestGateway;
import io.tributary.stream.IngestResult;
import io.tributary.stream.StreamLog;
import io.tributary.stream.StreamRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
  /** Reads messages the gateway accepted: as deep as any configured nesting limit allows. */
  private static final ObjectMapper JSON =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder()
                      .maxNestingDepth(TributaryConfig.Ingest.MAX_NESTING_DEPTH)
                      .build())
              .build());

  private final StreamLog log;
  private final IngestGateway gateway;
  private final TributaryConfig.Ingest limits;
  private final Registry<TopicSpec> registry;
  private volatile Predicate<String> inUse = name -> false;

  /**
   * Creates the registry table if missing and loads every topic. Topics share their names with
   * {@code streams}: both are Kafka topics.
   */
  public TopicRegistry(
      Supplier<Connection> metadataDb,
      StreamLog log,
      StreamRegistry streams,
      IngestGateway gateway,
      TributaryConfig.Ingest limits,
      Clock clock) {
    this.log = Objects.requireNonNull(log, "log is null");
    this.gateway = Objects.requireNonNull(gateway, "gateway is null");
    this.limits = Objects.requireNonNull(limits, "limits is null");
    this.registry =
        new Registry<>(
            "topic",
            metadataDb,
            "tributary_topics",
            Registry.Codec.of(
                TopicSpec::name, spec -> TopicSpecs.toJson(spec).toString(), TopicSpecs::fromJson),
            streams.kafkaTopicNames(),
            clock);
  }

  /** Upserts the topics declared in config; topics created over HTTP stay. */
  public void declare(List<TopicSpec> fromConfig) {
    fromConfig.forEach(this::put);
  }

  /**
   * Creates or changes a topic: ensures its Kafka topic and persists it. Partitions only grow.
   *
   * @throws InvalidInputException {@code name_taken} if a stream has the name, {@code
   *     invalid_partitions} if partitions would decrease
   */
  public TopicSpec put(TopicSpec spec) {
    return registry.put(
        spec,
        (previous, next) ->
            log.ensureTopicOf(
                "topic",
                next.name(),
                previous == null ? null : previous.partitions(),
                next.partitions(),
                limits.maxRecordBytes()));
  }

  public Optional<TopicSpec> get(String name) {
    return registry.get(name);
  }

  /** Every topic, sorted by name. */
  public List<TopicSpec> list() {
    return registry.list();
  }

  /** Sets the check that refuses deleting a topic functions still subscribe to. */
  public void setInUse(Predicate<String> inUse) {
    this.inUse = Objects.requireNonNull(inUse, "inUse is null");
  }

  /**
   * Deletes the topic and its messages.
   *
   * @return whether it existed
   * @throws InvalidInputException {@code topic_in_use} while a function subscribes to it
   */
  public boolean delete(String name) {
    return registry.delete(
        name,
        topic -> {
          if (inUse.test(topic)) {
            throw new InvalidInputException(
                ErrorCode.TOPIC_IN_USE,
                "Cannot delete topic '"
                    + topic
                    + "': functions subscribe to it; delete them first");
          }
          log.deleteTopic(topic);
        });
  }

  /**
   * Publishes notifications to a topic: NDJSON or a JSON array (or one object), each message
   * accepted or refused alone. Messages are keyed by the topic's {@code key} field when it has one.
   *
   * @throws NotFoundException if the topic does not exist
   */
  public IngestResult publish(
      String topic, String contentType, InputStream body, long contentLength) {
    TopicSpec spec = registry.get(topic).orElse(null);
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
