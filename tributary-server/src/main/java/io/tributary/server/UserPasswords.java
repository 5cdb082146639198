package io.tributary.server;

import io.tributary.access.Access;
import io.tributary.access.secrets.GeneratedPasswordRotator;
import io.tributary.access.secrets.SecretValue;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The built-in {@code user-password} rotator's target: a secret rotating this way holds the
 * password of the platform user of the same name. Setting a new password keeps the replaced one
 * accepted over HTTP and on the PostgreSQL endpoint until the next rotation, across restarts
 * ({@link Access#rotatePassword}), so a client holding the secret's current or previous value is
 * never refused; testing logs in with it.
 */
final class UserPasswords implements GeneratedPasswordRotator.Target {
  /** The name secrets that rotate a platform user's password give in their schedule. */
  static final String ROTATOR = "user-password";

  private final Supplier<Optional<Access>> access;

  /**
   * @param access the access service, empty while access control is off (or not started)
   */
  UserPasswords(Supplier<Optional<Access>> access) {
    this.access = Objects.requireNonNull(access, "access is null");
  }

  @Override
  public void set(String name, SecretValue password) {
    service(name).rotatePassword(name, password.reveal());
  }

  @Override
  public void test(String name, SecretValue password) {
    service(name).authenticatePassword(name, password.reveal(), "rotation");
  }

  private Access service(String name) {
    Optional<Access> service = access.get();
    if (service == null || service.isEmpty()) {
      throw new InvalidInputException(
          ErrorCode.INVALID_ACCESS,
          "Cannot rotate the password of user " + name + ": access control is off");
    }
    return service.get();
  }
}
