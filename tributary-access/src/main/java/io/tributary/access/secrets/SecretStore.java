package io.tributary.access.secrets;

import io.tributary.access.audit.AuditEvent;
import io.tributary.access.audit.AuditEvent.Outcome;
import io.tributary.access.audit.AuditSink;
import io.tributary.access.audit.Caller;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import io.tributary.core.PlatformException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import javax.crypto.AEADBadTagException;

/**
 * The secret store: named secrets, each with versions in stages ({@link Stage}), sealed at rest by
 * {@link Envelope} encryption under the {@link MasterKey}, in the platform's metadata database.
 * Every read, check and change is audited; values are never logged and never part of {@link
 * SecretInfo}. Rotation ({@link Rotations}) goes through {@link #createPending} and {@link
 * #promote}.
 */
public final class SecretStore {
  private static final byte[] CHECK = "tributary-master-key-check".getBytes(StandardCharsets.UTF_8);
  private static final byte[] CHECK_DATA =
      "tributary-master-check/v1".getBytes(StandardCharsets.UTF_8);

  private final SecretTable table;
  private final Envelope envelope;
  private final MasterKey master;
  private final Clock clock;
  private final AuditSink audit;

  private SecretStore(
      SecretTable table, MasterKey master, SecureRandom random, Clock clock, AuditSink audit) {
    this.table = table;
    this.master = master;
    this.envelope = new Envelope(master, random);
    this.clock = clock;
    this.audit = audit;
  }

  /**
   * Opens the store with the master key from {@code environment} ({@value
   * MasterKey#ENVIRONMENT_VARIABLE}) or {@code keyFile}; generates the key file when neither holds
   * a key and no secret is stored yet.
   *
   * @throws PlatformException ({@code master_key_invalid}, naming the key's source) if secrets are
   *     stored but no key is found, or the key is not the one they were sealed with
   */
  public static SecretStore open(
      Supplier<Connection> db,
      UnaryOperator<String> environment,
      Path keyFile,
      Clock clock,
      SecureRandom random,
      AuditSink audit) {
    SecretTable table = new SecretTable(db);
    Optional<MasterKey> found = MasterKey.find(environment, keyFile);
    Optional<Envelope.Sealed> check = table.masterCheck();
    MasterKey master;
    if (found.isPresent()) {
      master = found.get();
    } else if (table.versionCount() > 0) {
      throw new PlatformException(
          ErrorCode.MASTER_KEY_INVALID,
          "The secret store holds sealed secrets but no master key was found: set environment"
              + " variable "
              + MasterKey.ENVIRONMENT_VARIABLE
              + " (base64 of 32 bytes) or restore the key file "
              + keyFile
              + "; no secret can be read without it",
          null);
    } else {
      // nothing sealed under the lost key, if there was one: start afresh
      master = MasterKey.generate(keyFile, random);
      check = Optional.empty();
    }
    SecretStore store =
        new SecretStore(
            table,
            master,
            random,
            Objects.requireNonNull(clock, "clock is null"),
            Objects.requireNonNull(audit, "audit is null"));
    if (check.isPresent()) {
      store.verify(check.get());
    } else {
      table.saveMasterCheck(store.envelope.seal(CHECK, CHECK_DATA));
    }
    return store;
  }

  private void verify(Envelope.Sealed check) {
    try {
      envelope.open(check, CHECK_DATA);
    } catch (AEADBadTagException e) {
      throw wrongKey("the store's key check");
    }
  }

  private PlatformException wrongKey(String what) {
    return new PlatformException(
        ErrorCode.MASTER_KEY_INVALID,
        "The master key from "
            + master.source()
            + " does not open "
            + what
            + " (AES-GCM tag mismatch): it is not the key the secrets were sealed with, or the"
            + " stored data was altered; set the right key, no secret can be read without it",
        null);
  }

  /** Where the master key came from. */
  public String masterKeySource() {
    return master.source();
  }

  /**
   * Sets a new current version of {@code name}, creating the secret if needed; the old current
   * version becomes previous (still accepted by {@link #matches}), a rotation in progress is
   * abandoned.
   *
   * @throws InvalidInputException if the name is invalid
   */
  public synchronized SecretInfo put(String name, SecretValue value, Caller caller) {
    Names.check("secret name", name, ErrorCode.INVALID_SECRET);
    Objects.requireNonNull(value, "value is null");
    Instant now = clock.instant();
    long version =
        table.inTransaction(
            "set secret " + name,
            connection -> {
              long next = SecretTable.nextVersion(connection, name, now);
              SecretTable.deleteStage(connection, name, Stage.PENDING);
              SecretTable.deleteStage(connection, name, Stage.PREVIOUS);
              SecretTable.moveStage(connection, name, Stage.CURRENT, Stage.PREVIOUS);
              SecretTable.insertVersion(connection, sealed(name, next, Stage.CURRENT, value, now));
              return next;
            });
    record(caller, "secret.write", name, Outcome.SUCCESS, "version " + version);
    return info(name).orElseThrow();
  }

  private SecretTable.Row sealed(
      String name, long version, Stage stage, SecretValue value, Instant now) {
    return new SecretTable.Row(
        name,
        version,
        stage,
        now,
        envelope.seal(
            value.reveal().getBytes(StandardCharsets.UTF_8),
            Envelope.associatedData(name, version)));
  }

  /** Every secret, by name, without values. */
  public List<SecretInfo> list() {
    return table.infos(null);
  }

  /** The secret, without its value, if it exists. */
  public Optional<SecretInfo> info(String name) {
    List<SecretInfo> infos = table.infos(name);
    return infos.isEmpty() ? Optional.empty() : Optional.of(infos.get(0));
  }

  /**
   * The current value of {@code name}, audited as {@code secret.read}.
   *
   * @throws NotFoundException if there is no such secret
   */
  public SecretValue current(String name, Caller caller) {
    Optional<SecretValue> value = value(name, Stage.CURRENT);
    record(caller, "secret.read", name, value.isPresent() ? Outcome.SUCCESS : Outcome.FAILURE, "");
    return value.orElseThrow(() -> new NotFoundException("secret", name));
  }

  /**
   * Whether {@code candidate} is the current or the previous value of {@code name} (both work
   * during a rotation window), audited as {@code secret.check}; false if there is no such secret.
   */
  public boolean matches(String name, String candidate, Caller caller) {
    boolean matched = false;
    for (SecretTable.Row row : table.versions(name)) {
      if (row.stage() != Stage.PENDING && open(row).matches(candidate)) {
        matched = true;
        break;
      }
    }
    record(
        caller,
        "secret.check",
        name,
        matched ? Outcome.SUCCESS : Outcome.FAILURE,
        matched ? "" : "no match");
    return matched;
  }

  /** Deletes the secret and all its versions; whether it existed. */
  public synchronized boolean delete(String name, Caller caller) {
    boolean deleted = table.delete(name);
    record(caller, "secret.delete", name, deleted ? Outcome.SUCCESS : Outcome.FAILURE, "");
    return deleted;
  }

  /**
   * Sets the rotation schedule of {@code name} (empty: no scheduled rotation); the first rotation
   * is due one period from now.
   *
   * @throws NotFoundException if there is no such secret
   */
  public synchronized SecretInfo schedule(
      String name, Optional<RotationSchedule> schedule, Caller caller) {
    RotationSchedule rotation = schedule.orElse(null);
    Instant next = rotation == null ? null : clock.instant().plus(rotation.every());
    if (!table.setRotation(name, rotation, next)) {
      throw new NotFoundException("secret", name);
    }
    record(
        caller,
        "secret.schedule",
        name,
        Outcome.SUCCESS,
        rotation == null ? "none" : "every " + rotation.every() + " by " + rotation.rotator());
    return info(name).orElseThrow();
  }

  /** The value of {@code name} in {@code stage}, if any; not audited (callers audit). */
  Optional<SecretValue> value(String name, Stage stage) {
    return table.versions(name).stream()
        .filter(row -> row.stage() == stage)
        .findFirst()
        .map(this::open);
  }

  private SecretValue open(SecretTable.Row row) {
    try {
      return SecretValue.of(
          new String(
              envelope.open(row.sealed(), Envelope.associatedData(row.name(), row.version())),
              StandardCharsets.UTF_8));
    } catch (AEADBadTagException e) {
      throw wrongKey("version " + row.version() + " of secret '" + row.name() + "'");
    }
  }

  /**
   * Step 1 of a rotation: stores {@code value} as the pending version.
   *
   * @return its version number
   */
  synchronized long createPending(String name, SecretValue value) {
    Instant now = clock.instant();
    return table.inTransaction(
        "create a pending version of secret " + name,
        connection -> {
          long next = SecretTable.nextVersion(connection, name, now);
          SecretTable.deleteStage(connection, name, Stage.PENDING);
          SecretTable.insertVersion(connection, sealed(name, next, Stage.PENDING, value, now));
          return next;
        });
  }

  /**
   * Step 4 of a rotation: the pending version becomes current, the current one previous, the
   * previous one is destroyed.
   *
   * @throws IllegalStateException if there is no pending version
   */
  synchronized long promote(String name) {
    long version =
        table.versions(name).stream()
            .filter(row -> row.stage() == Stage.PENDING)
            .findFirst()
            .orElseThrow(
                () -> new IllegalStateException("Secret '" + name + "' has no pending version"))
            .version();
    table.inTransaction(
        "promote the pending version of secret " + name,
        connection -> {
          SecretTable.deleteStage(connection, name, Stage.PREVIOUS);
          SecretTable.moveStage(connection, name, Stage.CURRENT, Stage.PREVIOUS);
          SecretTable.moveStage(connection, name, Stage.PENDING, Stage.CURRENT);
          return null;
        });
    return version;
  }

  SecretTable table() {
    return table;
  }

  Clock clock() {
    return clock;
  }

  void record(Caller caller, String action, String name, Outcome outcome, String detail) {
    audit.record(AuditEvent.of(clock.instant(), caller, action, "secret:" + name, outcome, detail));
  }
}
