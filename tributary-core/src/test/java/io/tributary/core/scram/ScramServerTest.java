package io.tributary.core.scram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.NotBlank;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class ScramServerTest {
  private static final int ITERATIONS = 64; // cheap for the property; the maths is the same

  @Property(tries = 60, seed = "20261205")
  void eitherVerifierOfOneSaltAuthenticatesAndNothingElseDoes(
      @ForAll @NotBlank @StringLength(max = 20) String user,
      @ForAll @StringLength(min = 1, max = 30) String current,
      @ForAll @StringLength(min = 1, max = 30) String previous,
      @ForAll @StringLength(min = 1, max = 30) String other,
      @ForAll @AlphaChars @StringLength(min = 1, max = 32) String clientNonce,
      @ForAll long seed) {
    SecureRandom random = seeded(seed);
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    List<ScramServer.Verifier> both =
        List.of(
            ScramServer.Verifier.of(current, salt, ITERATIONS),
            ScramServer.Verifier.of(previous, salt, ITERATIONS));

    assertThat(exchange(both, user, clientNonce, current, random, false)).isPresent();
    assertThat(exchange(both, user, clientNonce, previous, random, false)).isPresent();
    if (!other.equals(current) && !other.equals(previous)) {
      assertThat(exchange(both, user, clientNonce, other, random, false)).isEmpty();
    }
    assertThat(exchange(both, user, clientNonce, current, random, true)).as("tampered").isEmpty();
    if (!previous.equals(current)) {
      assertThat(exchange(both.subList(0, 1), user, clientNonce, previous, random, false))
          .as("previous without its verifier")
          .isEmpty();
    }
  }

  @Property(tries = 100, seed = "20261205")
  void userNamesRoundTripThroughSaslNameEncoding(
      @ForAll @StringLength(max = 20) String user,
      @ForAll @AlphaChars @StringLength(min = 1, max = 20) String nonce) {
    ScramClientFirst first = ScramClientFirst.parse("n,,n=" + encode(user) + ",r=" + nonce);
    assertThat(first.user()).isEqualTo(user);
    assertThat(first.nonce()).isEqualTo(nonce);
    assertThat(first.authorizationId()).isEmpty();
  }

  @Test
  void parsesAuthorizationIdAndExtensions() {
    ScramClientFirst first = ScramClientFirst.parse("n,a=ana,n=ana,r=abc,tokenauth=true,x=1");
    assertThat(first.authorizationId()).contains("ana");
    assertThat(first.extensions())
        .containsExactlyInAnyOrderEntriesOf(Map.of("tokenauth", "true", "x", "1"));
    assertThat(first.gs2Header()).isEqualTo("n,a=ana,");
    assertThat(first.bare()).isEqualTo("n=ana,r=abc,tokenauth=true,x=1");
  }

  @Test
  void refusesMalformedClientFirstMessages() {
    assertThatThrownBy(() -> ScramClientFirst.parse("p=tls-server-end-point,,n=,r=abc"))
        .hasMessageContaining("channel binding");
    assertThatThrownBy(() -> ScramClientFirst.parse("n,,n=user")).hasMessageContaining("nonce");
    assertThatThrownBy(() -> ScramClientFirst.parse("n,,r=abc")).hasMessageContaining("user");
    assertThatThrownBy(() -> ScramClientFirst.parse("n,,n=a=b,r=abc"))
        .hasMessageContaining("user name");
    assertThatThrownBy(() -> ScramClientFirst.parse("n,,m=x,n=a,r=abc"))
        .hasMessageContaining("mandatory");
  }

  @Test
  void anUnknownUserNeverAuthenticates() {
    SecureRandom random = seeded(7);
    ScramServer server = ScramServer.refusingAll(random);
    String serverFirst = server.serverFirst(ScramClientFirst.parse("n,,n=x,r=abc"));
    assertThat(serverFirst).startsWith("r=abc").contains(",s=").contains(",i=");
    assertThat(server.serverFinal("c=biws,r=abc,p=AAAA")).isEmpty();
  }

  /**
   * A client per RFC 5802 against a server holding {@code verifiers}; the server-final or empty.
   */
  private static Optional<String> exchange(
      List<ScramServer.Verifier> verifiers,
      String user,
      String clientNonce,
      String password,
      SecureRandom random,
      boolean tamper) {
    ScramServer server = new ScramServer(verifiers, random);
    String clientFirstBare = "n=" + encode(user) + ",r=" + clientNonce;
    String serverFirst = server.serverFirst(ScramClientFirst.parse("n,," + clientFirstBare));
    Map<String, String> attributes =
        Stream.of(serverFirst.split(","))
            .collect(Collectors.toMap(part -> part.substring(0, 1), part -> part.substring(2)));
    assertThat(attributes.get("r")).startsWith(clientNonce);
    byte[] salted =
        ScramServer.saltedPassword(
            password,
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
    if (tamper) {
      proof[random.nextInt(proof.length)] ^= (byte) (1 << random.nextInt(8));
    }
    Optional<String> serverFinal =
        server.serverFinal(withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof));
    serverFinal.ifPresent(
        answer -> {
          byte[] serverKey = ScramServer.hmac(salted, "Server Key");
          assertThat(answer.getBytes(StandardCharsets.UTF_8))
              .as("the signature of the password that matched")
              .isEqualTo(
                  ("v="
                          + Base64.getEncoder()
                              .encodeToString(ScramServer.hmac(serverKey, authMessage)))
                      .getBytes(StandardCharsets.UTF_8));
        });
    return serverFinal;
  }

  private static String encode(String user) {
    return user.replace("=", "=3D").replace(",", "=2C");
  }

  private static SecureRandom seeded(long seed) {
    try {
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(seed);
      return random;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
