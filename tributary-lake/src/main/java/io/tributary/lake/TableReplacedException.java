package io.tributary.lake;

import io.tributary.core.ErrorCode;
import io.tributary.core.TributaryException;
import java.util.Set;

/**
 * The table a writer was writing was dropped, or another table took its name: the writer stops
 * rather than write into a table it did not create. Not retriable.
 */
public final class TableReplacedException extends TributaryException {
  public TableReplacedException(String message, Throwable cause) {
    super(ErrorCode.TABLE_REPLACED, Set.of(ErrorCode.Category.CONFLICT), message, cause);
  }
}
