package io.tributary.access.secrets;

import io.tributary.access.audit.Caller;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code ${secret:name}} (the secret's current value) and {@code ${var:key}} (the
 * variable's value: a JSON string's text, any other JSON value as JSON) in function and flow
 * settings, at the moment they are used, so a rotated secret is picked up by the next use. One
 * pass: a value that itself contains {@code ${...}} is not expanded again. Text that is not a
 * well-formed reference ({@code ${other:x}}, an unclosed {@code ${}) is left as it is.
 */
public final class Placeholders {
  private static final Pattern REFERENCE =
      Pattern.compile("\\$\\{(secret|var):(" + Names.PATTERN + ")}");

  private final Function<String, Optional<String>> secrets;
  private final Function<String, Optional<String>> variables;

  /**
   * @param secrets a secret's current value by name, empty if there is none
   * @param variables a variable's text by key, empty if it is not set
   */
  public Placeholders(
      Function<String, Optional<String>> secrets, Function<String, Optional<String>> variables) {
    this.secrets = Objects.requireNonNull(secrets, "secrets is null");
    this.variables = Objects.requireNonNull(variables, "variables is null");
  }

  /** Placeholders over the platform's stores, secret reads audited as {@code caller}'s. */
  public static Placeholders of(
      SecretStore secretStore, VariableStore variableStore, Caller caller) {
    return new Placeholders(
        name ->
            secretStore.info(name).isPresent()
                ? Optional.of(secretStore.current(name, caller).reveal())
                : Optional.empty(),
        key ->
            variableStore
                .get(key)
                .map(value -> value.isTextual() ? value.asText() : value.toString()));
  }

  /**
   * {@code text} with every reference replaced.
   *
   * @throws InvalidInputException ({@code missing_secret} or {@code unknown_variable}) naming the
   *     first reference that has no value
   */
  public String resolve(String text) {
    Objects.requireNonNull(text, "text is null");
    Matcher reference = REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (reference.find()) {
      String kind = reference.group(1);
      String name = reference.group(2);
      String value =
          kind.equals("secret")
              ? secrets
                  .apply(name)
                  .orElseThrow(
                      () ->
                          new InvalidInputException(
                              ErrorCode.MISSING_SECRET,
                              "${secret:"
                                  + name
                                  + "} refers to secret '"
                                  + name
                                  + "', which is not set: PUT /v1/secrets/"
                                  + name))
              : variables
                  .apply(name)
                  .orElseThrow(
                      () ->
                          new InvalidInputException(
                              ErrorCode.UNKNOWN_VARIABLE,
                              "${var:"
                                  + name
                                  + "} refers to variable '"
                                  + name
                                  + "', which is not set: PUT /v1/variables/"
                                  + name));
      reference.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    reference.appendTail(out);
    return out.toString();
  }
}
