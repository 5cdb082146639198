package io.tributary.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SessionsTest {
  /** A clock the test moves. */
  static final class TestClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private final TestClock clock = new TestClock();
  private final Sessions sessions =
      new Sessions(
          new Sessions.Settings(Duration.ofMinutes(30), Duration.ofHours(2), 3),
          clock,
          new Random(7));

  @Test
  void aSessionIsFoundByItsIdAndCarriesItsOwnCsrfToken() {
    Sessions.Session one = sessions.create("ann");
    Sessions.Session two = sessions.create("bob");
    assertThat(sessions.find(one.id())).map(Sessions.Session::user).contains("ann");
    assertThat(one.csrfToken()).isNotEqualTo(two.csrfToken()).isNotEqualTo(one.id());
    assertThat(one.csrfMatches(one.csrfToken())).isTrue();
    assertThat(one.csrfMatches(two.csrfToken())).isFalse();
    assertThat(one.csrfMatches(null)).isFalse();
    assertThat(one.csrfMatches("")).isFalse();
    assertThat(sessions.find("unknown")).isEmpty();
    assertThat(sessions.find(null)).isEmpty();
    assertThat(one.toString()).doesNotContain(one.id()).doesNotContain(one.csrfToken());
  }

  @Test
  void anIdleSessionEndsAndUseKeepsItAlive() {
    Sessions.Session used = sessions.create("ann");
    Sessions.Session idle = sessions.create("bob");
    clock.advance(Duration.ofMinutes(20));
    assertThat(sessions.find(used.id())).isPresent();
    clock.advance(Duration.ofMinutes(15)); // 35 minutes after login, 15 after the last use
    assertThat(sessions.find(used.id())).isPresent();
    assertThat(sessions.find(idle.id())).isEmpty();
    clock.advance(Duration.ofMinutes(30)); // exactly the idle timeout: ended
    assertThat(sessions.find(used.id())).isEmpty();
    assertThat(sessions.size()).isZero();
  }

  @Test
  void aSessionEndsAtItsAbsoluteExpiryHoweverOftenItIsUsed() {
    Sessions.Session session = sessions.create("ann");
    for (int i = 0; i < 7; i++) {
      clock.advance(Duration.ofMinutes(17));
      assertThat(sessions.find(session.id())).as("after %d uses", i).isPresent();
    }
    clock.advance(Duration.ofMinutes(2)); // 121 minutes after login
    assertThat(sessions.find(session.id())).isEmpty();
  }

  @Test
  void logoutAndRemovingAUserEndTheirSessions() {
    Sessions.Session ann = sessions.create("ann");
    Sessions.Session ann2 = sessions.create("ann");
    Sessions.Session bob = sessions.create("bob");
    sessions.remove(ann.id());
    assertThat(sessions.find(ann.id())).isEmpty();
    assertThat(sessions.find(ann2.id())).isPresent();
    sessions.removeUser("ann");
    assertThat(sessions.find(ann2.id())).isEmpty();
    assertThat(sessions.find(bob.id())).isPresent();
  }

  @Test
  void theOldestSessionEndsWhenTheLimitIsReached() {
    Sessions.Session first = sessions.create("a");
    clock.advance(Duration.ofSeconds(1));
    Sessions.Session second = sessions.create("b");
    clock.advance(Duration.ofSeconds(1));
    sessions.create("c");
    clock.advance(Duration.ofSeconds(1));
    sessions.create("d");
    assertThat(sessions.size()).isEqualTo(3);
    assertThat(sessions.find(first.id())).isEmpty();
    assertThat(sessions.find(second.id())).isPresent();
  }

  @Test
  void settingsAreValidated() {
    assertThatThrownBy(() -> new Sessions.Settings(Duration.ofSeconds(5), Duration.ofHours(1), 10))
        .hasMessageContaining("idle timeout: PT5S");
    assertThatThrownBy(() -> new Sessions.Settings(Duration.ofHours(2), Duration.ofHours(1), 10))
        .hasMessageContaining("lifetime: PT1H");
    assertThatThrownBy(() -> new Sessions.Settings(Duration.ofHours(1), Duration.ofHours(2), 0))
        .hasMessageContaining("session limit: 0");
    assertThat(Sessions.Settings.DEFAULTS.idle()).isEqualTo(Duration.ofMinutes(30));
    assertThat(Sessions.Settings.DEFAULTS.absolute()).isEqualTo(Duration.ofHours(12));
    assertThat(Sessions.Settings.DEFAULTS.maxSessions()).isEqualTo(10_000);
  }
}
