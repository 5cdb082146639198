package io.tributary.access.secrets;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import java.util.regex.Pattern;

/** The names of secrets and the keys of variables: what a {@code ${kind:name}} may hold. */
final class Names {
  static final String PATTERN = "[A-Za-z_][A-Za-z0-9_.-]{0,127}";
  private static final Pattern VALID = Pattern.compile(PATTERN);

  private Names() {}

  /**
   * {@code name}, checked.
   *
   * @throws InvalidInputException with {@code code}, naming the {@code kind} and the value
   */
  static String check(String kind, String name, ErrorCode code) {
    if (name == null || !VALID.matcher(name).matches()) {
      throw new InvalidInputException(
          code,
          "Invalid "
              + kind
              + ": '"
              + name
              + "' (use a letter or _ then up to 127 letters, digits, _ . -)");
    }
    return name;
  }
}
