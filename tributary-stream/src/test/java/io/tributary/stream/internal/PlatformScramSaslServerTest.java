package io.tributary.stream.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.scram.ScramServer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The broker's SCRAM server against a platform look-up holding a current and a previous verifier.
 */
class PlatformScramSaslServerTest {
  private static final String ID = "platform-scram-sasl-server-test";
  private final SecureRandom random = new SecureRandom();
  private PlatformScramCredentials credentials;

  @BeforeEach
  void setUp() {
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    List<ScramCredential> ana =
        List.of(credential("new-password", salt), credential("old-password", salt));
    PlatformScramCredentials.register(ID, user -> user.equals("ana") ? ana : List.of());
    credentials = new PlatformScramCredentials();
    credentials.configure(
        Map.of(),
        PlatformScramSaslServer.MECHANISM,
        List.of(
            new AppConfigurationEntry(
                "ScramLoginModule",
                AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
                Map.of(PlatformScramCredentials.ID_OPTION, ID))));
  }

  @AfterEach
  void tearDown() {
    PlatformScramCredentials.unregister(ID);
  }

  @Test
  void theCurrentAndThePreviousPasswordLogInAsTheUser() throws Exception {
    for (String password : List.of("new-password", "old-password")) {
      SaslServer server = newServer();
      assertThat(login(server, "n,,", "ana", password)).startsWith("v=");
      assertThat(server.isComplete()).isTrue();
      assertThat(server.getAuthorizationID()).isEqualTo("ana");
      assertThat(server.getNegotiatedProperty("tokenauth")).isEqualTo("false");
    }
    assertThatThrownBy(() -> login(newServer(), "n,,", "ana", "older-password"))
        .isInstanceOf(SaslAuthenticationException.class);
    assertThatThrownBy(() -> login(newServer(), "n,,", "nobody", "new-password"))
        .isInstanceOf(SaslAuthenticationException.class);
  }

  @Test
  void refusesDelegationTokensAndAnotherAuthorizationId() {
    SaslServer tokens = newServer();
    assertThatThrownBy(
            () ->
                tokens.evaluateResponse(
                    "n,,n=ana,r=abc,tokenauth=true".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(SaslAuthenticationException.class)
        .hasMessageContaining("delegation tokens");
    assertThatThrownBy(() -> login(newServer(), "n,a=bob,", "ana", "new-password"))
        .isInstanceOf(SaslAuthenticationException.class)
        .hasMessageContaining("authorization id");
    assertThatThrownBy(() -> newServer().getAuthorizationID())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theFactoryServesOnlyThisPlatformsBrokerAndOnlyScramSha256() {
    PlatformScramSaslServer.Factory factory = new PlatformScramSaslServer.Factory();
    assertThat(
            factory.createSaslServer("SCRAM-SHA-256", "kafka", "host", Map.of(), callbacks -> {}))
        .isNull();
    assertThat(factory.createSaslServer("PLAIN", "kafka", "host", Map.of(), credentials)).isNull();
    assertThat(factory.createSaslServer("SCRAM-SHA-256", "kafka", "host", Map.of(), credentials))
        .isInstanceOf(PlatformScramSaslServer.class);
  }

  private SaslServer newServer() {
    return new PlatformScramSaslServer.Factory()
        .createSaslServer("SCRAM-SHA-256", "kafka", "host", Map.of(), credentials);
  }

  /** A client per RFC 5802; the server-final message. */
  private static String login(SaslServer server, String gs2Header, String user, String password)
      throws Exception {
    String clientFirstBare = "n=" + user + ",r=fyko+d2lbbFgONRv9qkxdawL";
    String serverFirst =
        new String(
            server.evaluateResponse((gs2Header + clientFirstBare).getBytes(StandardCharsets.UTF_8)),
            StandardCharsets.UTF_8);
    Map<String, String> attributes = new java.util.HashMap<>();
    for (String part : serverFirst.split(",")) {
      attributes.put(part.substring(0, 1), part.substring(2));
    }
    byte[] salted =
        ScramServer.saltedPassword(
            password,
            Base64.getDecoder().decode(attributes.get("s")),
            Integer.parseInt(attributes.get("i")));
    String binding = Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8));
    String withoutProof = "c=" + binding + ",r=" + attributes.get("r");
    String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
    byte[] clientKey = ScramServer.hmac(salted, "Client Key");
    byte[] signature = ScramServer.hmac(ScramServer.sha256(clientKey), authMessage);
    byte[] proof = new byte[clientKey.length];
    for (int i = 0; i < proof.length; i++) {
      proof[i] = (byte) (clientKey[i] ^ signature[i]);
    }
    String clientFinal = withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
    return new String(
        server.evaluateResponse(clientFinal.getBytes(StandardCharsets.UTF_8)),
        StandardCharsets.UTF_8);
  }

  private static ScramCredential credential(String password, byte[] salt) {
    ScramServer.Verifier verifier = ScramServer.Verifier.of(password, salt, 4096);
    return new ScramCredential(
        verifier.salt(), verifier.storedKey(), verifier.serverKey(), verifier.iterations());
  }
}
