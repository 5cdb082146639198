package io.tributary.spi;

/**
 * A message cannot be handled and retrying will not help (e.g. the API answered 404): it goes to
 * the dead letters at once, with {@link #code()} and the message as the reason.
 */
public class PermanentFailureException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String code;

  public PermanentFailureException(String code, String message) {
    super(message);
    this.code = code;
  }

  public PermanentFailureException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** A short machine-readable reason, e.g. {@code http_404}. */
  public String code() {
    return code;
  }
}
