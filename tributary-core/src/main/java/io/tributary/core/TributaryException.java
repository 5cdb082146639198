package io.tributary.core;

/**
 * Base of every error Tributary raises on purpose. Subclasses say what the caller should do: fix
 * the input, retry later, or not clean up because the outcome is unknown. The HTTP edge maps each
 * subclass to one status code.
 */
public abstract class TributaryException extends RuntimeException {
  private final String code;

  protected TributaryException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** A stable, machine-readable error code such as {@code invalid_json} or {@code not_found}. */
  public String code() {
    return code;
  }
}
