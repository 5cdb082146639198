package io.tributary.stream;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.RetriableException;
import io.tributary.core.config.ConfigException;
import io.tributary.core.config.Replication;
import io.tributary.core.config.TributaryConfig;
import io.tributary.stream.internal.EmbeddedKafka;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The stream log: Kafka, either an in-process single-node KRaft broker ({@code kafka.mode:
 * embedded}) or an external cluster ({@code kafka.mode: external}). Everything above this class
 * uses the same clients whichever the mode.
 *
 * <p>Owns an {@link Admin} client, one shared producer and, when embedded, the broker; {@link
 * #close()} releases them all.
 */
public final class StreamLog implements AutoCloseable {
  /** Room for the record batch and record headers Kafka adds around a record's bytes. */
  static final long BATCH_OVERHEAD_BYTES = 64L << 10;

  private static final int PRODUCER_BATCH_BYTES = 256 << 10;
  private static final Duration EMBEDDED_READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration EXTERNAL_READY_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  private final String bootstrapServers;
  private final Map<String, Object> connection;
  private final String clientBootstrap;
  private final Optional<String> clientMechanism;
  private final TributaryConfig.Ingest limits;
  private final EmbeddedKafka broker;
  private final Admin admin;
  private final TopicAdmin topics;
  private Producer<byte[], byte[]> producer;

  private StreamLog(
      Map<String, Object> connection,
      String clientBootstrap,
      Optional<String> clientMechanism,
      TributaryConfig.Ingest limits,
      EmbeddedKafka broker,
      Admin admin) {
    this.bootstrapServers = (String) connection.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
    this.connection = connection;
    this.clientBootstrap = clientBootstrap;
    this.clientMechanism = clientMechanism;
    this.limits = limits;
    this.broker = broker;
    this.admin = admin;
    this.topics = new TopicAdmin(admin);
  }

  /** Starts the stream log with the default ingest limits ({@link TributaryConfig.Ingest}). */
  public static StreamLog start(TributaryConfig.Kafka settings, Path dataDir) {
    return start(settings, TributaryConfig.Ingest.DEFAULT, dataDir);
  }

  /** Starts the stream log with an open embedded broker (no client authentication). */
  public static StreamLog start(
      TributaryConfig.Kafka settings, TributaryConfig.Ingest limits, Path dataDir) {
    return start(settings, limits, dataDir, false, new SecureRandom());
  }

  /**
   * Starts the embedded broker (log under {@code dataDir/kafka}) or checks that the external
   * cluster answers, and waits until it serves clients.
   *
   * @param limits sizes the shared producer: record size and buffer memory
   * @param secured whether the embedded broker's clients must authenticate with SCRAM-SHA-256 and
   *     hold ACLs (the platform's own use an internal super user); ignored for an external cluster
   * @param random generates the internal principal's password
   * @throws ConfigException naming the config key when a port is taken or the cluster is
   *     unreachable
   */
  public static StreamLog start(
      TributaryConfig.Kafka settings,
      TributaryConfig.Ingest limits,
      Path dataDir,
      boolean secured,
      SecureRandom random) {
    return start(settings, limits, dataDir, secured, random, ClientProperties::noReferences);
  }

  /**
   * As {@link #start(TributaryConfig.Kafka, TributaryConfig.Ingest, Path, boolean, SecureRandom)},
   * with {@code kafka.properties} (external mode) checked and given to every client of the
   * platform, their {@code ${secret:name}} references resolved by {@code references}.
   *
   * @param references resolves the references of a value ({@code text}); {@code where} names the
   *     key in errors
   * @throws ConfigException naming the {@code kafka.properties} key (and its value as written) that
   *     is unknown, set by the platform, taken by some clients only, or malformed
   */
  public static StreamLog start(
      TributaryConfig.Kafka settings,
      TributaryConfig.Ingest limits,
      Path dataDir,
      boolean secured,
      SecureRandom random,
      BiFunction<String, String, String> references) {
    Objects.requireNonNull(settings, "settings is null");
    Objects.requireNonNull(limits, "limits is null");
    boolean embedded = settings.mode() == TributaryConfig.KafkaMode.EMBEDDED;
    EmbeddedKafka broker = null;
    Admin admin = null;
    try {
      if (embedded) {
        broker =
            EmbeddedKafka.start(
                settings.port(),
                settings.controllerPort(),
                dataDir.resolve("kafka"),
                Math.max(8L << 20, limits.maxRecordBytes()) + BATCH_OVERHEAD_BYTES,
                secured,
                random);
      }
      String bootstrap = broker != null ? broker.internalBootstrap() : settings.clientBootstrap();
      Map<String, Object> connection = new HashMap<>();
      connection.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      if (broker != null) {
        connection.putAll(broker.internalSecurity());
      }
      connection.putAll(ClientProperties.resolve(settings.properties(), references));
      admin = createAdmin(connection, settings);
      awaitReady(
          admin,
          embedded ? EMBEDDED_READY_TIMEOUT : EXTERNAL_READY_TIMEOUT,
          embedded
              ? "the embedded Kafka broker on 127.0.0.1:" + settings.port() + " (kafka.port)"
              : "Kafka at " + bootstrap + " (kafka.bootstrap-servers)");
      boolean scram = broker != null && !broker.internalSecurity().isEmpty();
      return new StreamLog(
          Map.copyOf(connection),
          settings.clientBootstrap(),
          scram ? Optional.of(EmbeddedKafka.CLIENT_MECHANISM) : Optional.empty(),
          limits,
          broker,
          admin);
    } catch (RuntimeException e) {
      if (admin != null) {
        admin.close(Duration.ZERO);
      }
      if (broker != null) {
        broker.close();
      }
      throw e;
    }
  }

  private static Admin createAdmin(Map<String, Object> connection, TributaryConfig.Kafka settings) {
    try {
      return Admin.create(connection);
    } catch (KafkaException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new ConfigException(
          "Cannot create a Kafka client for "
              + settings.clientBootstrap()
              + " with kafka.properties "
              + settings.properties().keySet()
              + ": "
              + cause.getMessage(),
          e);
    }
  }

  private static void awaitReady(Admin admin, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      int remaining =
          (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      try {
        admin
            .describeCluster(new DescribeClusterOptions().timeoutMs(remaining))
            .nodes()
            .get(remaining, TimeUnit.MILLISECONDS);
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RetriableException(
            ErrorCode.INTERRUPTED, "Interrupted while waiting for " + what, e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof SslAuthenticationException handshake) {
          // the brokers' certificate is not trusted (or TLS is not spoken there): not transient
          throw new ConfigException(
              what
                  + " failed the TLS handshake with the platform: "
                  + handshake.getMessage()
                  + "; check kafka.properties.ssl.truststore.location (it must trust the"
                  + " brokers' certificates), kafka.properties.ssl.truststore.password,"
                  + " kafka.properties.ssl.truststore.type and kafka.properties.security.protocol",
              handshake);
        }
        if (e.getCause() instanceof AuthenticationException refused) {
          // wrong credentials or mechanism: waiting longer would not help
          throw new ConfigException(
              what
                  + " refused to authenticate the platform: "
                  + refused.getMessage()
                  + "; check kafka.properties.sasl.jaas.config (user and password),"
                  + " kafka.properties.sasl.mechanism and kafka.properties.security.protocol",
              refused);
        }
        last = e;
      } catch (TimeoutException e) {
        last = e;
      }
    }
    throw new ConfigException(
        "Cannot reach "
            + what
            + " within "
            + timeout.toSeconds()
            + "s; check the address and that the cluster is running",
        last);
  }

  /** The {@code host:port} list the platform's own clients connect to. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * What the platform's own clients need to connect: bootstrap servers and, when the embedded
   * broker is secured, the internal principal's SASL settings, or the external cluster's {@code
   * kafka.properties} with their secrets resolved. Never log them.
   */
  public Map<String, Object> connectionProperties() {
    return connection;
  }

  /** The {@code host:port} list clients outside the platform connect to ({@code kafka.port}). */
  public String clientBootstrap() {
    return clientBootstrap;
  }

  /**
   * The SASL mechanism clients outside the platform authenticate with ({@code SCRAM-SHA-256}), or
   * empty when the listener is open.
   */
  public Optional<String> clientMechanism() {
    return clientMechanism;
  }

  /**
   * Makes {@code lookup} the source of the SCRAM-SHA-256 credentials of clients on {@code
   * kafka.port} (the embedded, secured broker only; nothing otherwise). Asked at each login.
   */
  public void useScramCredentials(
      java.util.function.Function<
              String, List<org.apache.kafka.common.security.scram.ScramCredential>>
          lookup) {
    if (broker != null && clientMechanism.isPresent()) {
      broker.useScramCredentials(lookup);
    }
  }

  /** The shared admin client; do not close it. */
  public Admin admin() {
    return admin;
  }

  /**
   * Ensures the Kafka topic behind a {@code kind} ("stream", "topic") that had {@code previous}
   * partitions (null: new) and now has {@code partitions}, with the cluster's default replication.
   *
   * @throws InvalidInputException {@code invalid_partitions} if the partitions would decrease
   */
  public void ensureTopicOf(
      String kind, String name, Integer previous, int partitions, long maxMessageBytes) {
    ensureTopicOf(kind, name, previous, partitions, maxMessageBytes, Replication.DEFAULT);
  }

  /**
   * As {@link #ensureTopicOf(String, String, Integer, int, long)}, with {@code replication}: a new
   * topic gets it (the cluster's defaults for what is 0: {@link Replication#resolve}); an existing
   * one keeps its replication factor and gets a {@code min.insync.replicas} that is set.
   *
   * @throws InvalidInputException {@code invalid_partitions} if the partitions would decrease;
   *     {@code invalid_replication} if the factor exceeds the brokers or differs from the existing
   *     topic's
   * @throws RetriableException {@code broker_unavailable} if a new topic's factor exceeds the
   *     brokers that are up now (a default factor is sized on all brokers, up or not)
   */
  public void ensureTopicOf(
      String kind,
      String name,
      Integer previous,
      int partitions,
      long maxMessageBytes,
      Replication replication) {
    if (previous != null && partitions < previous) {
      throw new InvalidInputException(
          ErrorCode.INVALID_PARTITIONS,
          "Cannot decrease the partitions of "
              + kind
              + " '"
              + name
              + "' from "
              + previous
              + " to "
              + partitions
              + ": Kafka partitions can only be added");
    }
    ensureTopic(kind + " '" + name + "'", name, partitions, maxMessageBytes, replication);
  }

  /**
   * Creates the topic if missing, or raises its partition count to {@code partitions} if lower
   * (partitions are never removed), with the cluster's default replication ({@link
   * Replication#resolve}). Its {@code max.message.bytes} is kept at least {@code maxMessageBytes}
   * plus batch overhead, and at least the producer's batch size.
   *
   * @param maxMessageBytes the largest record the topic must accept
   */
  public void ensureTopic(String name, int partitions, long maxMessageBytes) {
    ensureTopic("topic '" + name + "'", name, partitions, maxMessageBytes, Replication.DEFAULT);
  }

  /**
   * The brokers registered with the cluster, whether up or fenced (a broker that stopped stays
   * registered): what a topic's default replication is sized on.
   */
  public int brokerCount() {
    return topics.brokers().registered();
  }

  private void ensureTopic(
      String what, String name, int partitions, long maxMessageBytes, Replication replication) {
    long topicMaxBytes = Math.max(maxMessageBytes, PRODUCER_BATCH_BYTES) + BATCH_OVERHEAD_BYTES;
    topics.ensure(what, name, partitions, topicMaxBytes, replication);
  }

  /** Deletes the topic and its data; a missing topic is not an error. */
  public void deleteTopic(String name) {
    try {
      await(admin.deleteTopics(List.of(name)).all(), "delete topic " + name);
    } catch (UnknownTopicOrPartitionException ignored) {
      // already gone
    }
  }

  /** The next offset to be written, per partition of {@code topic}. */
  public Map<Integer, Long> endOffsets(String topic) {
    TopicDescription description =
        await(admin.describeTopics(List.of(topic)).allTopicNames(), "describe topic " + topic)
            .get(topic);
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    description
        .partitions()
        .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    Map<Integer, Long> result = new HashMap<>();
    await(admin.listOffsets(request).all(), "list offsets of topic " + topic)
        .forEach((tp, info) -> result.put(tp.partition(), info.offset()));
    return result;
  }

  /**
   * The shared, thread-safe producer for the gateway (idempotent, {@code acks=all}, lz4). A full
   * buffer fails a send after 500 ms instead of blocking; do not close it.
   */
  public synchronized Producer<byte[], byte[]> producer() {
    if (producer == null) {
      Map<String, Object> config = new HashMap<>(connection);
      config.put(ProducerConfig.ACKS_CONFIG, "all");
      config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
      config.put(ProducerConfig.BATCH_SIZE_CONFIG, PRODUCER_BATCH_BYTES);
      config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
      config.put(
          ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
          (int) Math.max(1 << 20, limits.maxRecordBytes() + BATCH_OVERHEAD_BYTES));
      config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, limits.bufferMemory());
      config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 500);
      config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
      config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
      config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      producer = new KafkaProducer<>(config);
    }
    return producer;
  }

  /**
   * Base properties for a consumer in {@code groupId}: byte-array records, manual commits, only
   * committed transactional data, from the earliest offset when the group has none.
   */
  public Map<String, Object> consumerProperties(String groupId) {
    Map<String, Object> config = new HashMap<>(connection);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 << 20);
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
    return config;
  }

  /**
   * Waits for an admin call; Kafka's retriable errors become {@code broker_unavailable}, a missing
   * or existing topic and an unsupported request come as they are.
   */
  static <T> T await(KafkaFuture<T> future, String action) {
    try {
      return future.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableException(
          ErrorCode.INTERRUPTED, "Interrupted while trying to " + action, e);
    } catch (TimeoutException e) {
      throw new RetriableException(
          ErrorCode.BROKER_UNAVAILABLE,
          "Kafka did not answer within " + ADMIN_TIMEOUT.toSeconds() + "s trying to " + action,
          e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof TopicExistsException
          || cause instanceof UnknownTopicOrPartitionException
          || cause instanceof UnsupportedVersionException) {
        throw (ApiException) cause;
      }
      if (cause instanceof org.apache.kafka.common.errors.RetriableException) {
        throw new RetriableException(
            ErrorCode.BROKER_UNAVAILABLE, "Cannot " + action + ": " + cause.getMessage(), cause);
      }
      throw new IllegalStateException(
          "Kafka refused to " + action + ": " + cause.getMessage(), cause);
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (producer != null) {
        producer.close(Duration.ofSeconds(10));
      }
    }
    admin.close(Duration.ofSeconds(10));
    if (broker != null) {
      broker.close();
    }
  }
}
