package io.tributary.stream.internal;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.ScramCredentialCallback;

/**
 * The embedded broker's SCRAM-SHA-256 server callback: looks a client's credential up in the
 * platform (a user's stored verifier: salt, StoredKey, ServerKey, iterations) rather than in
 * Kafka's own credential store, so every user with a password, temporary users included, has its
 * Kafka credential at once and loses it the moment it is removed or expires, without a password in
 * clear and without a round trip to the controller.
 *
 * <p>Kafka creates this class by name, so a broker finds its platform's look-up through the id in
 * its JAAS options ({@value #ID_OPTION}), registered by {@link #register} while the broker runs. A
 * look-up answers every verifier of a user, current password first: {@link PlatformScramSaslServer}
 * accepts any of them (a password rotation window), while Kafka's own SCRAM server, asking through
 * {@link ScramCredentialCallback}, gets the current one.
 */
public final class PlatformScramCredentials implements AuthenticateCallbackHandler {
  /** The JAAS option naming the registered look-up. */
  static final String ID_OPTION = "tributary.credentials";

  private static final Map<String, Function<String, List<ScramCredential>>> LOOKUPS =
      new ConcurrentHashMap<>();

  private Function<String, List<ScramCredential>> lookup = user -> List.of();
  private String id;

  public PlatformScramCredentials() {}

  /** Makes {@code lookup} the credentials of the broker whose JAAS options name {@code id}. */
  static void register(String id, Function<String, List<ScramCredential>> lookup) {
    LOOKUPS.put(
        Objects.requireNonNull(id, "id is null"), Objects.requireNonNull(lookup, "lookup is null"));
  }

  /** Forgets the look-up of {@code id} (its broker stopped). */
  static void unregister(String id) {
    LOOKUPS.remove(id);
  }

  @Override
  public void configure(
      Map<String, ?> configs, String mechanism, List<AppConfigurationEntry> jaasConfigEntries) {
    for (AppConfigurationEntry entry : jaasConfigEntries) {
      Object option = entry.getOptions().get(ID_OPTION);
      if (option != null) {
        id = option.toString();
      }
    }
    if (id == null) {
      throw new IllegalStateException(
          "The SCRAM server callback needs JAAS option " + ID_OPTION + " naming its platform");
    }
  }

  /** The verifiers of {@code user}, current password first; empty when it has none. */
  List<ScramCredential> credentials(String user) {
    return LOOKUPS.getOrDefault(id, lookup).apply(user);
  }

  @Override
  public void handle(Callback[] callbacks) throws UnsupportedCallbackException {
    String user = null;
    for (Callback callback : callbacks) {
      if (callback instanceof NameCallback name) {
        user = name.getDefaultName();
      } else if (callback instanceof ScramCredentialCallback credential) {
        credential.scramCredential(
            user == null ? null : credentials(user).stream().findFirst().orElse(null));
      } else {
        // delegation tokens and anything else: not served
        throw new UnsupportedCallbackException(callback);
      }
    }
  }

  @Override
  public void close() {}
}
