package io.tributary.access;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The kinds of things privileges are granted on, each with the privileges that apply to it. */
public enum ResourceKind {
  NAMESPACE(EnumSet.of(Privilege.READ, Privilege.WRITE, Privilege.MANAGE)),
  TABLE(EnumSet.of(Privilege.READ, Privilege.WRITE, Privilege.MANAGE)),
  STREAM(EnumSet.of(Privilege.INGEST, Privilege.MANAGE)),
  TOPIC(EnumSet.of(Privilege.INGEST, Privilege.MANAGE)),
  CRAWLER(EnumSet.of(Privilege.RUN, Privilege.MANAGE)),
  FUNCTION(EnumSet.of(Privilege.RUN, Privilege.MANAGE)),
  FLOW(EnumSet.of(Privilege.RUN, Privilege.MANAGE)),
  /**
   * A dashboard: {@code read} views it (its tiles still read only readable tables), {@code manage}
   * changes it.
   */
  DASHBOARD(EnumSet.of(Privilege.READ, Privilege.MANAGE)),
  /**
   * A report: {@code read} lists it and its history, {@code manage} changes, removes and runs it.
   */
  REPORT(EnumSet.of(Privilege.READ, Privilege.MANAGE)),
  /** The platform itself: the only resource {@code admin} is granted on. */
  PLATFORM(EnumSet.of(Privilege.ADMIN));

  private final Set<Privilege> privileges;

  ResourceKind(Set<Privilege> privileges) {
    this.privileges = privileges;
  }

  /** The wire form: {@code table}, {@code stream}... */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether {@code privilege} can be granted on this kind of resource. */
  public boolean accepts(Privilege privilege) {
    return privileges.contains(privilege);
  }

  /** The privileges that can be granted on this kind, as labels. */
  public java.util.List<String> privilegeLabels() {
    return privileges.stream().map(Privilege::label).toList();
  }

  /** Parses a label such as {@code table}; the error lists the valid ones. */
  public static ResourceKind parse(String text) {
    for (ResourceKind kind : values()) {
      if (kind.label().equals(text)) {
        return kind;
      }
    }
    throw new InvalidInputException(
        ErrorCode.INVALID_ACCESS,
        "Invalid resource kind '"
            + text
            + "': use one of "
            + Arrays.stream(values()).map(ResourceKind::label).toList());
  }
}
