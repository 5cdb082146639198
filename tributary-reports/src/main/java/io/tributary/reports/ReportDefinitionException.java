package io.tributary.reports;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;

/**
 * A report definition is malformed: the message names the source (file or request), the line and
 * the key, and the bad value. The report is not loaded; a previous version stays.
 */
public final class ReportDefinitionException extends InvalidInputException {
  public ReportDefinitionException(String message) {
    super(ErrorCode.INVALID_REPORT, message);
  }

  public ReportDefinitionException(String message, Throwable cause) {
    super(ErrorCode.INVALID_REPORT, message, cause);
  }
}
