package io.tributary.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.config.ConfigException;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class ClientPropertiesTest {

  @Test
  void passesSecuritySettingsThroughWithSecretsResolved() {
    Map<String, Object> resolved =
        ClientProperties.resolve(
            Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "${secret:kafka_jaas}",
                "ssl.truststore.type", "PKCS12",
                "reconnect.backoff.ms", "100"),
            (text, where) -> text.replace("${secret:kafka_jaas}", "resolved-jaas"));
    assertThat(resolved)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("sasl.jaas.config", "resolved-jaas")
        .containsEntry("ssl.truststore.type", "PKCS12")
        .containsEntry("reconnect.backoff.ms", "100");
  }

  @Test
  void acceptsOnlySettingsEveryClientTakes() {
    assertThat(ClientProperties.acceptedKeys())
        .contains(
            "security.protocol",
            "sasl.mechanism",
            "sasl.jaas.config",
            "ssl.keystore.location",
            "ssl.truststore.password",
            "client.dns.lookup")
        .doesNotContain("bootstrap.servers", "client.id", "acks", "linger.ms", "group.id");
  }

  @Test
  void refusesKeysThePlatformSetsNamingKeyAndValue() {
    assertRefused("bootstrap.servers", "k:9092", "kafka.bootstrap-servers");
    assertRefused("client.id", "mine", "names each of its clients");
  }

  @Test
  void refusesSettingsOfOneKindOfClient() {
    assertRefused("acks", "1", "producer client only");
    assertRefused("enable.idempotence", "false", "producer client only");
    assertRefused("isolation.level", "read_uncommitted", "consumer client only");
    assertRefused("group.id", "other", "consumer client only");
  }

  @Test
  void refusesMalformedValuesNamingKeyAndValue() {
    assertRefused("security.protocol", "SASL_TLS", "kafka.properties.security.protocol");
    assertRefused("reconnect.backoff.ms", "soon", "Not a number");
  }

  @Test
  void neverShowsAPasswordWrittenInClear() {
    assertThatThrownBy(
            () ->
                ClientProperties.resolve(
                    Map.of("ssl.truststore.password", "s3cret", "acks", "0"),
                    ClientProperties::noReferences))
        .isInstanceOf(ConfigException.class)
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void refusesReferencesWithoutASecretStore() {
    assertThatThrownBy(
            () ->
                ClientProperties.resolve(
                    Map.of("sasl.jaas.config", "${secret:jaas}"), ClientProperties::noReferences))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka.properties.sasl.jaas.config");
  }

  @Property(seed = "20261205")
  void refusesEveryUnknownKeyNamingIt(
      @ForAll @AlphaChars @StringLength(min = 1, max = 12) String first,
      @ForAll @AlphaChars @StringLength(min = 1, max = 12) String second) {
    String key = first.toLowerCase() + "." + second.toLowerCase() + ".unknown";
    assertThatThrownBy(
            () -> ClientProperties.resolve(Map.of(key, "x"), ClientProperties::noReferences))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka.properties." + key)
        .hasMessageContaining("'x'")
        .hasMessageContaining("not a Kafka client setting");
  }

  private static void assertRefused(String key, String value, String fragment) {
    assertThatThrownBy(
            () -> ClientProperties.resolve(Map.of(key, value), ClientProperties::noReferences))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka.properties." + key)
        .hasMessageContaining("'" + value + "'")
        .hasMessageContaining(fragment);
  }
}
