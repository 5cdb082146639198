package io.tributary.core;

/**
 * A transient failure (a broker unavailable, a commit conflict): the same call may succeed later.
 */
public class RetriableException extends TributaryException {
  public RetriableException(String code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
