package io.tributary.access.secrets;

import io.tributary.access.audit.AuditEvent.Outcome;
import io.tributary.access.audit.Caller;
import io.tributary.core.ErrorCode;
import io.tributary.core.NotFoundException;
import io.tributary.core.RetriableException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotates secrets, on demand ({@link #rotate}) and on their {@link RotationSchedule}s (a thread
 * that looks for due rotations every tick, by the store's clock): create a pending version, set it
 * in the target system, test it, make it current. A failed step leaves the current version
 * untouched, records the failure (in the secret's {@link SecretInfo#lastRotation} and the audit
 * log) and schedules a retry after the schedule's {@link RotationSchedule#retryAfter}; the retry
 * resumes with the same pending version. One rotation runs at a time. Closing stops the thread.
 */
public final class Rotations implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Rotations.class);

  private final SecretStore store;
  private final Map<String, Rotator> rotators;
  private final ScheduledExecutorService scheduler;

  /**
   * Starts looking for due rotations every {@code tick}.
   *
   * @param rotators by the name a {@link RotationSchedule} gives; secrets without a schedule rotate
   *     with {@value GeneratedPasswordRotator#NAME}
   */
  public Rotations(SecretStore store, Map<String, Rotator> rotators, Duration tick) {
    this.store = Objects.requireNonNull(store, "store is null");
    this.rotators = Map.copyOf(rotators);
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "secret-rotations");
              thread.setDaemon(true);
              return thread;
            });
    scheduler.scheduleWithFixedDelay(
        this::rotateDueQuietly, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The names of the rotators secrets may use. */
  public Set<String> rotatorNames() {
    return rotators.keySet();
  }

  private void rotateDueQuietly() {
    try {
      rotateDue();
    } catch (RuntimeException e) {
      LOG.warn("Scheduled secret rotations failed: {}", e.toString());
    }
  }

  /** Rotates every secret whose scheduled rotation is due; failures are recorded, not thrown. */
  void rotateDue() {
    for (String name : store.table().due(store.clock().instant())) {
      try {
        rotate(name, Caller.PLATFORM);
      } catch (RetriableException | NotFoundException e) {
        LOG.warn("{}", e.getMessage());
      }
    }
  }

  /**
   * Rotates {@code name} now, in four steps.
   *
   * @return the secret after the rotation
   * @throws NotFoundException if there is no such secret
   * @throws RetriableException ({@code rotation_failed}) naming the failed step; the current
   *     version is untouched
   */
  public synchronized SecretInfo rotate(String name, Caller caller) {
    SecretInfo info = store.info(name).orElseThrow(() -> new NotFoundException("secret", name));
    Optional<RotationSchedule> schedule = info.rotation();
    String rotatorName =
        schedule.map(RotationSchedule::rotator).orElse(GeneratedPasswordRotator.NAME);
    String step = "create";
    try {
      Rotator rotator = rotators.get(rotatorName);
      if (rotator == null) {
        throw new IllegalStateException(
            "no rotator named '" + rotatorName + "' (known: " + rotators.keySet() + ")");
      }
      SecretValue current =
          store
              .value(name, Stage.CURRENT)
              .orElseThrow(() -> new IllegalStateException("no current version"));
      Optional<SecretValue> resumed = store.value(name, Stage.PENDING);
      SecretValue pending = resumed.orElseGet(() -> rotator.create(name, current));
      long version =
          resumed.isPresent()
              ? info.version(Stage.PENDING).orElseThrow().version()
              : store.createPending(name, pending);
      step = "set";
      rotator.set(name, pending);
      step = "test";
      rotator.test(name, pending);
      step = "promote";
      store.promote(name);
      try {
        rotator.promoted(name, pending);
      } catch (RuntimeException e) {
        LOG.warn(
            "Secret '{}' is rotated but its users did not all switch: {}", name, e.getMessage());
      }
      Instant now = store.clock().instant();
      String detail = "version " + version + " is current";
      store
          .table()
          .recordRotation(
              name,
              new SecretInfo.RotationOutcome(now, true, detail),
              schedule.map(s -> now.plus(s.every())).orElse(null));
      store.record(caller, "secret.rotate", name, Outcome.SUCCESS, detail);
      LOG.info("Rotated secret '{}': {}", name, detail);
      return store.info(name).orElseThrow();
    } catch (RuntimeException e) {
      Instant now = store.clock().instant();
      String detail = "step " + step + " failed: " + e.getMessage();
      store
          .table()
          .recordRotation(
              name,
              new SecretInfo.RotationOutcome(now, false, detail),
              schedule.map(s -> now.plus(s.retryAfter())).orElse(null));
      store.record(caller, "secret.rotate", name, Outcome.FAILURE, detail);
      String current =
          info.version(Stage.CURRENT)
              .map(v -> "version " + v.version())
              .orElse("the current version");
      throw new RetriableException(
          ErrorCode.ROTATION_FAILED,
          "Cannot rotate secret '"
              + name
              + "': "
              + detail
              + "; "
              + current
              + " is still current"
              + schedule.map(s -> ", retried in " + s.retryAfter()).orElse(""),
          e);
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    try {
      if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("Secret rotations did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
