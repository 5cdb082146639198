package io.tributary.reports;

/** A report could not be produced: one of its queries failed. Its targets get a failure notice. */
public final class ReportFailedException extends Exception {
  public ReportFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
