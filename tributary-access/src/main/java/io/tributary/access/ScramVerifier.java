package io.tributary.access;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a SCRAM-SHA-256 server keeps of a password (RFC 5802, RFC 7677): the salt, the iteration
 * count, StoredKey and ServerKey, never the password. Written the way PostgreSQL stores it: {@code
 * SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>} in Base64.
 */
public record ScramVerifier(String salt, int iterations, String storedKey, String serverKey) {
  public static final int DEFAULT_ITERATIONS = 4096;
  private static final String PREFIX = "SCRAM-SHA-256$";

  public ScramVerifier {
    requireBase64("salt", salt);
    requireBase64("storedKey", storedKey);
    requireBase64("serverKey", serverKey);
    if (iterations < 4096 || iterations > 10_000_000) {
      throw new IllegalArgumentException(
          "Invalid SCRAM iterations: " + iterations + " (4096 to 10000000)");
    }
  }

  private static void requireBase64(String what, String value) {
    Objects.requireNonNull(value, what + " is null");
    try {
      if (Base64.getDecoder().decode(value).length == 0) {
        throw new IllegalArgumentException("Invalid SCRAM " + what + ": empty");
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Invalid SCRAM " + what + " '" + value + "': not Base64");
    }
  }

  /** Derives the verifier of {@code password} with {@code salt}. */
  public static ScramVerifier derive(String password, byte[] salt, int iterations) {
    try {
      byte[] salted = saltedPassword(password, salt, iterations);
      byte[] clientKey = hmac(salted, "Client Key");
      byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
      byte[] serverKey = hmac(salted, "Server Key");
      Base64.Encoder base64 = Base64.getEncoder();
      return new ScramVerifier(
          base64.encodeToString(salt),
          iterations,
          base64.encodeToString(storedKey),
          base64.encodeToString(serverKey));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SCRAM-SHA-256 is not available in this JVM", e);
    }
  }

  /** Whether {@code password} is the one this verifier was derived from. */
  public boolean matches(String password) {
    ScramVerifier other = derive(password, Base64.getDecoder().decode(salt), iterations);
    return MessageDigest.isEqual(
        storedKey.getBytes(StandardCharsets.US_ASCII),
        other.storedKey.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] saltedPassword(String password, byte[] salt, int iterations)
      throws GeneralSecurityException {
    PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } finally {
      spec.clearPassword();
    }
  }

  private static byte[] hmac(byte[] key, String text) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(text.getBytes(StandardCharsets.US_ASCII));
  }

  /** PostgreSQL's text form. */
  public String encoded() {
    return PREFIX + iterations + ":" + salt + "$" + storedKey + ":" + serverKey;
  }

  /** Parses PostgreSQL's text form. */
  public static ScramVerifier parse(String text) {
    String[] parts = text == null ? new String[0] : text.split("[$:]");
    if (!text.startsWith(PREFIX) || parts.length != 5) {
      throw new IllegalArgumentException(
          "Invalid SCRAM verifier: expected SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey");
    }
    try {
      return new ScramVerifier(parts[2], Integer.parseInt(parts[1]), parts[3], parts[4]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Invalid SCRAM iterations '" + parts[1] + "'", e);
    }
  }

  /** The salt's bytes. */
  public byte[] saltBytes() {
    return Base64.getDecoder().decode(salt);
  }

  @Override
  public String toString() {
    return "ScramVerifier[iterations=" + iterations + "]";
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ScramVerifier that && encoded().equals(that.encoded());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(new Object[] {salt, iterations, storedKey, serverKey});
  }
}
