package io.tributary.pgwire;

import io.tributary.access.AdminCredentials;
import io.tributary.access.ScramVerifier;
import io.tributary.core.TableId;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/** Who may connect (their SCRAM-SHA-256 verifiers) and which tables each may read. */
public interface PgUsers {
  /**
   * The verifiers of {@code user}'s passwords, or none when it cannot log in: the current
   * password's, then, during a rotation window, the previous one's (same salt and iterations, so a
   * proof of either is accepted in one exchange).
   */
  List<ScramVerifier> verifiers(String user);

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
      public List<ScramVerifier> verifiers(String user) {
        return user.equals(credentials.user()) ? List.of(admin) : List.of();
      }

      @Override
      public Predicate<TableId> readableTables(String user) {
        return table -> true;
      }
    };
  }
}
