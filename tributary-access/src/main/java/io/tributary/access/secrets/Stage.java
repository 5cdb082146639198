package io.tributary.access.secrets;

import java.util.Locale;

/**
 * The stage of a secret version. A secret has one {@code current} version, at most one {@code
 * pending} (a rotation in progress) and at most one {@code previous} (still accepted by {@link
 * SecretStore#matches} during the rotation window); older versions are destroyed.
 */
public enum Stage {
  CURRENT,
  PENDING,
  PREVIOUS;

  /** The stored and wire form: the lower-case name. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The stage labelled {@code label}.
   *
   * @throws IllegalArgumentException if there is none
   */
  public static Stage of(String label) {
    for (Stage stage : values()) {
      if (stage.label().equals(label)) {
        return stage;
      }
    }
    throw new IllegalArgumentException("Unknown secret stage: '" + label + "'");
  }
}
