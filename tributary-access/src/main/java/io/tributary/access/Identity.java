package io.tributary.access;

import java.util.Objects;
import java.util.Set;

/**
 * An authenticated caller: the user, the principals whose grants apply to it (itself, its groups
 * and the roles of either), and the scopes of the credential it used ({@link #ALL_SCOPES} for a
 * password; a token's own scopes otherwise).
 */
public record Identity(String user, Set<Principal> principals, Set<String> scopes) {
  public static final String ALL_SCOPES = "all";

  public Identity {
    Principal.requireName("user", user);
    principals = Set.copyOf(Objects.requireNonNull(principals, "principals is null"));
    scopes = Set.copyOf(Objects.requireNonNull(scopes, "scopes is null"));
    if (!principals.contains(Principal.user(user))) {
      throw new IllegalArgumentException("Identity of " + user + " must hold user:" + user);
    }
  }

  /** Whether the credential used allows {@code scope} ({@code all}, or the scope itself). */
  public boolean hasScope(String scope) {
    return scopes.contains(ALL_SCOPES) || scopes.contains(scope);
  }
}
