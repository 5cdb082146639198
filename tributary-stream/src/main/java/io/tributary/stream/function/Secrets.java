package io.tributary.stream.function;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code ${secret:name}} and {@code ${var:key}} references in function settings (header
 * values), each time they are used. A secret {@code name} is the current version in the platform's
 * secret store, else the environment variable {@code TRIBUTARY_SECRET_<NAME>} (upper case, other
 * characters as {@code _}), else the file {@code <data-dir>/secrets/<name>} (trimmed). A variable
 * is the platform's config variable. Secret values are never logged nor shown by the API. Also
 * resolves the references of {@code kafka.properties} when the platform starts.
 */
public final class Secrets {
  private static final Pattern REFERENCE =
      Pattern.compile("\\$\\{(secret|var):([A-Za-z_][A-Za-z0-9_-]{0,99})}");

  private final StoredValues stored;
  private final UnaryOperator<String> environment;
  private final Path directory;

  public Secrets(StoredValues stored, UnaryOperator<String> environment, Path dataDir) {
    this.stored = Objects.requireNonNull(stored, "stored is null");
    this.environment = Objects.requireNonNull(environment, "environment is null");
    this.directory = dataDir.resolve("secrets");
  }

  /**
   * Replaces every reference in {@code text}.
   *
   * @param where names the setting in errors, e.g. {@code function 'x' header Authorization}
   * @throws InvalidInputException naming the secret (never a value) when one is not set
   */
  public String resolve(String text, String where) {
    Matcher m = REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value =
          m.group(1).equals("secret") ? secret(m.group(2), where) : variable(m.group(2), where);
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  static String variableOf(String name) {
    return "TRIBUTARY_SECRET_" + name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  private String variable(String key, String where) {
    return stored
        .variable(key)
        .orElseThrow(
            () ->
                new InvalidInputException(
                    ErrorCode.UNKNOWN_VARIABLE,
                    where
                        + " refers to variable '"
                        + key
                        + "', which is not set: PUT /v1/variables/"
                        + key));
  }

  private String secret(String name, String where) {
    Optional<String> fromStore = stored.secret(name);
    if (fromStore.isPresent()) {
      return fromStore.get();
    }
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
            + "', which is not set: PUT /v1/secrets/"
            + name
            + ", or set environment variable "
            + variableOf(name)
            + " or write it to <data-dir>/secrets/"
            + name);
  }
}
