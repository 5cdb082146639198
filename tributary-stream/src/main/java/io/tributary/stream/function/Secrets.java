package io.tributary.stream.function;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code ${secret:name}} references in function settings (header values). A secret {@code
 * name} is read from the environment variable {@code TRIBUTARY_SECRET_<NAME>} (upper case, other
 * characters as {@code _}), else from the file {@code <data-dir>/secrets/<name>} (trimmed). Secret
 * values are never logged nor shown by the API.
 */
final class Secrets {
  private static final Pattern REFERENCE =
      Pattern.compile("\\$\\{secret:([A-Za-z_][A-Za-z0-9_-]{0,99})}");

  private final UnaryOperator<String> environment;
  private final Path directory;

  Secrets(UnaryOperator<String> environment, Path dataDir) {
    this.environment = environment;
    this.directory = dataDir.resolve("secrets");
  }

  /**
   * Replaces every reference in {@code text}.
   *
   * @param where names the setting in errors, e.g. {@code function 'x' header Authorization}
   * @throws InvalidInputException naming the secret (never a value) when one is not set
   */
  String resolve(String text, String where) {
    Matcher m = REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(secret(m.group(1), where)));
    }
    m.appendTail(out);
    return out.toString();
  }

  static String variableOf(String name) {
    return "TRIBUTARY_SECRET_" + name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  private String secret(String name, String where) {
    String value = environment.apply(variableOf(name));
    if (value != null && !value.isEmpty()) {
      return value;
    }
    Path file = directory.resolve(name);
    if (Files.isRegularFile(file)) {
      try {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new InvalidInputException(
            ErrorCode.MISSING_SECRET,
            "Cannot read secret '" + name + "' from <data-dir>/secrets/" + name);
      }
    }
    throw new InvalidInputException(
        ErrorCode.MISSING_SECRET,
        where
            + " refers to secret '"
            + name
            + "', which is not set: set environment variable "
            + variableOf(name)
            + " or write it to <data-dir>/secrets/"
            + name);
  }
}
