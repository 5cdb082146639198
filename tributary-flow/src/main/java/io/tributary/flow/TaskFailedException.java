package io.tributary.flow;

/** A task try failed; {@link #isRetriable} says whether another try may succeed. */
public final class TaskFailedException extends Exception {
  private final boolean retriable;

  public TaskFailedException(String message, boolean retriable) {
    super(message);
    this.retriable = retriable;
  }

  public TaskFailedException(String message, boolean retriable, Throwable cause) {
    super(message, cause);
    this.retriable = retriable;
  }

  public boolean isRetriable() {
    return retriable;
  }
}
