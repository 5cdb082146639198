package io.tributary.lake;

import io.tributary.core.ErrorCode;
import io.tributary.core.RetriableException;
import io.tributary.core.TableId;

/**
 * A commit that a concurrent change made invalid (Iceberg's validation failed: the files it
 * replaces were removed, say). Nothing was committed; plan the change again from the table's
 * current state before retrying it.
 */
public final class CommitConflictException extends RetriableException {
  CommitConflictException(TableId table, String what, Throwable cause) {
    super(
        ErrorCode.COMMIT_CONFLICT,
        "Cannot commit the "
            + what
            + " of table "
            + table
            + " (conflicts with a concurrent change): "
            + cause.getMessage(),
        cause);
  }
}
