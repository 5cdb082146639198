package io.tributary.access.secrets;

import java.util.Objects;

/**
 * Rotates a password: a new random one of the same length as the current value (within {@link
 * PasswordGenerator}'s bounds), handed to a {@link Target} that sets and tests it where it is used
 * (a platform user's credentials, a database role). With {@link Target#STORE_ONLY} the password
 * lives only in the store, for clients that read it from there.
 */
public final class GeneratedPasswordRotator implements Rotator {
  /** The name secrets that rotate this way give in their {@link RotationSchedule}. */
  public static final String NAME = "generated-password";

  /** Where a rotated password is used. */
  public interface Target {
    /** Makes {@code password} valid for secret {@code name}'s account (keep the current one). */
    void set(String name, SecretValue password);

    /** Checks {@code password} works for secret {@code name}'s account; throws if not. */
    void test(String name, SecretValue password);

    /** {@code password} is now the current version: the platform's own clients switch to it. */
    default void promoted(String name, SecretValue password) {}

    /** No system outside the store: nothing to set or test. */
    Target STORE_ONLY =
        new Target() {
          @Override
          public void set(String name, SecretValue password) {}

          @Override
          public void test(String name, SecretValue password) {}
        };
  }

  private final PasswordGenerator passwords;
  private final Target target;

  public GeneratedPasswordRotator(PasswordGenerator passwords, Target target) {
    this.passwords = Objects.requireNonNull(passwords, "passwords is null");
    this.target = Objects.requireNonNull(target, "target is null");
  }

  @Override
  public SecretValue create(String name, SecretValue current) {
    int length = current.reveal().length();
    return passwords.generate(
        Math.max(PasswordGenerator.MIN_LENGTH, Math.min(PasswordGenerator.MAX_LENGTH, length)));
  }

  @Override
  public void set(String name, SecretValue pending) {
    target.set(name, pending);
  }

  @Override
  public void test(String name, SecretValue pending) {
    target.test(name, pending);
  }

  @Override
  public void promoted(String name, SecretValue current) {
    target.promoted(name, current);
  }
}
