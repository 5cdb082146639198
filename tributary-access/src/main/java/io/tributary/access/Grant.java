package io.tributary.access;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import java.util.Objects;

/** {@code principal} holds {@code privilege} on {@code resource} (a name or a wildcard). */
public record Grant(Principal principal, Privilege privilege, Resource resource) {
  public Grant {
    Objects.requireNonNull(principal, "principal is null");
    Objects.requireNonNull(privilege, "privilege is null");
    Objects.requireNonNull(resource, "resource is null");
    if (!resource.kind().accepts(privilege)) {
      throw new InvalidInputException(
          ErrorCode.INVALID_ACCESS,
          "Invalid grant of '"
              + privilege.label()
              + "' on "
              + resource
              + ": a "
              + resource.kind().label()
              + " takes "
              + resource.kind().privilegeLabels());
    }
  }

  /** Parses the three wire forms, such as {@code user:ana}, {@code read}, {@code table:raw.t}. */
  public static Grant parse(String principal, String privilege, String resource) {
    return new Grant(
        Principal.parse(principal), Privilege.parse(privilege), Resource.parse(resource));
  }

  /** Whether this grant gives {@code wanted} on the concrete {@code target}. */
  public boolean covers(Privilege wanted, Resource target) {
    if (privilege == Privilege.ADMIN) {
      return true;
    }
    return privilege.includes(wanted) && resource.covers(target);
  }

  @Override
  public String toString() {
    return principal + " " + privilege.label() + " " + resource;
  }
}
