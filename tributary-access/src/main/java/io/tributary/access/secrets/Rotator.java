package io.tributary.access.secrets;

/**
 * Rotates one kind of secret, in the four steps {@link Rotations} drives: {@link #create} a new
 * value (stored as the pending version), {@link #set} it in the target system, {@link #test} it
 * there, then the store makes it current (the old current version stays accepted as previous). A
 * step that throws stops the rotation: the current version is untouched, the pending version is
 * kept and the next try resumes with it, so a target already holding it is not left stranded.
 * Exception messages are audited: they must never contain a value.
 */
public interface Rotator {
  /** Step 1: a new value for secret {@code name}, which now holds {@code current}. */
  SecretValue create(String name, SecretValue current);

  /** Step 2: makes the target system accept {@code pending} (besides the current value). */
  void set(String name, SecretValue pending);

  /** Step 3: checks the target system accepts {@code pending}; throws if not. */
  void test(String name, SecretValue pending);

  /**
   * After step 4: {@code current} (the former pending value) is now the store's current version;
   * clients the platform runs itself switch to it here. A failure is logged, not undone.
   */
  default void promoted(String name, SecretValue current) {}
}
