package io.tributary.stream;

import io.tributary.core.config.ConfigException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * The Kafka client settings of {@code kafka.properties} (external mode), checked when the stream
 * log starts: each key must be a setting every client of the platform takes (admin, producer and
 * consumer: {@code security.protocol}, {@code sasl.*}, {@code ssl.*}, connection and metadata
 * settings), and not one the platform sets itself; each value must parse as Kafka parses it. Values
 * may hold {@code ${secret:name}}, resolved here. Errors name {@code kafka.properties.<key>} and
 * the value as written (a password-type value written in clear is shown as {@code (hidden)}).
 */
final class ClientProperties {
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{(secret|var):[^}]*}");

  /** Keys every client takes that the platform sets itself, with what to do instead. */
  private static final Map<String, String> PLATFORM_OWNED =
      Map.of(
          AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "set kafka.bootstrap-servers instead",
          AdminClientConfig.CLIENT_ID_CONFIG, "the platform names each of its clients",
          AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
              "the platform times its requests to answer ingest in time");

  private static final Map<String, ConfigDef.ConfigKey> ADMIN =
      AdminClientConfig.configDef().configKeys();
  private static final Map<String, ConfigDef.ConfigKey> PRODUCER =
      ProducerConfig.configDef().configKeys();
  private static final Map<String, ConfigDef.ConfigKey> CONSUMER =
      ConsumerConfig.configDef().configKeys();

  private ClientProperties() {}

  /**
   * Refuses every reference: for stream logs started without a secret store (the value is the text;
   * {@code where} names it in errors).
   */
  static String noReferences(String text, String where) {
    if (REFERENCE.matcher(text).find()) {
      throw new ConfigException(
          "Invalid " + where + ": no secret store resolves its references in this process");
    }
    return text;
  }

  /**
   * The client settings, references resolved.
   *
   * @throws ConfigException naming the key (and the value as written) that is unknown, set by the
   *     platform, taken by some clients only, or malformed
   */
  static Map<String, Object> resolve(
      Map<String, String> written, BiFunction<String, String, String> references) {
    Map<String, Object> resolved = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : written.entrySet()) {
      String key = entry.getKey();
      String value = entry.getValue();
      String where = "kafka.properties." + key;
      ConfigDef.ConfigKey definition = check(key, value, where);
      String text = references.apply(value, where);
      try {
        Object parsed = ConfigDef.parseType(key, text, definition.type);
        if (definition.validator != null) {
          definition.validator.ensureValid(key, parsed);
        }
      } catch (org.apache.kafka.common.config.ConfigException e) {
        throw invalid(where, shown(value, definition), reason(e));
      }
      resolved.put(key, text);
    }
    return resolved;
  }

  private static ConfigDef.ConfigKey check(String key, String value, String where) {
    ConfigDef.ConfigKey admin = ADMIN.get(key);
    ConfigDef.ConfigKey producer = PRODUCER.get(key);
    ConfigDef.ConfigKey consumer = CONSUMER.get(key);
    ConfigDef.ConfigKey any = admin != null ? admin : producer != null ? producer : consumer;
    String shown = shown(value, any);
    String owned = PLATFORM_OWNED.get(key);
    if (owned != null) {
      throw invalid(where, shown, "set by the platform: " + owned);
    }
    if (any == null) {
      throw invalid(
          where,
          shown,
          "not a Kafka client setting; kafka.properties takes the settings every client takes,"
              + " such as "
              + examples());
    }
    if (admin == null || producer == null || consumer == null) {
      Set<String> takers = new TreeSet<>();
      if (admin != null) {
        takers.add("admin");
      }
      if (producer != null) {
        takers.add("producer");
      }
      if (consumer != null) {
        takers.add("consumer");
      }
      throw invalid(
          where,
          shown,
          "a setting of the "
              + String.join(" and ", takers)
              + " client only: kafka.properties is given to every client of the platform, whose"
              + " producers and consumers it tunes itself");
    }
    return admin;
  }

  /** The value as written, unless it is a password written in clear. */
  private static String shown(String value, ConfigDef.ConfigKey definition) {
    boolean password = definition != null && definition.type == ConfigDef.Type.PASSWORD;
    return password && !REFERENCE.matcher(value).find() ? "(hidden)" : value;
  }

  private static String reason(org.apache.kafka.common.config.ConfigException e) {
    String message = e.getMessage() == null ? "malformed" : e.getMessage();
    int colon = message.indexOf(": ");
    // Kafka's "Invalid value x for configuration k: reason": keep the reason, the value is ours
    return message.startsWith("Invalid value") && colon > 0
        ? message.substring(colon + 2)
        : message;
  }

  private static String examples() {
    return "security.protocol, sasl.mechanism, sasl.jaas.config, ssl.truststore.location,"
        + " ssl.keystore.location, client.dns.lookup";
  }

  /** The keys {@code kafka.properties} accepts, for documentation and tests. */
  static Set<String> acceptedKeys() {
    Set<String> keys = new HashSet<>(ADMIN.keySet());
    keys.retainAll(PRODUCER.keySet());
    keys.retainAll(CONSUMER.keySet());
    keys.removeAll(PLATFORM_OWNED.keySet());
    return new TreeSet<>(keys);
  }

  private static ConfigException invalid(String where, String value, String rule) {
    return new ConfigException("Invalid " + where + ": '" + value + "' (" + rule + ")");
  }
}
