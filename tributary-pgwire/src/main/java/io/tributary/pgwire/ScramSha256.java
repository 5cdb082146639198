package io.tributary.pgwire;

import io.tributary.access.ScramVerifier;
import io.tributary.core.scram.ScramClientFirst;
import io.tributary.core.scram.ScramServer;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * The server side of one SCRAM-SHA-256 exchange as PostgreSQL runs it: the user name comes from the
 * startup packet, the client's {@code n=} is ignored. Call {@link #firstMessage(String)}, then
 * {@link #finalMessage(String)}, which returns {@code null} when the proof is wrong. The maths and
 * parsing are {@link ScramServer}'s: during a password rotation window a proof matching either
 * stored verifier (same salt) is accepted. Not thread-safe.
 */
final class ScramSha256 {
  static final String MECHANISM = "SCRAM-SHA-256";

  private final ScramServer server;

  /** An exchange checking {@code password}; a {@code null} password never authenticates. */
  ScramSha256(String password, SecureRandom random) {
    if (password == null) {
      this.server = ScramServer.refusingAll(random);
    } else {
      byte[] salt = new byte[16];
      random.nextBytes(salt);
      this.server =
          new ScramServer(
              List.of(ScramServer.Verifier.of(password, salt, ScramVerifier.DEFAULT_ITERATIONS)),
              random);
    }
  }

  /**
   * An exchange checking against stored verifiers (the password itself is never known): the first
   * one's salt and iterations are offered; the others count when they share them.
   *
   * @throws IllegalArgumentException if there is no verifier
   */
  ScramSha256(List<ScramVerifier> verifiers, SecureRandom random) {
    Base64.Decoder base64 = Base64.getDecoder();
    this.server =
        new ScramServer(
            verifiers.stream()
                .map(
                    v ->
                        new ScramServer.Verifier(
                            v.saltBytes(),
                            v.iterations(),
                            base64.decode(v.storedKey()),
                            base64.decode(v.serverKey())))
                .toList(),
            random);
  }

  /**
   * The server-first message answering the client-first message.
   *
   * @throws IllegalArgumentException when the client message is malformed or asks for channel
   *     binding
   */
  String firstMessage(String clientFirst) {
    return server.serverFirst(ScramClientFirst.parse(clientFirst));
  }

  /**
   * The server-final message ({@code v=signature}) when the client's proof is right, else {@code
   * null}.
   *
   * @throws IllegalArgumentException when the client message is malformed
   */
  String finalMessage(String clientFinal) {
    return server.serverFinal(clientFinal).orElse(null);
  }
}
