package io.tributary.access;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * Turns a password into what is stored of it: an Argon2id hash (password4j; OWASP's parameters: 19
 * MiB, 2 passes, 1 lane) for HTTP logins, and a SCRAM-SHA-256 verifier for the PostgreSQL endpoint.
 * Randomness is injected.
 */
public final class PasswordHasher {
  /** The work factors; tests use cheaper ones. */
  public record Cost(int memoryKib, int passes, int scramIterations) {
    public static final Cost DEFAULT = new Cost(19_456, 2, ScramVerifier.DEFAULT_ITERATIONS);

    public Cost {
      if (memoryKib < 8 || passes < 1 || scramIterations < ScramVerifier.DEFAULT_ITERATIONS) {
        throw new IllegalArgumentException(
            "Invalid password cost: memory "
                + memoryKib
                + " KiB, "
                + passes
                + " passes, "
                + scramIterations
                + " SCRAM iterations");
      }
    }
  }

  private final Argon2Function argon2;
  private final Cost cost;
  private final SecureRandom random;

  public PasswordHasher(Cost cost, SecureRandom random) {
    this.cost = Objects.requireNonNull(cost, "cost is null");
    this.random = Objects.requireNonNull(random, "random is null");
    this.argon2 = Argon2Function.getInstance(cost.memoryKib(), cost.passes(), 1, 32, Argon2.ID);
  }

  /** The stored form of {@code password}. */
  public StoredPassword hash(String password) {
    StoredPassword.requireAcceptable(password);
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    String argon = Password.hash(password).addSalt(salt).with(argon2).getResult();
    byte[] scramSalt = new byte[16];
    random.nextBytes(scramSalt);
    return new StoredPassword(
        argon, ScramVerifier.derive(password, scramSalt, cost.scramIterations()));
  }

  /**
   * The stored form of {@code password} with the SCRAM salt and iterations of {@code replaced}, so
   * that a PostgreSQL client can prove either password in one exchange during a rotation window.
   */
  public StoredPassword hashKeepingScramSalt(String password, StoredPassword replaced) {
    StoredPassword.requireAcceptable(password);
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    String argon = Password.hash(password).addSalt(salt).with(argon2).getResult();
    ScramVerifier previous = replaced.scram();
    return new StoredPassword(
        argon, ScramVerifier.derive(password, previous.saltBytes(), previous.iterations()));
  }

  /** Whether {@code password} matches {@code stored}. */
  public boolean verify(String password, StoredPassword stored) {
    if (password == null || password.isEmpty()) {
      return false;
    }
    return Password.check(password, stored.argon2())
        .with(Argon2Function.getInstanceFromHash(stored.argon2()));
  }
}
