package io.tributary.stream.function;

/** An attempt failed in a way another attempt may not (a timeout, a 503): retried with back-off. */
final class RetriableFailureException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String code;

  RetriableFailureException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  String code() {
    return code;
  }
}
