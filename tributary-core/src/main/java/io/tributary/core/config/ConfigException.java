package io.tributary.core.config;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;

/** A configuration value is missing, malformed or out of range; the message names key and value. */
public class ConfigException extends InvalidInputException {
  public ConfigException(String message) {
    super(ErrorCode.INVALID_CONFIG, message);
  }

  public ConfigException(String message, Throwable cause) {
    super(ErrorCode.INVALID_CONFIG, message, cause);
  }

  static ConfigException invalid(String key, Object value, String rule) {
    return new ConfigException("Invalid " + key + ": '" + value + "' (" + rule + ")");
  }
}
