package io.tributary.pgwire;

import io.tributary.access.AdminCredentials;
import io.tributary.access.ScramVerifier;
import io.tributary.core.TableId;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/** Who may connect (their SCRAM-SHA-256 verifiers) and which tables each may read. */
public interface PgUsers {
  /** The verifier of {@code user}'s password, or empty when it cannot log in. */
  Optional<ScramVerifier> verifier(String user);

  /** The tables {@code user}, authenticated, may read. */
  Predicate<TableId> readableTables(String user);

  /** Told of every login: {@code user} from {@code address}, and whether its password was right. */
  default void loggedIn(String user, String address, boolean success) {}

  /** The admin of {@code credentials} alone, reading every table (access control off). */
  static PgUsers adminOnly(AdminCredentials credentials, SecureRandom random) {
    Objects.requireNonNull(credentials, "credentials is null");
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    ScramVerifier admin =
        ScramVerifier.derive(credentials.password(), salt, ScramVerifier.DEFAULT_ITERATIONS);
    return new PgUsers() {
      @Override
      public Optional<ScramVerifier> verifier(String user) {
        return user.equals(credentials.user()) ? Optional.of(admin) : Optional.empty();
      }

      @Override
      public Predicate<TableId> readableTables(String user) {
        return table -> true;
      }
    };
  }
}
