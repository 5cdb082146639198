package io.tributary.core.config;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import java.util.Optional;

/** A configuration value is missing, malformed or out of range; the message names key and value. */
public class ConfigException extends InvalidInputException {
  private final String key;
  private final String detail;

  public ConfigException(String message) {
    this(message, null);
  }

  public ConfigException(String message, Throwable cause) {
    super(ErrorCode.INVALID_CONFIG, message, cause);
    this.key = null;
    this.detail = message;
  }

  private ConfigException(String message, String key, String detail) {
    super(ErrorCode.INVALID_CONFIG, message);
    this.key = key;
    this.detail = detail;
  }

  static ConfigException invalid(String key, Object value, String rule) {
    return new ConfigException(
        "Invalid " + key + ": '" + value + "' (" + rule + ")",
        key,
        "'" + value + "' (" + rule + ")");
  }

  static ConfigException unknownKey(String key, Object known) {
    return new ConfigException(
        "Unknown key " + key + " (known keys: " + known + ")",
        key,
        "unknown key (known keys: " + known + ")");
  }

  static ConfigException missing(String key) {
    return new ConfigException("Missing required key " + key, key, "is required");
  }

  /** The full path of the key at fault ({@code streams[0].buffer.interval}), if one is. */
  public Optional<String> key() {
    return Optional.ofNullable(key);
  }

  /** What is wrong, without the key: {@code "'5x' (must be a duration)"}, or the message. */
  public String detail() {
    return detail;
  }
}
