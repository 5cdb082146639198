package io.tributary.access;

import io.tributary.access.AccessPlan.Action;
import io.tributary.access.AccessPlan.Change;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Access as code: {@link #plan} compares an {@link AccessSpec} with what the platform holds
 * (nothing applied), {@link #apply} makes the platform match it; applying twice changes nothing the
 * second time. The platform's own users ({@code admin} and temporary users) and their grants are
 * left alone. A file naming an unknown user, group or role, or a table or namespace that {@code
 * resourceExists} does not know, is refused at plan time.
 */
public final class Provisioner {
  private final Access access;
  private final Predicate<Resource> resourceExists;

  public Provisioner(Access access, Predicate<Resource> resourceExists) {
    this.access = Objects.requireNonNull(access, "access is null");
    this.resourceExists = Objects.requireNonNull(resourceExists, "resourceExists is null");
  }

  /** The changes applying {@code spec} would make, in order. */
  public AccessPlan plan(AccessSpec spec) {
    check(spec);
    AccessState state = access.state();
    List<Change> changes = new ArrayList<>();
    Map<String, AccessSpec.UserSpec> wanted = new TreeMap<>();
    spec.allUsers().forEach(user -> wanted.put(user.name(), user));
    Set<String> services = new HashSet<>();
    spec.serviceAccounts().forEach(user -> services.add(user.name()));
    for (AccessSpec.UserSpec user : wanted.values()) {
      User.Kind kind = services.contains(user.name()) ? User.Kind.SERVICE : User.Kind.HUMAN;
      User existing = state.users().get(user.name());
      if (existing == null) {
        changes.add(new Change(Action.CREATE, "user", user.name(), kind.label()));
      } else if (existing.kind() != kind) {
        changes.add(new Change(Action.CHANGE, "user", user.name(), "kind " + kind.label()));
      } else if (user.password().isPresent()
          && !access.passwordMatches(user.name(), user.password().get())) {
        changes.add(new Change(Action.CHANGE, "user", user.name(), "password"));
      }
    }
    for (AccessSpec.GroupSpec group : spec.groups()) {
      Set<String> members = state.groups().get(group.name());
      if (members == null) {
        changes.add(
            new Change(Action.CREATE, "group", group.name(), "members " + sorted(group.members())));
      } else if (!members.equals(group.members())) {
        changes.add(
            new Change(Action.CHANGE, "group", group.name(), "members " + sorted(group.members())));
      }
    }
    for (AccessSpec.RoleSpec role : spec.roles()) {
      Set<Principal> members = state.roles().get(role.name());
      if (members == null) {
        changes.add(
            new Change(Action.CREATE, "role", role.name(), "members " + sorted(role.members())));
      } else if (!members.equals(role.members())) {
        changes.add(
            new Change(Action.CHANGE, "role", role.name(), "members " + sorted(role.members())));
      }
    }
    Set<Grant> wantedGrants = Set.copyOf(spec.grants());
    for (Grant grant : spec.grants()) {
      if (!state.grants().contains(grant)) {
        changes.add(new Change(Action.CREATE, "grant", grant.toString(), ""));
      }
    }
    for (Grant grant : sortedGrants(state.grants())) {
      if (!wantedGrants.contains(grant) && !platformOwned(state, grant.principal())) {
        changes.add(new Change(Action.REMOVE, "grant", grant.toString(), ""));
      }
    }
    Set<String> roleNames = new HashSet<>();
    spec.roles().forEach(role -> roleNames.add(role.name()));
    for (String role : new TreeSet<>(state.roles().keySet())) {
      if (!roleNames.contains(role)) {
        changes.add(new Change(Action.REMOVE, "role", role, ""));
      }
    }
    Set<String> groupNames = new HashSet<>();
    spec.groups().forEach(group -> groupNames.add(group.name()));
    for (String group : new TreeSet<>(state.groups().keySet())) {
      if (!groupNames.contains(group)) {
        changes.add(new Change(Action.REMOVE, "group", group, ""));
      }
    }
    for (String user : new TreeSet<>(state.users().keySet())) {
      if (!wanted.containsKey(user) && !platformOwned(state, Principal.user(user))) {
        changes.add(new Change(Action.REMOVE, "user", user, "its tokens are revoked"));
      }
    }
    return new AccessPlan(changes);
  }

  /** Makes the platform match {@code spec}; the changes made. */
  public synchronized AccessPlan apply(AccessSpec spec) {
    AccessPlan plan = plan(spec);
    Map<String, AccessSpec.UserSpec> users = new TreeMap<>();
    spec.allUsers().forEach(user -> users.put(user.name(), user));
    Set<String> services = new HashSet<>();
    spec.serviceAccounts().forEach(user -> services.add(user.name()));
    for (Change change : plan.changes()) {
      switch (change.kind()) {
        case "user" -> applyUser(change, users.get(change.subject()), services);
        case "group" -> {
          if (change.action() == Action.REMOVE) {
            access.removeGroup(change.subject());
          } else {
            access.putGroup(change.subject(), group(spec, change.subject()).members());
          }
        }
        case "role" -> {
          if (change.action() == Action.REMOVE) {
            access.removeRole(change.subject());
          } else {
            access.putRole(change.subject(), role(spec, change.subject()).members());
          }
        }
        case "grant" -> {
          Grant grant = grant(spec, access.state(), change.subject());
          if (change.action() == Action.REMOVE) {
            access.revoke(grant);
          } else {
            access.grant(grant);
          }
        }
        default -> throw new IllegalStateException("Unknown change kind " + change.kind());
      }
    }
    return plan;
  }

  private void applyUser(Change change, AccessSpec.UserSpec user, Set<String> services) {
    if (change.action() == Action.REMOVE) {
      access.removeUser(change.subject());
      return;
    }
    User.Kind kind = services.contains(user.name()) ? User.Kind.SERVICE : User.Kind.HUMAN;
    if (change.action() == Action.CHANGE && change.detail().startsWith("kind")) {
      access.setKind(user.name(), kind);
      if (user.password().isPresent()
          && !access.passwordMatches(user.name(), user.password().get())) {
        access.putUser(user.name(), kind, user.password());
      }
    } else if (user.password().isPresent()) {
      access.putUser(user.name(), kind, user.password());
    } else {
      access.putUserWithoutPassword(user.name(), kind);
    }
  }

  private static AccessSpec.GroupSpec group(AccessSpec spec, String name) {
    return spec.groups().stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow();
  }

  private static AccessSpec.RoleSpec role(AccessSpec spec, String name) {
    return spec.roles().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
  }

  private static Grant grant(AccessSpec spec, AccessState state, String text) {
    return java.util.stream.Stream.concat(spec.grants().stream(), state.grants().stream())
        .filter(g -> g.toString().equals(text))
        .findFirst()
        .orElseThrow();
  }

  /** The admin, temporary users, and their grants are the platform's, not the file's. */
  private static boolean platformOwned(AccessState state, Principal principal) {
    if (principal.kind() != Principal.Kind.USER) {
      return false;
    }
    if (principal.name().equals(Access.ADMIN_USER)) {
      return true;
    }
    User user = state.users().get(principal.name());
    return user != null && user.expiresAt().isPresent();
  }

  private void check(AccessSpec spec) {
    Set<String> users = new HashSet<>();
    spec.allUsers().forEach(user -> users.add(user.name()));
    users.add(Access.ADMIN_USER);
    Set<String> groups = new HashSet<>();
    spec.groups().forEach(group -> groups.add(group.name()));
    Set<String> roles = new HashSet<>();
    spec.roles().forEach(role -> roles.add(role.name()));
    for (AccessSpec.GroupSpec group : spec.groups()) {
      for (String member : group.members()) {
        if (!users.contains(member)) {
          throw unknown("user '" + member + "' in group " + group.name());
        }
      }
    }
    for (AccessSpec.RoleSpec role : spec.roles()) {
      for (Principal member : role.members()) {
        boolean known =
            member.kind() == Principal.Kind.USER
                ? users.contains(member.name())
                : groups.contains(member.name());
        if (!known) {
          throw unknown(member.kind().label() + " '" + member.name() + "' in role " + role.name());
        }
      }
    }
    for (Grant grant : spec.grants()) {
      Principal principal = grant.principal();
      Set<String> names =
          switch (principal.kind()) {
            case USER -> users;
            case GROUP -> groups;
            case ROLE -> roles;
          };
      if (!names.contains(principal.name())) {
        throw unknown(principal.kind().label() + " '" + principal.name() + "' in grant " + grant);
      }
      Resource resource = grant.resource();
      boolean checkable =
          resource.kind() == ResourceKind.TABLE || resource.kind() == ResourceKind.NAMESPACE;
      if (checkable && !resource.isPattern() && !resourceExists.test(resource)) {
        throw unknown(resource.kind().label() + " '" + resource.name() + "' in grant " + grant);
      }
    }
  }

  private static InvalidInputException unknown(String what) {
    return new InvalidInputException(ErrorCode.INVALID_ACCESS, "Unknown " + what);
  }

  private static List<String> sorted(Set<?> values) {
    return values.stream().map(Object::toString).sorted().toList();
  }

  private static List<Grant> sortedGrants(Set<Grant> grants) {
    return grants.stream().sorted(java.util.Comparator.comparing(Grant::toString)).toList();
  }
}
