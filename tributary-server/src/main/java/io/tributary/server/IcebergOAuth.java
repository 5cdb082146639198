package io.tributary.server;

import io.javalin.http.Context;
import io.tributary.access.Access;
import io.tributary.access.Identity;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Iceberg REST catalog's OAuth2 token endpoint ({@value #PATH}), client-credentials grant only
 * (like Apache Polaris): a user's name and password as {@code client_id} and {@code client_secret}
 * buy a bearer token valid for {@link #LIFETIME}. Engines configure {@code
 * credential=user:password} and refresh the token themselves.
 */
final class IcebergOAuth {
  static final String PATH = "/iceberg/v1/oauth/tokens";
  static final Duration LIFETIME = Duration.ofHours(1);
  private static final String FORM = "application/x-www-form-urlencoded";

  private final Optional<Access> access;

  IcebergOAuth(Optional<Access> access) {
    this.access = access;
  }

  void tokens(Context ctx) {
    String type = ctx.header("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(FORM)) {
      throw new InvalidInputException(
          ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "Unsupported content type '" + type + "' for POST " + PATH + ": send " + FORM);
    }
    String grant = ctx.formParam("grant_type");
    if (!"client_credentials".equals(grant)) {
      oauthError(
          ctx, 400, "unsupported_grant_type", "Only grant_type=client_credentials is served");
      return;
    }
    String client = ctx.formParam("client_id");
    String secret = ctx.formParam("client_secret");
    if (client == null || secret == null) {
      oauthError(ctx, 400, "invalid_request", "client_id and client_secret are required");
      return;
    }
    String token;
    if (access.isEmpty()) {
      token = "access-control-off"; // any bearer passes while access is off
    } else {
      Identity identity;
      try {
        identity = access.get().authenticatePassword(client, secret, ctx.ip());
      } catch (InvalidInputException e) {
        if (e.errorCode() == ErrorCode.UNAUTHENTICATED) {
          oauthError(ctx, 401, "invalid_client", e.getMessage());
          return;
        }
        throw e;
      }
      token =
          access
              .get()
              .issueToken(identity.user(), Set.of(Identity.ALL_SCOPES), Optional.of(LIFETIME))
              .secret();
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", token);
    body.put("token_type", "bearer");
    body.put("issued_token_type", "urn:ietf:params:oauth:token-type:access_token");
    body.put("expires_in", LIFETIME.toSeconds());
    HttpApi.json(ctx, 200, body);
  }

  private static void oauthError(Context ctx, int status, String error, String description) {
    HttpApi.json(ctx, status, Map.of("error", error, "error_description", description));
  }
}
