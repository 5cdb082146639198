package io.tributary.access;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything access holds at one moment, immutable: users, groups with their members, roles with
 * their members (users and groups), grants and tokens (by the hash of their secret).
 */
public record AccessState(
    Map<String, User> users,
    Map<String, Set<String>> groups,
    Map<String, Set<Principal>> roles,
    Set<Grant> grants,
    Map<String, ApiToken> tokensByHash) {
  public static final AccessState EMPTY =
      new AccessState(Map.of(), Map.of(), Map.of(), Set.of(), Map.of());

  public AccessState {
    users = Map.copyOf(Objects.requireNonNull(users, "users is null"));
    groups =
        Objects.requireNonNull(groups, "groups is null").entrySet().stream()
            .collect(
                Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> Set.copyOf(e.getValue())));
    roles =
        Objects.requireNonNull(roles, "roles is null").entrySet().stream()
            .collect(
                Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> Set.copyOf(e.getValue())));
    grants = Set.copyOf(Objects.requireNonNull(grants, "grants is null"));
    tokensByHash = Map.copyOf(Objects.requireNonNull(tokensByHash, "tokensByHash is null"));
  }

  public Optional<User> user(String name) {
    return Optional.ofNullable(users.get(name));
  }

  /** Whether the principal exists (a user, group or role of that name). */
  public boolean exists(Principal principal) {
    return switch (principal.kind()) {
      case USER -> users.containsKey(principal.name());
      case GROUP -> groups.containsKey(principal.name());
      case ROLE -> roles.containsKey(principal.name());
    };
  }

  /** The principals whose grants apply to {@code user}: itself, its groups, their roles. */
  public Set<Principal> principalsOf(String user) {
    Set<Principal> principals = new HashSet<>();
    principals.add(Principal.user(user));
    groups.forEach(
        (group, members) -> {
          if (members.contains(user)) {
            principals.add(Principal.group(group));
          }
        });
    Set<Principal> direct = Set.copyOf(principals);
    roles.forEach(
        (role, members) -> {
          if (members.stream().anyMatch(direct::contains)) {
            principals.add(Principal.role(role));
          }
        });
    return principals;
  }

  /** The grants given to {@code principal} itself (not through groups or roles). */
  public List<Grant> grantsTo(Principal principal) {
    return grants.stream().filter(grant -> grant.principal().equals(principal)).toList();
  }

  /** The tokens of {@code user}. */
  public List<ApiToken> tokensOf(String user) {
    return tokensByHash.values().stream().filter(token -> token.user().equals(user)).toList();
  }
}
