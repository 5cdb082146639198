package io.tributary.access;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An API token as stored: its id (shown in listings), the SHA-256 of its secret (the secret itself
 * is shown once and never kept), its user, scopes, expiry and revocation.
 */
public record ApiToken(
    String id,
    String secretHash,
    String user,
    Set<String> scopes,
    Instant createdAt,
    Optional<Instant> expiresAt,
    Optional<Instant> revokedAt) {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern SCOPE = Pattern.compile("[a-z][a-z0-9_:.*-]{0,63}");

  public ApiToken {
    Objects.requireNonNull(id, "id is null");
    if (!HEX.matcher(Objects.requireNonNull(secretHash, "secretHash is null")).matches()) {
      throw new IllegalArgumentException(
          "Invalid token hash for token " + id + ": not SHA-256 hex");
    }
    Principal.requireName("user", user);
    scopes = Set.copyOf(Objects.requireNonNull(scopes, "scopes is null"));
    if (scopes.isEmpty()) {
      throw new IllegalArgumentException("Invalid token " + id + ": no scopes (use 'all')");
    }
    for (String scope : scopes) {
      requireScope(scope);
    }
    Objects.requireNonNull(createdAt, "createdAt is null");
    Objects.requireNonNull(expiresAt, "expiresAt is null");
    Objects.requireNonNull(revokedAt, "revokedAt is null");
  }

  /** Checks a scope: {@code all}, {@code metrics}, a privilege label... */
  public static String requireScope(String scope) {
    if (scope == null || !SCOPE.matcher(scope).matches()) {
      throw new io.tributary.core.InvalidInputException(
          io.tributary.core.ErrorCode.INVALID_ACCESS,
          "Invalid token scope '" + scope + "': use [a-z][a-z0-9_:.*-]*");
    }
    return scope;
  }

  /** Why the token does not authenticate at {@code now}, or empty when it does. */
  public Optional<String> refusal(Instant now) {
    if (revokedAt.isPresent()) {
      return Optional.of("token " + id + " was revoked at " + revokedAt.get());
    }
    if (expiresAt.isPresent() && !now.isBefore(expiresAt.get())) {
      return Optional.of("token " + id + " expired at " + expiresAt.get());
    }
    return Optional.empty();
  }

  /** This token, revoked at {@code now}. */
  public ApiToken revoked(Instant now) {
    return new ApiToken(
        id, secretHash, user, scopes, createdAt, expiresAt, Optional.of(revokedAt.orElse(now)));
  }

  @Override
  public String toString() {
    return "ApiToken[" + id + " of " + user + ", scopes " + scopes + "]";
  }
}
