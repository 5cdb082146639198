package io.tributary.pgwire;

/** An error the endpoint sends to the client as an ErrorResponse with its SQLSTATE. */
final class PgException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String sqlState;

  PgException(String sqlState, String message) {
    super(message);
    this.sqlState = sqlState;
  }

  PgException(String sqlState, String message, Throwable cause) {
    super(message, cause);
    this.sqlState = sqlState;
  }

  String sqlState() {
    return sqlState;
  }
}
