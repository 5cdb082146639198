package io.tributary.access.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tributary.access.audit.AuditEvent;
import io.tributary.access.audit.AuditEvent.Outcome;
import io.tributary.access.audit.Caller;
import io.tributary.core.ErrorCode;
import io.tributary.core.NotFoundException;
import io.tributary.core.RetriableException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretRotationTest {
  private static final Caller ADMIN = new Caller("ana", "10.0.0.7");

  @TempDir Path dir;

  private final TestClock clock = new TestClock(Instant.parse("2026-12-01T00:00:00Z"));
  private final TestDb.RecordingSink audit = new TestDb.RecordingSink();
  private final FakeTarget target = new FakeTarget();
  private SecretStore store;
  private Rotations rotations;

  /** A target system that accepts the values it was given, and fails on demand. */
  static final class FakeTarget implements GeneratedPasswordRotator.Target {
    final List<String> set = new ArrayList<>();
    final List<String> promoted = new ArrayList<>();
    final AtomicBoolean failTest = new AtomicBoolean();

    @Override
    public synchronized void promoted(String name, SecretValue password) {
      promoted.add(password.reveal());
    }

    @Override
    public synchronized void set(String name, SecretValue password) {
      set.add(password.reveal());
    }

    @Override
    public void test(String name, SecretValue password) {
      if (failTest.get()) {
        throw new IllegalStateException("login as " + name + " refused by the target");
      }
    }
  }

  @BeforeEach
  void open() {
    SecureRandom random = new SecureRandom();
    store =
        SecretStore.open(
            TestDb.sqlite(dir), name -> null, dir.resolve("master.key"), clock, random, audit);
    rotations =
        new Rotations(
            store,
            Map.of(
                GeneratedPasswordRotator.NAME,
                new GeneratedPasswordRotator(new PasswordGenerator(random), target)),
            Duration.ofMillis(20));
  }

  @AfterEach
  void close() {
    rotations.close();
  }

  private List<Stage> stages(String name) {
    return store.info(name).orElseThrow().versions().stream()
        .map(SecretInfo.Version::stage)
        .toList();
  }

  @Test
  void settingAValueKeepsThePreviousOneAcceptedAndDestroysOlderOnes() {
    store.put("api_key", SecretValue.of("value-one"), ADMIN);
    store.put("api_key", SecretValue.of("value-two"), ADMIN);

    assertThat(stages("api_key")).containsExactly(Stage.CURRENT, Stage.PREVIOUS);
    assertThat(store.current("api_key", ADMIN).reveal()).isEqualTo("value-two");
    assertThat(store.matches("api_key", "value-one", ADMIN)).isTrue();
    assertThat(store.matches("api_key", "value-two", ADMIN)).isTrue();

    store.put("api_key", SecretValue.of("value-three"), ADMIN);
    assertThat(store.info("api_key").orElseThrow().versions())
        .extracting(SecretInfo.Version::version)
        .containsExactly(3L, 2L);
    assertThat(store.matches("api_key", "value-one", ADMIN)).isFalse();
    assertThat(store.matches("nope", "value-one", ADMIN)).isFalse();
  }

  @Test
  void aRotationMakesANewValueCurrentAndKeepsTheOldOneAsPrevious() {
    store.put("db_password", SecretValue.of("initial-password-0123"), ADMIN);

    SecretInfo rotated = rotations.rotate("db_password", ADMIN);

    String current = store.current("db_password", ADMIN).reveal();
    assertThat(current).isNotEqualTo("initial-password-0123").hasSize(21).matches("[A-Za-z0-9]+");
    assertThat(target.set).containsExactly(current);
    assertThat(target.promoted).as("told once it is current").containsExactly(current);
    assertThat(rotated.version(Stage.CURRENT).orElseThrow().version()).isEqualTo(2);
    assertThat(rotated.version(Stage.PREVIOUS).orElseThrow().version()).isEqualTo(1);
    assertThat(rotated.lastRotation().orElseThrow().succeeded()).isTrue();
    assertThat(store.matches("db_password", "initial-password-0123", ADMIN)).isTrue();
    assertThat(store.matches("db_password", current, ADMIN)).isTrue();
    assertThat(audit.events)
        .filteredOn(e -> e.action().equals("secret.rotate"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.outcome()).isEqualTo(Outcome.SUCCESS);
              assertThat(e.principal()).isEqualTo("ana");
              assertThat(e.clientAddress()).isEqualTo("10.0.0.7");
              assertThat(e.resource()).isEqualTo("secret:db_password");
            });
  }

  @Test
  void aFailingStepKeepsCurrentRecordsTheFailureAndTheRetryResumesWithThePendingValue() {
    store.put("db_password", SecretValue.of("initial-password-0123"), ADMIN);
    target.failTest.set(true);

    assertThatThrownBy(() -> rotations.rotate("db_password", ADMIN))
        .isInstanceOf(RetriableException.class)
        .satisfies(
            e ->
                assertThat(((RetriableException) e).errorCode())
                    .isEqualTo(ErrorCode.ROTATION_FAILED))
        .hasMessageContaining("Cannot rotate secret 'db_password': step test failed")
        .hasMessageContaining("version 1 is still current");

    assertThat(store.current("db_password", ADMIN).reveal()).isEqualTo("initial-password-0123");
    assertThat(target.promoted).as("a failed rotation promotes nothing").isEmpty();
    assertThat(stages("db_password")).containsExactly(Stage.PENDING, Stage.CURRENT);
    SecretInfo.RotationOutcome failed =
        store.info("db_password").orElseThrow().lastRotation().orElseThrow();
    assertThat(failed.succeeded()).isFalse();
    assertThat(failed.detail()).contains("step test failed: login as db_password refused");
    assertThat(audit.events)
        .filteredOn(e -> e.action().equals("secret.rotate"))
        .extracting(AuditEvent::outcome)
        .containsExactly(Outcome.FAILURE);
    String pending = target.set.get(0);
    assertThat(store.matches("db_password", pending, ADMIN)).isFalse();

    target.failTest.set(false);
    rotations.rotate("db_password", ADMIN);
    assertThat(target.set).containsExactly(pending, pending);
    assertThat(store.current("db_password", ADMIN).reveal()).isEqualTo(pending);
    assertThat(stages("db_password")).containsExactly(Stage.CURRENT, Stage.PREVIOUS);
  }

  @Test
  void scheduledRotationsRunWhenDueAndRetryAfterAFailure() {
    store.put("db_password", SecretValue.of("initial-password-0123"), ADMIN);
    store.schedule(
        "db_password",
        Optional.of(
            new RotationSchedule(
                Duration.ofHours(1), Duration.ofMinutes(5), GeneratedPasswordRotator.NAME)),
        ADMIN);
    target.failTest.set(true);

    clock.advance(Duration.ofMinutes(61));
    await().atMost(Duration.ofSeconds(10)).until(() -> lastRotation().isPresent());
    assertThat(lastRotation().orElseThrow().succeeded()).isFalse();
    assertThat(store.info("db_password").orElseThrow().nextRotation())
        .contains(clock.instant().plus(Duration.ofMinutes(5)));
    assertThat(store.current("db_password", ADMIN).reveal()).isEqualTo("initial-password-0123");

    target.failTest.set(false);
    clock.advance(Duration.ofMinutes(5));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> lastRotation().map(SecretInfo.RotationOutcome::succeeded).orElse(false));
    assertThat(store.current("db_password", ADMIN).reveal()).isNotEqualTo("initial-password-0123");
    assertThat(store.info("db_password").orElseThrow().nextRotation())
        .contains(clock.instant().plus(Duration.ofHours(1)));
    assertThat(audit.events)
        .filteredOn(e -> e.action().equals("secret.rotate"))
        .extracting(AuditEvent::principal)
        .containsOnly(Caller.PLATFORM.principal());
  }

  private Optional<SecretInfo.RotationOutcome> lastRotation() {
    return store.info("db_password").orElseThrow().lastRotation();
  }

  @Test
  void anUnknownSecretOrRotatorIsNamed() {
    assertThatThrownBy(() -> rotations.rotate("ghost", ADMIN))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("ghost");
    store.put("custom", SecretValue.of("value-one"), ADMIN);
    store.schedule(
        "custom",
        Optional.of(new RotationSchedule(Duration.ofHours(1), Duration.ofMinutes(1), "vault")),
        ADMIN);
    assertThatThrownBy(() -> rotations.rotate("custom", ADMIN))
        .hasMessageContaining("no rotator named 'vault'");
    assertThat(store.current("custom", ADMIN).reveal()).isEqualTo("value-one");
  }

  @Test
  void readsChecksAndChangesAreAudited() {
    store.put("k", SecretValue.of("value-one"), ADMIN);
    store.current("k", ADMIN);
    store.matches("k", "wrong", ADMIN);
    store.delete("k", ADMIN);

    assertThat(audit.events)
        .extracting(e -> e.action() + " " + e.outcome().label())
        .containsExactly(
            "secret.write success",
            "secret.read success",
            "secret.check failure",
            "secret.delete success");
    assertThat(audit.events).allSatisfy(e -> assertThat(e.toString()).doesNotContain("value-one"));
    assertThat(store.info("k")).isEmpty();
  }
}
