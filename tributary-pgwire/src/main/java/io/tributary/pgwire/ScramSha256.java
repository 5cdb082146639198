package io.tributary.pgwire;

import io.tributary.access.ScramVerifier;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677), without channel binding, as
 * PostgreSQL runs it: the user name comes from the startup packet, the client's {@code n=} is
 * ignored. Call {@link #firstMessage(String)}, then {@link #finalMessage(String)}, which returns
 * {@code null} when the proof is wrong. During a password rotation window the user has two
 * verifiers with one salt: a proof matching either StoredKey is accepted, answered with the
 * ServerSignature of the one it matched. Not thread-safe.
 */
final class ScramSha256 {
  /** StoredKey and ServerKey of one password. */
  private record Keys(byte[] storedKey, byte[] serverKey) {}

  static final String MECHANISM = "SCRAM-SHA-256";
  static final int ITERATIONS = 4096;

  private final byte[] salt;
  private final int iterations;
  private final List<Keys> keys;
  private final SecureRandom random;
  private String clientFirstBare;
  private String serverFirst;
  private String gs2Header;
  private String nonce;

  /** An exchange checking {@code password}; a {@code null} password never authenticates. */
  ScramSha256(String password, SecureRandom random) {
    this.random = random;
    this.salt = new byte[16];
    random.nextBytes(salt);
    byte[] salted;
    if (password == null) {
      salted = new byte[32];
      random.nextBytes(salted);
    } else {
      salted = saltedPassword(password, salt, ITERATIONS);
    }
    this.iterations = ITERATIONS;
    this.keys = List.of(new Keys(sha256(hmac(salted, "Client Key")), hmac(salted, "Server Key")));
  }

  /**
   * An exchange checking against stored verifiers (the password itself is never known): the first
   * one's salt and iterations are offered; the others count when they share them.
   *
   * @throws IllegalArgumentException if there is no verifier
   */
  ScramSha256(List<ScramVerifier> verifiers, SecureRandom random) {
    if (verifiers.isEmpty()) {
      throw new IllegalArgumentException("No SCRAM verifier to check against");
    }
    this.random = random;
    ScramVerifier first = verifiers.get(0);
    this.salt = first.saltBytes();
    this.iterations = first.iterations();
    Base64.Decoder base64 = Base64.getDecoder();
    this.keys =
        verifiers.stream()
            .filter(v -> v.salt().equals(first.salt()) && v.iterations() == first.iterations())
            .map(v -> new Keys(base64.decode(v.storedKey()), base64.decode(v.serverKey())))
            .toList();
  }

  /**
   * The server-first message answering the client-first message.
   *
   * @throws IllegalArgumentException when the client message is malformed or asks for channel
   *     binding
   */
  String firstMessage(String clientFirst) {
    if (!clientFirst.startsWith("n,") && !clientFirst.startsWith("y,")) {
      throw new IllegalArgumentException(
          "SCRAM channel binding is not supported; use a client without channel binding");
    }
    int bare = clientFirst.indexOf(',', 2);
    if (bare < 0) {
      throw new IllegalArgumentException("Malformed SCRAM client-first message");
    }
    gs2Header = clientFirst.substring(0, bare + 1);
    clientFirstBare = clientFirst.substring(bare + 1);
    String clientNonce = attributes(clientFirstBare).get('r');
    if (clientNonce == null || clientNonce.isEmpty()) {
      throw new IllegalArgumentException("SCRAM client-first message has no nonce");
    }
    byte[] serverNonce = new byte[18];
    random.nextBytes(serverNonce);
    nonce = clientNonce + Base64.getEncoder().encodeToString(serverNonce);
    serverFirst =
        "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(salt) + ",i=" + iterations;
    return serverFirst;
  }

  /**
   * The server-final message ({@code v=signature}) when the client's proof is right, else {@code
   * null}.
   *
   * @throws IllegalArgumentException when the client message is malformed
   */
  String finalMessage(String clientFinal) {
    if (serverFirst == null) {
      throw new IllegalStateException("SCRAM client-final message before client-first");
    }
    int proofAt = clientFinal.lastIndexOf(",p=");
    if (proofAt < 0) {
      throw new IllegalArgumentException("SCRAM client-final message has no proof");
    }
    String withoutProof = clientFinal.substring(0, proofAt);
    Map<Character, String> attributes = attributes(withoutProof);
    String binding = Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8));
    byte[] proof;
    try {
      proof = Base64.getDecoder().decode(clientFinal.substring(proofAt + 3));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("SCRAM proof is not Base64", e);
    }
    if (!binding.equals(attributes.get('c')) || !nonce.equals(attributes.get('r'))) {
      return null;
    }
    String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
    for (Keys candidate : keys) {
      if (proves(proof, candidate.storedKey(), authMessage)) {
        return "v=" + Base64.getEncoder().encodeToString(hmac(candidate.serverKey(), authMessage));
      }
    }
    return null;
  }

  /** Whether {@code proof} is the client's proof of the password whose StoredKey is given. */
  private static boolean proves(byte[] proof, byte[] storedKey, String authMessage) {
    byte[] signature = hmac(storedKey, authMessage);
    if (proof.length != signature.length) {
      return false;
    }
    byte[] clientKey = new byte[proof.length];
    for (int i = 0; i < proof.length; i++) {
      clientKey[i] = (byte) (proof[i] ^ signature[i]);
    }
    return MessageDigest.isEqual(sha256(clientKey), storedKey);
  }

  private static Map<Character, String> attributes(String message) {
    Map<Character, String> attributes = new HashMap<>();
    for (String part : message.split(",")) {
      if (part.length() >= 2 && part.charAt(1) == '=') {
        attributes.putIfAbsent(part.charAt(0), part.substring(2));
      }
    }
    return attributes;
  }

  static byte[] saltedPassword(String password, byte[] salt, int iterations) {
    try {
      SecretKeyFactory factory = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
      return factory
          .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256))
          .getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("The JDK lacks PBKDF2WithHmacSHA256", e);
    }
  }

  static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("The JDK lacks HmacSHA256", e);
    }
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("The JDK lacks SHA-256", e);
    }
  }
}
