package io.tributary.core;

import java.util.EnumSet;

/** The named thing (stream, table, ...) does not exist. */
public class NotFoundException extends TributaryException {
  public NotFoundException(String what, String name) {
    super(
        ErrorCode.NOT_FOUND,
        EnumSet.of(ErrorCode.Category.NOT_FOUND),
        what + " not found: " + name,
        null);
  }
}
