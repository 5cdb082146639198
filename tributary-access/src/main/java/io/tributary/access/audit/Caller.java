package io.tributary.access.audit;

import java.util.Objects;

/**
 * Who is asking, as the audit log records it.
 *
 * @param principal a user or service name ({@code anonymous} when unauthenticated)
 * @param address the client's network address, or {@code internal}
 */
public record Caller(String principal, String address) {
  /** The platform itself (schedules, placeholders resolved for functions and flows). */
  public static final Caller PLATFORM = new Caller("tributary", "internal");

  public Caller {
    Objects.requireNonNull(principal, "principal is null");
    Objects.requireNonNull(address, "address is null");
    if (principal.isBlank()) {
      throw new IllegalArgumentException("Invalid principal: blank");
    }
  }
}
