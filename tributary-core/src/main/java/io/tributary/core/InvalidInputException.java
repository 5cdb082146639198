package io.tributary.core;

/** The request or data is wrong: the caller must fix it; retrying the same input fails again. */
public class InvalidInputException extends TributaryException {
  public InvalidInputException(String code, String message) {
    super(code, message, null);
  }

  public InvalidInputException(String code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
