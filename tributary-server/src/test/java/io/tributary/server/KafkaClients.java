package io.tributary.server;

import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Kafka producers as a client outside the platform sees the embedded broker. */
final class KafkaClients {
  private KafkaClients() {}

  /** A producer on {@code kafka.port} without credentials, failing within seconds. */
  static KafkaProducer<byte[], byte[]> anonymous(Platform platform) {
    Properties props = base(platform);
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * A producer on {@code kafka.port} authenticating as {@code user} with SCRAM-SHA-256 when the
   * listener asks for it.
   */
  static KafkaProducer<byte[], byte[]> as(
      Platform platform, String user, String password, boolean idempotent) {
    Properties props = base(platform);
    platform
        .streamLog()
        .clientMechanism()
        .ifPresent(
            mechanism -> {
              props.put("security.protocol", "SASL_PLAINTEXT");
              props.put("sasl.mechanism", mechanism);
              props.put(
                  "sasl.jaas.config",
                  "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                      + user
                      + "\" password=\""
                      + password
                      + "\";");
            });
    props.put("enable.idempotence", Boolean.toString(idempotent));
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** A producer as the platform's admin (the credentials file's user and password). */
  static KafkaProducer<byte[], byte[]> admin(Platform platform) {
    return as(
        platform, platform.adminCredentials().user(), platform.adminCredentials().password(), true);
  }

  private static Properties base(Platform platform) {
    Properties props = new Properties();
    props.put("bootstrap.servers", platform.streamLog().clientBootstrap());
    props.put("acks", "all");
    props.put("max.block.ms", "5000");
    props.put("request.timeout.ms", "5000");
    props.put("delivery.timeout.ms", "10000");
    props.put("linger.ms", "0");
    return props;
  }
}
