package io.tributary.core.scram;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed SCRAM client-first message (RFC 5802 section 7): the GS2 header (which the client-final
 * message's channel binding echoes), the authorization id, the user name (decoded), the client
 * nonce, the extensions that follow the nonce ({@code key=value}, as Kafka's {@code tokenauth}),
 * and the bare message that enters the AuthMessage.
 */
public record ScramClientFirst(
    String gs2Header,
    Optional<String> authorizationId,
    String user,
    String nonce,
    Map<String, String> extensions,
    String bare) {
  /**
   * @throws IllegalArgumentException when the nonce is empty
   */
  public ScramClientFirst {
    Objects.requireNonNull(gs2Header, "gs2Header is null");
    Objects.requireNonNull(authorizationId, "authorizationId is null");
    Objects.requireNonNull(user, "user is null");
    Objects.requireNonNull(bare, "bare is null");
    extensions = Map.copyOf(extensions);
    if (nonce == null || nonce.isEmpty()) {
      throw new IllegalArgumentException("SCRAM client-first message has no nonce");
    }
  }

  /**
   * Parses {@code message}.
   *
   * @throws IllegalArgumentException naming the fault when it is malformed or asks for channel
   *     binding
   */
  public static ScramClientFirst parse(String message) {
    if (!message.startsWith("n,") && !message.startsWith("y,")) {
      throw new IllegalArgumentException(
          "SCRAM channel binding is not supported; use a client without channel binding");
    }
    int headerEnd = message.indexOf(',', 2);
    if (headerEnd < 0) {
      throw new IllegalArgumentException("Malformed SCRAM client-first message: no GS2 header");
    }
    String authzid = message.substring(2, headerEnd);
    Optional<String> authorizationId = Optional.empty();
    if (!authzid.isEmpty()) {
      if (!authzid.startsWith("a=")) {
        throw new IllegalArgumentException(
            "Malformed SCRAM client-first message: authorization id " + authzid);
      }
      authorizationId = Optional.of(saslName(authzid.substring(2)));
    }
    String bare = message.substring(headerEnd + 1);
    String[] parts = bare.split(",", -1);
    if (parts[0].startsWith("m=")) {
      throw new IllegalArgumentException("SCRAM mandatory extensions are not supported");
    }
    if (!parts[0].startsWith("n=")) {
      throw new IllegalArgumentException("Malformed SCRAM client-first message: no user name");
    }
    String nonce = parts.length > 1 && parts[1].startsWith("r=") ? parts[1].substring(2) : null;
    Map<String, String> extensions = new LinkedHashMap<>();
    for (int i = 2; i < parts.length; i++) {
      int equals = parts[i].indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException(
            "Malformed SCRAM client-first message: extension " + parts[i]);
      }
      extensions.putIfAbsent(parts[i].substring(0, equals), parts[i].substring(equals + 1));
    }
    return new ScramClientFirst(
        message.substring(0, headerEnd + 1),
        authorizationId,
        saslName(parts[0].substring(2)),
        nonce,
        extensions,
        bare);
  }

  /** Decodes a saslname ({@code =2C} is a comma, {@code =3D} an equals sign). */
  private static String saslName(String encoded) {
    StringBuilder name = new StringBuilder(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c != '=') {
        name.append(c);
      } else if (encoded.startsWith("=2C", i)) {
        name.append(',');
        i += 2;
      } else if (encoded.startsWith("=3D", i)) {
        name.append('=');
        i += 2;
      } else {
        throw new IllegalArgumentException("Malformed SCRAM user name: " + encoded);
      }
    }
    return name.toString();
  }
}
