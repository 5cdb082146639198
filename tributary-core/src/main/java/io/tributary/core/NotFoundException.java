package io.tributary.core;

/** The named thing (stream, table, ...) does not exist. */
public class NotFoundException extends TributaryException {
  public NotFoundException(String what, String name) {
    super("not_found", what + " not found: " + name, null);
  }
}
