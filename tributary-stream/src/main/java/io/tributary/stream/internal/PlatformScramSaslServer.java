package io.tributary.stream.internal;

import io.tributary.core.scram.ScramClientFirst;
import io.tributary.core.scram.ScramServer;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.callback.CallbackHandler;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import javax.security.sasl.SaslServerFactory;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.security.scram.ScramCredential;

/**
 * The embedded broker's SCRAM-SHA-256 server: Kafka's own checks a proof against one credential,
 * this one against every verifier the platform holds for the user (its current password and, during
 * a rotation window, its previous one, with the same salt and iterations), so a client still
 * holding the old password logs in until the next rotation. The SCRAM maths and parsing are {@link
 * ScramServer}'s, shared with the PostgreSQL endpoint.
 *
 * <p>Kafka creates SASL servers through JCA ({@code Sasl.createSaslServer}); {@link #install}
 * registers a provider ahead of Kafka's whose factory answers only when the broker's callback
 * handler is {@link PlatformScramCredentials} (this platform's broker) and returns {@code null}
 * otherwise, so Kafka's own server serves anything else. Only a server factory is registered: Kafka
 * clients (which use {@code SaslClient}) are unaffected. Delegation tokens ({@code tokenauth}) are
 * refused, as the platform issues none.
 */
final class PlatformScramSaslServer implements SaslServer {
  static final String MECHANISM = "SCRAM-SHA-256";
  private static final String TOKEN_AUTH = "tokenauth";

  /** The JCA provider of {@link Factory}. */
  static final class PlatformScramProvider extends Provider {
    private static final long serialVersionUID = 1L;
    static final String NAME = "Tributary SCRAM server";

    PlatformScramProvider() {
      super(NAME, "1.0", "SCRAM-SHA-256 server checking every verifier of a user");
      put("SaslServerFactory." + MECHANISM, Factory.class.getName());
    }
  }

  /** Creates {@link PlatformScramSaslServer}s for this platform's broker, nothing otherwise. */
  public static final class Factory implements SaslServerFactory {
    public Factory() {}

    @Override
    public SaslServer createSaslServer(
        String mechanism,
        String protocol,
        String serverName,
        Map<String, ?> props,
        CallbackHandler handler) {
      if (!MECHANISM.equals(mechanism) || !(handler instanceof PlatformScramCredentials platform)) {
        return null;
      }
      return new PlatformScramSaslServer(platform, new SecureRandom());
    }

    @Override
    public String[] getMechanismNames(Map<String, ?> props) {
      return new String[] {MECHANISM};
    }
  }

  private enum State {
    FIRST,
    FINAL,
    COMPLETE,
    FAILED
  }

  private final PlatformScramCredentials credentials;
  private final SecureRandom random;
  private State state = State.FIRST;
  private ScramServer server;
  private String user;

  PlatformScramSaslServer(PlatformScramCredentials credentials, SecureRandom random) {
    this.credentials = credentials;
    this.random = random;
  }

  /** Puts the provider first in this JVM's JCA providers (once; later calls do nothing). */
  static synchronized void install() {
    if (Security.getProvider(PlatformScramProvider.NAME) == null) {
      Security.insertProviderAt(new PlatformScramProvider(), 1);
    }
  }

  @Override
  public String getMechanismName() {
    return MECHANISM;
  }

  @Override
  public byte[] evaluateResponse(byte[] response) throws SaslException {
    String message = new String(response, StandardCharsets.UTF_8);
    try {
      return switch (state) {
        case FIRST -> first(message);
        case FINAL -> last(message);
        default -> throw new IllegalStateException("SCRAM exchange already " + state);
      };
    } catch (IllegalArgumentException e) {
      state = State.FAILED;
      throw new SaslException("Authentication failed: " + e.getMessage(), e);
    } catch (SaslAuthenticationException e) {
      state = State.FAILED;
      throw e;
    }
  }

  private byte[] first(String message) {
    ScramClientFirst first = ScramClientFirst.parse(message);
    if (Boolean.parseBoolean(first.extensions().get(TOKEN_AUTH))) {
      throw new SaslAuthenticationException(
          "Authentication failed: delegation tokens are not supported");
    }
    if (first.authorizationId().filter(id -> !id.equals(first.user())).isPresent()) {
      throw new SaslAuthenticationException(
          "Authentication failed: Client requested an authorization id that is different from"
              + " username");
    }
    List<ScramServer.Verifier> verifiers =
        credentials.credentials(first.user()).stream()
            .map(PlatformScramSaslServer::verifier)
            .toList();
    server =
        verifiers.isEmpty() ? ScramServer.refusingAll(random) : new ScramServer(verifiers, random);
    user = first.user();
    state = State.FINAL;
    return server.serverFirst(first).getBytes(StandardCharsets.UTF_8);
  }

  private byte[] last(String message) {
    Optional<String> serverFinal = server.serverFinal(message);
    if (serverFinal.isEmpty()) {
      throw new SaslAuthenticationException("Authentication failed: Invalid user credentials");
    }
    state = State.COMPLETE;
    return serverFinal.get().getBytes(StandardCharsets.UTF_8);
  }

  private static ScramServer.Verifier verifier(ScramCredential credential) {
    return new ScramServer.Verifier(
        credential.salt(), credential.iterations(), credential.storedKey(), credential.serverKey());
  }

  @Override
  public boolean isComplete() {
    return state == State.COMPLETE;
  }

  @Override
  public String getAuthorizationID() {
    requireComplete();
    return user;
  }

  @Override
  public byte[] unwrap(byte[] incoming, int offset, int len) {
    requireComplete();
    throw new IllegalStateException("SCRAM supports neither integrity nor privacy");
  }

  @Override
  public byte[] wrap(byte[] outgoing, int offset, int len) {
    requireComplete();
    throw new IllegalStateException("SCRAM supports neither integrity nor privacy");
  }

  /** {@code "false"} for {@code tokenauth} (no delegation tokens); nothing else is negotiated. */
  @Override
  public Object getNegotiatedProperty(String name) {
    requireComplete();
    return TOKEN_AUTH.equals(name) ? "false" : null;
  }

  private void requireComplete() {
    if (state != State.COMPLETE) {
      throw new IllegalStateException("SCRAM authentication is not complete: " + state);
    }
  }

  @Override
  public void dispose() {}
}
