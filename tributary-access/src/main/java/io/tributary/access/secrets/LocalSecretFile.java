package io.tributary.access.secrets;

import io.tributary.core.ErrorCode;
import io.tributary.core.PlatformException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.AEADBadTagException;

/**
 * One secret kept in a local file, sealed like the store's values (a data key per value, wrapped by
 * the {@link MasterKey}), for the one secret the platform needs before it can reach the store: the
 * password of the catalog's database, where the store lives. Holds the current value and, during a
 * rotation, the pending one; written atomically, mode 0600. Thread-safe.
 */
public final class LocalSecretFile {
  private static final String CURRENT = "current";
  private static final String PENDING = "pending";

  private final Path file;
  private final Envelope envelope;
  private volatile Optional<SecretValue> current = Optional.empty();
  private volatile Optional<SecretValue> pending = Optional.empty();

  private LocalSecretFile(Path file, Envelope envelope) {
    this.file = file;
    this.envelope = envelope;
  }

  /**
   * Opens {@code file} (empty when it does not exist yet).
   *
   * @throws PlatformException ({@code master_key_invalid}) if {@code master} does not open it
   */
  public static LocalSecretFile open(Path file, MasterKey master, SecureRandom random) {
    LocalSecretFile local =
        new LocalSecretFile(
            Objects.requireNonNull(file, "file is null"), new Envelope(master, random));
    if (Files.exists(file)) {
      local.read(master);
    }
    return local;
  }

  private void read(MasterKey master) {
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
        String[] parts = line.split("\t");
        if (parts.length != 3) {
          continue;
        }
        SecretValue value =
            SecretValue.of(
                new String(
                    envelope.open(
                        new Envelope.Sealed(parts[1], parts[2]), associatedData(parts[0])),
                    StandardCharsets.UTF_8));
        if (parts[0].equals(CURRENT)) {
          current = Optional.of(value);
        } else if (parts[0].equals(PENDING)) {
          pending = Optional.of(value);
        }
      }
    } catch (AEADBadTagException e) {
      throw new PlatformException(
          ErrorCode.MASTER_KEY_INVALID,
          "The master key from "
              + master.source()
              + " does not open "
              + file
              + " (AES-GCM tag mismatch): set the key it was sealed with",
          null);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  private byte[] associatedData(String stage) {
    return ("tributary-local-secret/v1\0" + file.getFileName() + "\0" + stage)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The current value, if one was written. */
  public Optional<SecretValue> current() {
    return current;
  }

  /** The pending value of a rotation in progress, if any. */
  public Optional<SecretValue> pending() {
    return pending;
  }

  /** The values a client may try, in order: the current one, then the pending one. */
  public List<SecretValue> candidates() {
    List<SecretValue> values = new ArrayList<>(2);
    current.ifPresent(values::add);
    pending.filter(value -> current.map(c -> !c.equals(value)).orElse(true)).ifPresent(values::add);
    return values;
  }

  /** Writes {@code newCurrent} and {@code newPending} (replacing both), atomically. */
  public synchronized void write(SecretValue newCurrent, Optional<SecretValue> newPending) {
    Objects.requireNonNull(newCurrent, "newCurrent is null");
    StringBuilder text = new StringBuilder();
    append(text, CURRENT, newCurrent);
    newPending.ifPresent(value -> append(text, PENDING, value));
    Path next = file.resolveSibling(file.getFileName() + ".next");
    try {
      Files.deleteIfExists(next);
      Files.createFile(
          next, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(next, text, StandardCharsets.US_ASCII);
      try (java.nio.channels.FileChannel channel =
          java.nio.channels.FileChannel.open(next, java.nio.file.StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
    current = Optional.of(newCurrent);
    pending = newPending;
  }

  private void append(StringBuilder text, String stage, SecretValue value) {
    Envelope.Sealed sealed =
        envelope.seal(value.reveal().getBytes(StandardCharsets.UTF_8), associatedData(stage));
    text.append(stage)
        .append('\t')
        .append(sealed.wrappedKey())
        .append('\t')
        .append(sealed.value())
        .append('\n');
  }

  @Override
  public String toString() {
    return "LocalSecretFile[" + file + "]";
  }
}
