package io.tributary.access;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/** Who a grant is given to, written {@code user:ana}, {@code group:analysts} or {@code role:x}. */
public record Principal(Kind kind, String name) {
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_.-]{0,62}");

  /** The kinds of principal. */
  public enum Kind {
    USER,
    GROUP,
    ROLE;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Principal {
    Objects.requireNonNull(kind, "kind is null");
    Objects.requireNonNull(name, "name is null");
    requireName(kind.label(), name);
  }

  /** Checks a user, group or role name: {@code [a-z_][a-z0-9_.-]*}, up to 63 characters. */
  public static String requireName(String what, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidInputException(
          ErrorCode.INVALID_ACCESS,
          "Invalid " + what + " name '" + name + "': use [a-z_][a-z0-9_.-]*, up to 63 characters");
    }
    return name;
  }

  public static Principal user(String name) {
    return new Principal(Kind.USER, name);
  }

  public static Principal group(String name) {
    return new Principal(Kind.GROUP, name);
  }

  public static Principal role(String name) {
    return new Principal(Kind.ROLE, name);
  }

  /** Parses {@code user:ana}, {@code group:analysts} or {@code role:x}. */
  public static Principal parse(String text) {
    Objects.requireNonNull(text, "principal is null");
    int colon = text.indexOf(':');
    String kind = colon < 0 ? "" : text.substring(0, colon);
    for (Kind candidate : Kind.values()) {
      if (candidate.label().equals(kind)) {
        return new Principal(candidate, text.substring(colon + 1));
      }
    }
    throw new InvalidInputException(
        ErrorCode.INVALID_ACCESS,
        "Invalid principal '" + text + "': expected user:NAME, group:NAME or role:NAME");
  }

  @Override
  public String toString() {
    return kind.label() + ":" + name;
  }
}
