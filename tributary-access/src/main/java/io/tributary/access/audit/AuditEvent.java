package io.tributary.access.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of the audit log: who did what to which resource, from where, and how it ended. Never
 * holds a secret value: {@code detail} says what happened, not with what.
 *
 * @param time when it happened
 * @param principal who acted: a user, a service, or {@link Caller#PLATFORM} for the platform itself
 * @param action what was done, dotted lower case, e.g. {@code secret.read}, {@code secret.rotate}
 * @param resource what it was done to, {@code kind:name}, e.g. {@code secret:db_password}
 * @param outcome how it ended
 * @param clientAddress where the request came from ({@code internal} for the platform's own)
 * @param detail a short explanation (a version, a failure's reason), or empty
 */
public record AuditEvent(
    Instant time,
    String principal,
    String action,
    String resource,
    Outcome outcome,
    String clientAddress,
    String detail) {
  public AuditEvent {
    Objects.requireNonNull(time, "time is null");
    Objects.requireNonNull(principal, "principal is null");
    Objects.requireNonNull(action, "action is null");
    Objects.requireNonNull(resource, "resource is null");
    Objects.requireNonNull(outcome, "outcome is null");
    Objects.requireNonNull(clientAddress, "clientAddress is null");
    Objects.requireNonNull(detail, "detail is null");
    if (!action.matches("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*")) {
      throw new IllegalArgumentException(
          "Invalid audit action: '" + action + "' (use dotted lower case, e.g. secret.read)");
    }
  }

  /** An event of {@code caller} at {@code time}. */
  public static AuditEvent of(
      Instant time, Caller caller, String action, String resource, Outcome outcome, String detail) {
    return new AuditEvent(
        time, caller.principal(), action, resource, outcome, caller.address(), detail);
  }

  /** How an audited action ended. */
  public enum Outcome {
    SUCCESS,
    FAILURE,
    DENIED;

    /** The stored form: the lower-case name. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
