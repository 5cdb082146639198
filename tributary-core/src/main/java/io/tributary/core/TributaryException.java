package io.tributary.core;

import java.util.Objects;
import java.util.Set;

/**
 * Base of every error Tributary raises on purpose. It carries an {@link ErrorCode} (with its
 * category and HTTP status); subclasses say what the caller should do: fix the input, retry later,
 * or not clean up because the outcome is unknown, and each accepts only the codes of its
 * categories.
 */
public abstract class TributaryException extends RuntimeException {
  private final ErrorCode errorCode;

  protected TributaryException(
      ErrorCode errorCode, Set<ErrorCode.Category> categories, String message, Throwable cause) {
    super(message, cause);
    this.errorCode = Objects.requireNonNull(errorCode, "errorCode is null");
    if (!categories.contains(errorCode.category())) {
      throw new IllegalArgumentException(
          "Error code "
              + errorCode
              + " ("
              + errorCode.category()
              + ") does not fit "
              + getClass().getSimpleName()
              + " (categories "
              + categories
              + ")");
    }
  }

  /** What went wrong, with its category and HTTP status. */
  public ErrorCode errorCode() {
    return errorCode;
  }

  /** The wire form of {@link #errorCode()}, such as {@code invalid_json} or {@code not_found}. */
  public String code() {
    return errorCode.code();
  }
}
