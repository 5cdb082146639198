package io.tributary.dashboards;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;

/**
 * A dashboard definition is malformed or inconsistent; the message names the source (file or API
 * request), the line and the key (or the tile) and the bad value. The dashboard is not loaded and
 * the previous version, if any, stays.
 */
public final class DashboardDefinitionException extends InvalidInputException {
  public DashboardDefinitionException(String message) {
    super(ErrorCode.INVALID_DASHBOARD, message);
  }

  public DashboardDefinitionException(String message, Throwable cause) {
    super(ErrorCode.INVALID_DASHBOARD, message, cause);
  }
}
