package io.tributary.core;

import java.util.Locale;

/**
 * Every error Tributary raises on purpose, each with its {@link Category} (what the caller should
 * do) and its HTTP status. Exceptions carry one ({@link TributaryException#errorCode()}); the edges
 * write {@link #code()}, the lower-case name ({@code invalid_json}, {@code not_found}), which is
 * the wire format clients match on.
 */
public enum ErrorCode {
  // the request or data is wrong: fix it, retrying the same input fails again
  INVALID_REQUEST(Category.USER_ERROR),
  INVALID_JSON(Category.USER_ERROR),
  INVALID_CONFIG(Category.USER_ERROR),
  INVALID_TABLE(Category.USER_ERROR),
  INVALID_PATH(Category.USER_ERROR),
  INVALID_SOURCE(Category.USER_ERROR),
  INVALID_PARTITIONS(Category.USER_ERROR),
  /** A topic's replication cannot be had: more copies than brokers, or a changed factor. */
  INVALID_REPLICATION(Category.USER_ERROR),
  EMPTY_REQUEST(Category.USER_ERROR),
  TOO_MANY_RECORDS(Category.USER_ERROR),
  REQUEST_TOO_LARGE(Category.USER_ERROR, 413),
  UNSUPPORTED_MEDIA_TYPE(Category.USER_ERROR, 415),
  QUERY_ERROR(Category.USER_ERROR),
  QUERY_NOT_ALLOWED(Category.USER_ERROR),
  TABLE_HAS_DELETES(Category.USER_ERROR),
  EXTRA_COLUMNS(Category.USER_ERROR),
  /**
   * A row handed to a table writer does not fit the table (the row's own code is in the message).
   */
  ROW_REJECTED(Category.USER_ERROR),
  NOT_JSON_ARRAY(Category.USER_ERROR),
  UNKNOWN_FORMAT(Category.USER_ERROR),
  MISSING_SECRET(Category.USER_ERROR),
  UNKNOWN_CLASS(Category.USER_ERROR),
  UNKNOWN_TOPIC(Category.USER_ERROR),
  FUNCTION_OPEN_FAILED(Category.USER_ERROR),
  /** The live-audio demo's catalog service: a fault-injection setting is out of range. */
  INVALID_FAULTS(Category.USER_ERROR),
  /** The live-audio demo's catalog service: a query parameter is malformed. */
  INVALID_PARAMETER(Category.USER_ERROR),
  /** The live-audio demo's catalog snapshot: the platform refused the snapshot's rows. */
  SNAPSHOT_REJECTED(Category.USER_ERROR),
  /** A client of the platform (the demo's simulator): the platform refused the request. */
  REQUEST_REFUSED(Category.USER_ERROR),
  INCOMPLETE_BODY(Category.USER_ERROR),
  INVALID_FLOW(Category.USER_ERROR),
  /** A dashboard definition is malformed (file, line and key named) or its tile SQL fails. */
  INVALID_DASHBOARD(Category.USER_ERROR),
  /** A report definition is malformed; the message names the file, line and key. */
  INVALID_REPORT(Category.USER_ERROR),
  /** An experiment's definition is malformed, or a metric's SQL does not plan over the lake. */
  INVALID_EXPERIMENT(Category.USER_ERROR),
  SCHEMA_CHANGE_REJECTED(Category.USER_ERROR),
  TABLE_OUTSIDE_LAKE(Category.USER_ERROR),
  EGRESS_DENIED(Category.USER_ERROR),
  FORBIDDEN_ORIGIN(Category.USER_ERROR, 403),
  MISDIRECTED_REQUEST(Category.USER_ERROR, 421),
  /** A secret's name, value or rotation settings are malformed. */
  INVALID_SECRET(Category.USER_ERROR),
  /** A config variable's key or value is malformed. */
  INVALID_VARIABLE(Category.USER_ERROR),
  /** A {@code ${var:key}} placeholder names a variable that is not set. */
  UNKNOWN_VARIABLE(Category.USER_ERROR),
  /** No credentials, or credentials that do not authenticate (unknown, expired, revoked). */
  UNAUTHENTICATED(Category.USER_ERROR, 401),
  /** Authenticated, but without the privilege the request needs (the message names it). */
  FORBIDDEN(Category.USER_ERROR, 403),
  /** An access grant, user, group or role is malformed or names something unknown. */
  INVALID_ACCESS(Category.USER_ERROR),

  // the named thing does not exist
  NOT_FOUND(Category.NOT_FOUND),

  // the request clashes with the current state: a name taken by another kind, a thing in use
  NAME_TAKEN(Category.CONFLICT),
  TOPIC_IN_USE(Category.CONFLICT),
  /** A table was dropped, or another renamed into its place, while a writer was using it. */
  TABLE_REPLACED(Category.CONFLICT),
  /** A flow run was asked to run again while it is still queued or running. */
  RUN_NOT_ENDED(Category.CONFLICT),
  /** A running experiment's variants or weights cannot change: stop it and start a new one. */
  EXPERIMENT_RUNNING(Category.CONFLICT),

  // at capacity: nothing was accepted, retry after a delay
  OVERLOADED(Category.OVERLOADED),

  // transient: the same call may succeed later
  BROKER_UNAVAILABLE(Category.RETRIABLE),
  CATALOG_UNAVAILABLE(Category.RETRIABLE),
  COMMIT_CONFLICT(Category.RETRIABLE),
  COMMIT_FAILED(Category.RETRIABLE),
  INTERRUPTED(Category.RETRIABLE),
  QUERY_INTERRUPTED(Category.RETRIABLE),
  QUERY_CANCELED(Category.RETRIABLE),
  QUERY_TIMEOUT(Category.RETRIABLE, 408),
  /** A step of a secret's rotation failed; its current version is untouched, retry later. */
  ROTATION_FAILED(Category.RETRIABLE),

  // may or may not have taken effect: check before retrying, never clean up
  OUTCOME_UNKNOWN(Category.OUTCOME_UNKNOWN),

  // the platform failed, not the caller
  INTERNAL_ERROR(Category.INTERNAL),
  /** A listener port cannot be bound (taken by another process, or not allowed). */
  PORT_UNAVAILABLE(Category.INTERNAL),
  /**
   * The secret store's master key is missing, malformed or not the key the secrets were sealed
   * with.
   */
  MASTER_KEY_INVALID(Category.INTERNAL);

  /** What the caller should do about an error, and its default HTTP status. */
  public enum Category {
    USER_ERROR(400),
    NOT_FOUND(404),
    CONFLICT(409),
    OVERLOADED(429),
    RETRIABLE(503),
    OUTCOME_UNKNOWN(504),
    INTERNAL(500);

    private final int httpStatus;

    Category(int httpStatus) {
      this.httpStatus = httpStatus;
    }

    /** The HTTP status of this category's codes, unless a code names its own. */
    public int httpStatus() {
      return httpStatus;
    }
  }

  private final Category category;
  private final int httpStatus;
  private final String code;

  ErrorCode(Category category) {
    this(category, category.httpStatus());
  }

  ErrorCode(Category category, int httpStatus) {
    this.category = category;
    this.httpStatus = httpStatus;
    this.code = name().toLowerCase(Locale.ROOT);
  }

  public Category category() {
    return category;
  }

  /** The HTTP status the edge answers with. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The wire form: the lower-case name, such as {@code invalid_json}. */
  public String code() {
    return code;
  }
}
