package io.tributary.core.scram;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677), without channel binding,
 * independent of the protocol carrying it (PostgreSQL, Kafka). Parse the client-first message with
 * {@link ScramClientFirst#parse}, answer it with {@link #serverFirst}, then check the client-final
 * message with {@link #serverFinal}. During a password rotation window a user has several verifiers
 * with one salt and iteration count: a proof matching any of their StoredKeys is accepted and
 * answered with the ServerSignature of the one it matched. Not thread-safe.
 */
public final class ScramServer {
  /** The verifier of one password: what a server stores instead of the password. */
  public record Verifier(byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {
    /**
     * @throws IllegalArgumentException when a part is missing or the iteration count not positive
     */
    public Verifier {
      Objects.requireNonNull(salt, "salt is null");
      Objects.requireNonNull(storedKey, "storedKey is null");
      Objects.requireNonNull(serverKey, "serverKey is null");
      if (iterations <= 0) {
        throw new IllegalArgumentException("SCRAM iterations must be positive: " + iterations);
      }
      salt = salt.clone();
      storedKey = storedKey.clone();
      serverKey = serverKey.clone();
    }

    /** The verifier of {@code password} with {@code salt} and {@code iterations}. */
    public static Verifier of(String password, byte[] salt, int iterations) {
      byte[] salted = saltedPassword(password, salt, iterations);
      return new Verifier(
          salt, iterations, sha256(hmac(salted, "Client Key")), hmac(salted, "Server Key"));
    }

    @Override
    public byte[] salt() {
      return salt.clone();
    }

    @Override
    public byte[] storedKey() {
      return storedKey.clone();
    }

    @Override
    public byte[] serverKey() {
      return serverKey.clone();
    }

    private boolean sharesSaltWith(Verifier other) {
      return iterations == other.iterations && MessageDigest.isEqual(salt, other.salt);
    }
  }

  private final Verifier offered;
  private final List<Verifier> verifiers;
  private final SecureRandom random;
  private ScramClientFirst clientFirst;
  private String serverFirst;
  private String nonce;

  /**
   * An exchange checking against {@code verifiers}: the first one's salt and iterations are
   * offered; the others count only when they share them.
   *
   * @throws IllegalArgumentException if there is no verifier
   */
  public ScramServer(List<Verifier> verifiers, SecureRandom random) {
    if (verifiers.isEmpty()) {
      throw new IllegalArgumentException("No SCRAM verifier to check against");
    }
    this.random = Objects.requireNonNull(random, "random is null");
    this.offered = verifiers.get(0);
    this.verifiers = verifiers.stream().filter(offered::sharesSaltWith).toList();
  }

  /**
   * An exchange no proof passes (an unknown user), indistinguishable on the wire from a wrong
   * password: a random salt and keys.
   */
  public static ScramServer refusingAll(SecureRandom random) {
    byte[] salt = new byte[16];
    byte[] storedKey = new byte[32];
    byte[] serverKey = new byte[32];
    random.nextBytes(salt);
    random.nextBytes(storedKey);
    random.nextBytes(serverKey);
    return new ScramServer(List.of(new Verifier(salt, 4096, storedKey, serverKey)), random);
  }

  /**
   * The server-first message answering {@code first}.
   *
   * @throws IllegalStateException when called twice
   */
  public String serverFirst(ScramClientFirst first) {
    if (serverFirst != null) {
      throw new IllegalStateException("SCRAM client-first message received twice");
    }
    byte[] serverNonce = new byte[18];
    random.nextBytes(serverNonce);
    clientFirst = Objects.requireNonNull(first, "first is null");
    nonce = first.nonce() + Base64.getEncoder().encodeToString(serverNonce);
    serverFirst =
        "r="
            + nonce
            + ",s="
            + Base64.getEncoder().encodeToString(offered.salt)
            + ",i="
            + offered.iterations;
    return serverFirst;
  }

  /**
   * The server-final message ({@code v=signature}) when the client's proof is right, else empty.
   *
   * @throws IllegalArgumentException when the client message is malformed
   * @throws IllegalStateException before {@link #serverFirst}
   */
  public Optional<String> serverFinal(String clientFinal) {
    if (serverFirst == null) {
      throw new IllegalStateException("SCRAM client-final message before client-first");
    }
    int proofAt = clientFinal.lastIndexOf(",p=");
    if (proofAt < 0) {
      throw new IllegalArgumentException("SCRAM client-final message has no proof");
    }
    String withoutProof = clientFinal.substring(0, proofAt);
    byte[] proof;
    try {
      proof = Base64.getDecoder().decode(clientFinal.substring(proofAt + 3));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("SCRAM proof is not Base64", e);
    }
    String binding =
        Base64.getEncoder()
            .encodeToString(clientFirst.gs2Header().getBytes(StandardCharsets.UTF_8));
    String[] parts = withoutProof.split(",");
    if (parts.length < 2 || !parts[0].equals("c=" + binding) || !parts[1].equals("r=" + nonce)) {
      return Optional.empty();
    }
    String authMessage = clientFirst.bare() + "," + serverFirst + "," + withoutProof;
    for (Verifier candidate : verifiers) {
      if (proves(proof, candidate.storedKey, authMessage)) {
        return Optional.of(
            "v=" + Base64.getEncoder().encodeToString(hmac(candidate.serverKey, authMessage)));
      }
    }
    return Optional.empty();
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

  /** PBKDF2-HMAC-SHA-256 of {@code password}: SCRAM's SaltedPassword. */
  public static byte[] saltedPassword(String password, byte[] salt, int iterations) {
    try {
      SecretKeyFactory factory = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
      return factory
          .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256))
          .getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("The JDK lacks PBKDF2WithHmacSHA256", e);
    }
  }

  /** HMAC-SHA-256 of {@code data} (UTF-8) under {@code key}. */
  public static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("The JDK lacks HmacSHA256", e);
    }
  }

  /** SHA-256 of {@code data}. */
  public static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("The JDK lacks SHA-256", e);
    }
  }
}
