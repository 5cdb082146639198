package io.tributary.pgwire;

import io.tributary.core.OverloadedException;
import io.tributary.core.TributaryException;
import java.util.Locale;
import java.util.Set;

/** Maps the query engine's errors, once, to PostgreSQL SQLSTATE codes. */
final class SqlStates {
  static final String SUCCESSFUL = "00000";
  static final String FEATURE_NOT_SUPPORTED = "0A000";
  static final String INVALID_AUTHORIZATION = "28000";
  static final String INVALID_PASSWORD = "28P01";
  static final String INVALID_CATALOG = "3D000";
  static final String PROTOCOL_VIOLATION = "08P01";
  static final String READ_ONLY = "25006";
  static final String IN_FAILED_TRANSACTION = "25P02";
  static final String IDLE_IN_TRANSACTION_TIMEOUT = "25P03";
  static final String SYNTAX_ERROR = "42601";
  static final String UNDEFINED_TABLE = "42P01";
  static final String UNDEFINED_COLUMN = "42703";
  static final String UNDEFINED_FUNCTION = "42883";
  static final String UNDEFINED_OBJECT = "42704";
  static final String INVALID_PARAMETER_VALUE = "22023";
  static final String INVALID_TEXT = "22P02";
  static final String DATA_EXCEPTION = "22000";
  static final String INSUFFICIENT_RESOURCES = "53000";
  static final String OUT_OF_MEMORY = "53200";
  static final String TOO_MANY_CONNECTIONS = "53300";
  static final String QUERY_CANCELED = "57014";
  static final String ADMIN_SHUTDOWN = "57P01";
  static final String IDLE_SESSION_TIMEOUT = "57P05";
  static final String INVALID_PREPARED_STATEMENT = "26000";
  static final String INVALID_CURSOR = "34000";
  static final String DUPLICATE_PREPARED_STATEMENT = "42P05";
  static final String SYSTEM_ERROR = "58000";
  static final String INTERNAL_ERROR = "XX000";

  private static final Set<String> WRITES =
      Set.of(
          "insert",
          "update",
          "delete",
          "merge",
          "upsert",
          "create",
          "drop",
          "alter",
          "truncate",
          "copy",
          "grant",
          "revoke",
          "comment",
          "vacuum",
          "reindex",
          "cluster",
          "refresh",
          "lock",
          "call",
          "do",
          "checkpoint",
          "import",
          "export",
          "attach",
          "detach",
          "install",
          "load",
          "pragma",
          "use");

  private SqlStates() {}

  /** The error to send for {@code error}, thrown while running {@code sql}. */
  static PgException of(RuntimeException error, String sql) {
    if (error instanceof PgException pg) {
      return pg;
    }
    if (error instanceof OverloadedException) {
      return new PgException(INSUFFICIENT_RESOURCES, error.getMessage(), error);
    }
    if (error instanceof TributaryException tributary) {
      return new PgException(
          ofCode(tributary.code(), error.getMessage(), sql), error.getMessage(), error);
    }
    return new PgException(INTERNAL_ERROR, String.valueOf(error.getMessage()), error);
  }

  private static String ofCode(String code, String message, String sql) {
    return switch (code) {
      case "query_not_allowed" -> isWrite(sql) ? READ_ONLY : FEATURE_NOT_SUPPORTED;
      case "query_timeout", "query_canceled", "query_interrupted" -> QUERY_CANCELED;
      case "query_error" -> ofDuckDbMessage(message);
      case "catalog_unavailable" -> SYSTEM_ERROR;
      case "table_has_deletes" -> FEATURE_NOT_SUPPORTED;
      case "forbidden" -> "42501"; // insufficient_privilege
      default -> INTERNAL_ERROR;
    };
  }

  /** Whether {@code sql} starts with a statement that would change data or settings. */
  static boolean isWrite(String sql) {
    String stripped = SqlText.stripLeadingComments(sql).toLowerCase(Locale.ROOT);
    int end = 0;
    while (end < stripped.length() && Character.isLetter(stripped.charAt(end))) {
      end++;
    }
    return WRITES.contains(stripped.substring(0, end));
  }

  private static String ofDuckDbMessage(String message) {
    if (message.startsWith("Parser Error")) {
      return SYNTAX_ERROR;
    }
    if (message.startsWith("Catalog Error")) {
      if (message.contains("Table with name") || message.contains("Schema with name")) {
        return UNDEFINED_TABLE;
      }
      if (message.contains("Function with name") || message.contains("function")) {
        return UNDEFINED_FUNCTION;
      }
      return UNDEFINED_OBJECT;
    }
    if (message.startsWith("Binder Error")) {
      if (message.contains("Referenced column") || message.contains("not found in FROM clause")) {
        return UNDEFINED_COLUMN;
      }
      if (message.contains("No function matches")) {
        return UNDEFINED_FUNCTION;
      }
      return SYNTAX_ERROR;
    }
    if (message.startsWith("Conversion Error") || message.startsWith("Invalid Input Error")) {
      return INVALID_TEXT;
    }
    if (message.startsWith("Out of Memory Error")) {
      return OUT_OF_MEMORY;
    }
    if (message.startsWith("Permission Error")) {
      return "42501";
    }
    if (message.startsWith("Not implemented Error")) {
      return FEATURE_NOT_SUPPORTED;
    }
    if (message.startsWith("Interrupt")) {
      return QUERY_CANCELED;
    }
    return DATA_EXCEPTION;
  }
}
