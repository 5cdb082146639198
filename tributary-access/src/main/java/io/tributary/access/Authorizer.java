package io.tributary.access;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.TableId;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Decides whether an {@link Identity} holds a privilege on a resource, and lists what it may see: a
 * grant to any of its principals that covers the resource (see {@link Grant#covers}) and a
 * credential scoped for the privilege.
 */
public final class Authorizer {
  /** The scope that lets a token read {@code /metrics} without {@code admin}. */
  public static final String METRICS_SCOPE = "metrics";

  /** The audit log: only administrators read it, whatever grants cover its namespace. */
  public static final TableId AUDIT_TABLE = new TableId("raw", "audit_log");

  private static final Resource AUDIT = Resource.table(AUDIT_TABLE);

  private final Set<Grant> grants;

  public Authorizer(Collection<Grant> grants) {
    this.grants = Set.copyOf(Objects.requireNonNull(grants, "grants is null"));
  }

  /** Whether {@code identity} holds {@code privilege} on the concrete {@code resource}. */
  public boolean allows(Identity identity, Privilege privilege, Resource resource) {
    if (!identity.hasScope(privilege.label()) && !identity.hasScope(Privilege.ADMIN.label())) {
      return false;
    }
    if (resource.equals(AUDIT) && privilege != Privilege.ADMIN) {
      return isAdmin(identity);
    }
    for (Grant grant : grants) {
      if (identity.principals().contains(grant.principal()) && grant.covers(privilege, resource)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code identity} is an administrator. */
  public boolean isAdmin(Identity identity) {
    return allows(identity, Privilege.ADMIN, Resource.PLATFORM);
  }

  /** Refuses (403, naming the missing privilege) unless {@link #allows}. */
  public void require(Identity identity, Privilege privilege, Resource resource) {
    if (!allows(identity, privilege, resource)) {
      throw forbidden(identity, privilege, resource);
    }
  }

  /** The 403 for {@code identity} lacking {@code privilege} on {@code resource}. */
  public static InvalidInputException forbidden(
      Identity identity, Privilege privilege, Resource resource) {
    return new InvalidInputException(
        ErrorCode.FORBIDDEN,
        "User "
            + identity.user()
            + " lacks the '"
            + privilege.label()
            + "' privilege on "
            + resource
            + (identity.scopes().contains(Identity.ALL_SCOPES)
                ? ""
                : " (or its token is scoped to " + identity.scopes() + ")"));
  }

  /** The resources of {@code candidates} on which {@code identity} holds {@code privilege}. */
  public List<Resource> visible(
      Identity identity, Privilege privilege, Collection<Resource> candidates) {
    return candidates.stream().filter(resource -> allows(identity, privilege, resource)).toList();
  }
}
