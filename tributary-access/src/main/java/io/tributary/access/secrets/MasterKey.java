package io.tributary.access.secrets;

import io.tributary.core.ErrorCode;
import io.tributary.core.PlatformException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 key that wraps every secret's data key, and where it came from: the environment
 * variable {@value #ENVIRONMENT_VARIABLE} (base64 of 32 bytes), else a key file ({@code
 * <data-dir>/master.key}, base64, mode 0600). {@link #toString} names the source, never the key.
 */
public final class MasterKey {
  /** The environment variable that holds the key, base64. */
  public static final String ENVIRONMENT_VARIABLE = "TRIBUTARY_MASTER_KEY";

  static final int BYTES = 32;

  private final SecretKey key;
  private final String source;

  private MasterKey(byte[] key, String source) {
    this.key = new SecretKeySpec(key, "AES");
    this.source = source;
  }

  /** Where the key came from, e.g. {@code key file /data/master.key}. */
  public String source() {
    return source;
  }

  SecretKey key() {
    return key;
  }

  /**
   * The key from {@code environment} or, when the variable is not set, from {@code keyFile}; empty
   * if neither holds one.
   *
   * @throws PlatformException ({@code master_key_invalid}) if the source holds no 32-byte key
   */
  public static Optional<MasterKey> find(UnaryOperator<String> environment, Path keyFile) {
    Objects.requireNonNull(environment, "environment is null");
    Objects.requireNonNull(keyFile, "keyFile is null");
    String text = environment.apply(ENVIRONMENT_VARIABLE);
    if (text != null && !text.isBlank()) {
      return Optional.of(decode(text, "environment variable " + ENVIRONMENT_VARIABLE));
    }
    if (!Files.exists(keyFile)) {
      return Optional.empty();
    }
    String source = "key file " + keyFile;
    try {
      return Optional.of(decode(Files.readString(keyFile, StandardCharsets.US_ASCII), source));
    } catch (IOException e) {
      throw new PlatformException(
          ErrorCode.MASTER_KEY_INVALID, "Cannot read the master key from " + source + ": " + e, e);
    }
  }

  /**
   * Generates a key and writes it to {@code keyFile} (created with mode 0600 where the file system
   * has POSIX permissions).
   *
   * @throws UncheckedIOException if the file exists or cannot be written
   */
  public static MasterKey generate(Path keyFile, SecureRandom random) {
    byte[] key = new byte[BYTES];
    random.nextBytes(key);
    String text = Base64.getEncoder().encodeToString(key) + "\n";
    try {
      Files.createDirectories(keyFile.toAbsolutePath().getParent());
      try {
        Files.createFile(
            keyFile,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(keyFile);
      }
      Files.writeString(keyFile, text, StandardCharsets.US_ASCII, StandardOpenOption.WRITE);
    } catch (FileAlreadyExistsException e) {
      throw new UncheckedIOException("Master key file " + keyFile + " exists already", e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write master key file " + keyFile + ": " + e, e);
    }
    return new MasterKey(key, "key file " + keyFile);
  }

  private static MasterKey decode(String text, String source) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(text.strip());
    } catch (IllegalArgumentException e) {
      key = new byte[0];
    }
    if (key.length != BYTES) {
      throw new PlatformException(
          ErrorCode.MASTER_KEY_INVALID,
          "Invalid master key in "
              + source
              + ": expected base64 of "
              + BYTES
              + " bytes, got "
              + key.length
              + " bytes",
          null);
    }
    return new MasterKey(key, source);
  }

  @Override
  public String toString() {
    return "MasterKey[" + source + "]";
  }
}
