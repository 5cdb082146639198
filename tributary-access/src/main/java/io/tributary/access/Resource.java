package io.tributary.access;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.TableId;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A thing privileges are granted on, written {@code kind:name}: {@code table:raw.app_events},
 * {@code namespace:raw}, {@code stream:app_events}, {@code platform}. In a grant the name may be a
 * wildcard: {@code *} (every resource of the kind) or, for tables, {@code raw.*} (every table of a
 * namespace). A grant on {@code namespace:raw} also covers the tables of {@code raw}.
 */
public record Resource(ResourceKind kind, String name) {
  public static final String PLATFORM_NAME = "platform";
  public static final Resource PLATFORM = new Resource(ResourceKind.PLATFORM, PLATFORM_NAME);

  /** Names as Iceberg allows them (nested namespaces, spaces): no control characters or '*'. */
  private static final Pattern PART = Pattern.compile("[^\\p{Cntrl}*:]{1,255}");

  public Resource {
    Objects.requireNonNull(kind, "kind is null");
    Objects.requireNonNull(name, "name is null");
    if (kind == ResourceKind.PLATFORM) {
      if (!name.equals(PLATFORM_NAME)) {
        throw invalid(kind.label() + ":" + name, "the platform resource is written 'platform'");
      }
    } else if (kind == ResourceKind.TABLE && !name.equals("*")) {
      String namespace = name.endsWith(".*") ? name.substring(0, name.length() - 2) : name;
      int dot = namespace.lastIndexOf('.');
      boolean valid =
          PART.matcher(namespace).matches()
              && (name.endsWith(".*") || (dot > 0 && dot < namespace.length() - 1));
      if (!valid) {
        throw invalid(kind.label() + ":" + name, "use namespace.table, namespace.* or *");
      }
    } else if (!name.equals("*") && !PART.matcher(name).matches()) {
      throw invalid(
          kind.label() + ":" + name, "use a name without control characters, ':' or '*', or *");
    }
  }

  private static InvalidInputException invalid(String text, String hint) {
    return new InvalidInputException(
        ErrorCode.INVALID_ACCESS, "Invalid resource '" + text + "': " + hint);
  }

  /** The table {@code id}. */
  public static Resource table(TableId id) {
    return new Resource(ResourceKind.TABLE, id.toString());
  }

  /** Parses {@code kind:name}, or {@code platform}. */
  public static Resource parse(String text) {
    Objects.requireNonNull(text, "resource is null");
    if (text.equals(PLATFORM_NAME)) {
      return PLATFORM;
    }
    int colon = text.indexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw invalid(text, "expected kind:name, such as table:raw.events or namespace:raw");
    }
    return new Resource(ResourceKind.parse(text.substring(0, colon)), text.substring(colon + 1));
  }

  /** Whether this name holds a wildcard. */
  public boolean isPattern() {
    return name.endsWith("*");
  }

  /**
   * Whether this (grant's) resource covers {@code target}, a concrete resource: the same kind and
   * name, a wildcard that matches it, or the namespace of a table.
   */
  public boolean covers(Resource target) {
    if (kind == ResourceKind.NAMESPACE && target.kind == ResourceKind.TABLE) {
      int dot = target.name.lastIndexOf('.');
      return dot > 0 && (name.equals("*") || name.equals(target.name.substring(0, dot)));
    }
    if (kind != target.kind) {
      return false;
    }
    if (name.equals("*")) {
      return true;
    }
    if (name.endsWith(".*")) {
      int dot = target.name.lastIndexOf('.');
      return dot > 0 && target.name.substring(0, dot).equals(name.substring(0, name.length() - 2));
    }
    return name.equals(target.name);
  }

  @Override
  public String toString() {
    return kind == ResourceKind.PLATFORM ? PLATFORM_NAME : kind.label() + ":" + name;
  }
}
