package io.tributary.lake;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.TableId;

/**
 * A schema change the evolution rules refuse: a type change Iceberg does not allow (its reason is
 * the message), or more columns than the table policy's limit. Nothing was changed; send the record
 * or file that needed it to its errors table.
 */
public final class SchemaChangeRejectedException extends InvalidInputException {
  private final String reason;

  SchemaChangeRejectedException(TableId table, String reason, Throwable cause) {
    super(
        ErrorCode.SCHEMA_CHANGE_REJECTED,
        "Cannot change the schema of table " + table + ": " + reason,
        cause);
    this.reason = reason;
  }

  /** Why, without the table's name: Iceberg's reason or the column limit. */
  public String reason() {
    return reason;
  }
}
