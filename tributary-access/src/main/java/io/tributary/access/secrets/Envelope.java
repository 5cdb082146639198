package io.tributary.access.secrets;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM envelope encryption with the JDK's JCA: each value is sealed under a fresh random
 * data key, and the data key is sealed (wrapped) under the master key. Both use the same associated
 * data, which binds the sealed value to its secret name and version: a value copied to another row
 * fails to open. Sealed forms are base64 text of {@code iv (12 bytes) || ciphertext || tag (16
 * bytes)}, so they fit a VARCHAR column in SQLite and PostgreSQL alike.
 */
final class Envelope {
  private static final String CIPHER = "AES/GCM/NoPadding";
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;

  /** A sealed value and its wrapped data key. */
  record Sealed(String wrappedKey, String value) {}

  /** The associated data of version {@code version} of secret {@code name}. */
  static byte[] associatedData(String name, long version) {
    return ("tributary-secret/v1\0" + name + "\0" + version).getBytes(StandardCharsets.UTF_8);
  }

  private final MasterKey master;
  private final SecureRandom random;

  Envelope(MasterKey master, SecureRandom random) {
    this.master = master;
    this.random = random;
  }

  Sealed seal(byte[] plain, byte[] associatedData) {
    byte[] dataKey = new byte[MasterKey.BYTES];
    random.nextBytes(dataKey);
    try {
      String value = encrypt(new SecretKeySpec(dataKey, "AES"), plain, associatedData);
      return new Sealed(encrypt(master.key(), dataKey, associatedData), value);
    } finally {
      Arrays.fill(dataKey, (byte) 0);
    }
  }

  /**
   * Opens {@code sealed}.
   *
   * @throws AEADBadTagException if the master key is not the one it was sealed with, or the data or
   *     its associated data was changed
   */
  byte[] open(Sealed sealed, byte[] associatedData) throws AEADBadTagException {
    byte[] dataKey = decrypt(master.key(), sealed.wrappedKey(), associatedData);
    try {
      return decrypt(new SecretKeySpec(dataKey, "AES"), sealed.value(), associatedData);
    } finally {
      Arrays.fill(dataKey, (byte) 0);
    }
  }

  private String encrypt(SecretKey key, byte[] plain, byte[] associatedData) {
    byte[] iv = new byte[IV_BYTES];
    random.nextBytes(iv);
    try {
      Cipher cipher = Cipher.getInstance(CIPHER);
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(associatedData);
      byte[] sealed = cipher.doFinal(plain);
      return Base64.getEncoder()
          .encodeToString(
              ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JVM: " + e, e);
    }
  }

  private static byte[] decrypt(SecretKey key, String text, byte[] associatedData)
      throws AEADBadTagException {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new AEADBadTagException("Sealed data is not base64");
    }
    if (bytes.length < IV_BYTES + TAG_BITS / 8) {
      throw new AEADBadTagException("Sealed data too short: " + bytes.length + " bytes");
    }
    try {
      Cipher cipher = Cipher.getInstance(CIPHER);
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, IV_BYTES));
      cipher.updateAAD(associatedData);
      return cipher.doFinal(bytes, IV_BYTES, bytes.length - IV_BYTES);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JVM: " + e, e);
    }
  }
}
