package io.tributary.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.access.ScramVerifier;
import io.tributary.core.scram.ScramServer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ScramSha256Test {
  private static final SecureRandom RANDOM = new SecureRandom();

  @Test
  void derivesTheKeysOfRfc7677sExample() {
    byte[] salt = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
    byte[] salted = ScramServer.saltedPassword("pencil", salt, 4096);
    byte[] clientKey = ScramServer.hmac(salted, "Client Key");
    byte[] storedKey = ScramServer.sha256(clientKey);
    String authMessage =
        "n=user,r=rOprNGfwEbeRWgbNEkqO,"
            + "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,"
            + "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    byte[] signature = ScramServer.hmac(storedKey, authMessage);
    byte[] proof = new byte[clientKey.length];
    for (int i = 0; i < proof.length; i++) {
      proof[i] = (byte) (clientKey[i] ^ signature[i]);
    }
    assertThat(Base64.getEncoder().encodeToString(proof))
        .isEqualTo("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
    byte[] serverKey = ScramServer.hmac(salted, "Server Key");
    assertThat(Base64.getEncoder().encodeToString(ScramServer.hmac(serverKey, authMessage)))
        .isEqualTo("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
  }

  @Test
  void acceptsTheRightPasswordOnly() {
    assertThat(exchange("s3cret", "s3cret")).startsWith("v=");
    assertThat(exchange("s3cret", "wrong")).isNull();
    assertThat(exchange((String) null, "anything")).isNull();
  }

  @Test
  void duringARotationWindowAProofOfEitherPasswordIsAcceptedWithItsOwnSignature() {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    ScramVerifier current = ScramVerifier.derive("new-password", salt, 4096);
    ScramVerifier previous = ScramVerifier.derive("old-password", salt, 4096);
    List<ScramVerifier> both = List.of(current, previous);

    String withNew = exchange(new ScramSha256(both, RANDOM), "new-password");
    String withOld = exchange(new ScramSha256(both, RANDOM), "old-password");
    assertThat(withNew).startsWith("v=");
    assertThat(withOld).startsWith("v=");
    assertThat(exchange(new ScramSha256(both, RANDOM), "older-password")).isNull();
    assertThat(exchange(new ScramSha256(List.of(current), RANDOM), "old-password")).isNull();
    // a verifier with another salt cannot be offered in the same exchange: it is not accepted
    ScramVerifier otherSalt = ScramVerifier.derive("other-password", new byte[] {1, 2, 3}, 4096);
    assertThat(exchange(new ScramSha256(List.of(current, otherSalt), RANDOM), "other-password"))
        .isNull();
  }

  @Test
  void refusesChannelBindingAndMalformedMessages() {
    ScramSha256 scram = new ScramSha256("pw", RANDOM);
    assertThatThrownBy(() -> scram.firstMessage("p=tls-server-end-point,,n=,r=abc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("channel binding");
    assertThatThrownBy(() -> scram.firstMessage("n,,n=user")).hasMessageContaining("nonce");
    assertThatThrownBy(() -> new ScramSha256("pw", RANDOM).finalMessage("c=biws,r=x,p=abc"))
        .isInstanceOf(IllegalStateException.class);
    ScramSha256 started = new ScramSha256("pw", RANDOM);
    started.firstMessage("n,,n=,r=abc");
    assertThatThrownBy(() -> started.finalMessage("c=biws,r=abc")).hasMessageContaining("proof");
    assertThatThrownBy(() -> started.finalMessage("c=biws,r=abc,p=%%%"))
        .hasMessageContaining("Base64");
  }

  /** A client per RFC 5802 against the server side; the server-final message or null. */
  private static String exchange(String serverPassword, String clientPassword) {
    return exchange(new ScramSha256(serverPassword, RANDOM), clientPassword);
  }

  /** A client per RFC 5802 against {@code server}; the server-final message or null. */
  private static String exchange(ScramSha256 server, String clientPassword) {
    String clientFirstBare = "n=,r=fyko+d2lbbFgONRv9qkxdawL";
    String serverFirst = server.firstMessage("n,," + clientFirstBare);
    Map<String, String> attributes =
        Stream.of(serverFirst.split(","))
            .collect(Collectors.toMap(part -> part.substring(0, 1), part -> part.substring(2)));
    byte[] salted =
        ScramServer.saltedPassword(
            clientPassword,
            Base64.getDecoder().decode(attributes.get("s")),
            Integer.parseInt(attributes.get("i")));
    String withoutProof = "c=biws,r=" + attributes.get("r");
    String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
    byte[] clientKey = ScramServer.hmac(salted, "Client Key");
    byte[] signature = ScramServer.hmac(ScramServer.sha256(clientKey), authMessage);
    byte[] proof = new byte[clientKey.length];
    for (int i = 0; i < proof.length; i++) {
      proof[i] = (byte) (clientKey[i] ^ signature[i]);
    }
    String serverFinal =
        server.finalMessage(withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof));
    if (serverFinal != null) {
      byte[] serverKey = ScramServer.hmac(salted, "Server Key");
      assertThat(serverFinal.getBytes(StandardCharsets.UTF_8))
          .isEqualTo(
              ("v=" + Base64.getEncoder().encodeToString(ScramServer.hmac(serverKey, authMessage)))
                  .getBytes(StandardCharsets.UTF_8));
    }
    return serverFinal;
  }
}
