package io.tributary.access.secrets;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What may be shown about a secret: its versions and stages, its rotation schedule and how the last
 * rotation ended. Never its value.
 *
 * @param name the secret's name
 * @param createdAt when it was first set
 * @param versions its versions, newest first
 * @param rotation its schedule, if it rotates on one
 * @param nextRotation when it rotates next, if scheduled
 * @param lastRotation how the last rotation (on demand or scheduled) ended, if any
 */
public record SecretInfo(
    String name,
    Instant createdAt,
    List<Version> versions,
    Optional<RotationSchedule> rotation,
    Optional<Instant> nextRotation,
    Optional<RotationOutcome> lastRotation) {
  public SecretInfo {
    Objects.requireNonNull(name, "name is null");
    Objects.requireNonNull(createdAt, "createdAt is null");
    versions = List.copyOf(versions);
    Objects.requireNonNull(rotation, "rotation is null");
    Objects.requireNonNull(nextRotation, "nextRotation is null");
    Objects.requireNonNull(lastRotation, "lastRotation is null");
  }

  /** The version in {@code stage}, if any. */
  public Optional<Version> version(Stage stage) {
    return versions.stream().filter(v -> v.stage() == stage).findFirst();
  }

  /** One version of a secret, without its value. */
  public record Version(long version, Stage stage, Instant createdAt) {
    public Version {
      Objects.requireNonNull(stage, "stage is null");
      Objects.requireNonNull(createdAt, "createdAt is null");
    }
  }

  /**
   * How a rotation ended.
   *
   * @param at when
   * @param succeeded whether the new version became current
   * @param detail the version made current, or the failed step and its reason
   */
  public record RotationOutcome(Instant at, boolean succeeded, String detail) {
    public RotationOutcome {
      Objects.requireNonNull(at, "at is null");
      Objects.requireNonNull(detail, "detail is null");
    }
  }
}
