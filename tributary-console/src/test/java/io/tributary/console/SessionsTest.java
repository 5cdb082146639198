package io.tributary.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's sessions in a real (SQLite) metadata database; two stores stand for two nodes. */
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

  private static final Sessions.Settings SETTINGS =
      new Sessions.Settings(Duration.ofMinutes(30), Duration.ofHours(2), 3);

  @TempDir Path dir;
  private final TestClock clock = new TestClock();
  private Supplier<Connection> db;
  private Sessions sessions;

  @BeforeEach
  void open() {
    String uri = "jdbc:sqlite:" + dir.resolve("metadata.db");
    db =
        () -> {
          try {
            return DriverManager.getConnection(uri);
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        };
    sessions = new Sessions(db, SETTINGS, clock, new Random(7));
  }

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
  void anotherNodeSharingTheDatabaseAcceptsTheSessionAndSeesItsLogout() {
    Sessions other = new Sessions(db, SETTINGS, clock, new Random(8));
    Sessions.Session ann = sessions.create("ann", "stamp-1");
    assertThat(other.find(ann.id()))
        .hasValueSatisfying(
            found -> {
              assertThat(found.user()).isEqualTo("ann");
              assertThat(found.credential()).isEqualTo("stamp-1");
              assertThat(found.csrfToken()).isEqualTo(ann.csrfToken());
            });
    // used on the other node only: its last use is shared, so it stays alive here too
    clock.advance(Duration.ofMinutes(20));
    assertThat(other.find(ann.id())).isPresent();
    clock.advance(Duration.ofMinutes(20));
    assertThat(sessions.find(ann.id())).isPresent();
    other.remove(ann.id());
    assertThat(sessions.find(ann.id())).isEmpty();
  }

  @Test
  void onlyTheHashOfTheIdIsStoredAndNoCsrfToken() throws SQLException {
    Sessions.Session ann = sessions.create("ann", "stamp-1");
    try (Connection connection = db.get();
        PreparedStatement select = connection.prepareStatement("SELECT * FROM console_sessions");
        ResultSet rows = select.executeQuery()) {
      assertThat(rows.next()).isTrue();
      for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
        String value = rows.getString(i);
        assertThat(value).isNotEqualTo(ann.id()).isNotEqualTo(ann.csrfToken());
      }
    }
  }

  @Test
  void aChangedCredentialEndsTheSessionsBegunWithTheOldOne() {
    Sessions.Session before = sessions.create("ann", "old");
    Sessions.Session after = sessions.create("ann", "new");
    Sessions.Session bob = sessions.create("bob", "old");
    assertThat(sessions.removeUserExcept("ann", "new")).isEqualTo(1);
    assertThat(sessions.find(before.id())).isEmpty();
    assertThat(sessions.find(after.id())).isPresent();
    assertThat(sessions.find(bob.id())).isPresent();
    assertThat(sessions.retainUsers(Set.of("ann")::contains)).isEqualTo(1);
    assertThat(sessions.find(bob.id())).isEmpty();
    assertThat(sessions.find(after.id())).isPresent();
  }

  @Test
  void expiredRowsAreDeleted() {
    sessions.create("ann");
    sessions.create("bob");
    clock.advance(Duration.ofMinutes(31));
    Sessions.Session fresh = sessions.create("cid"); // a login deletes the expired rows
    assertThat(sessions.size()).isEqualTo(1);
    assertThat(sessions.find(fresh.id())).isPresent();
    clock.advance(Duration.ofHours(3));
    assertThat(sessions.removeExpired()).isEqualTo(1);
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
  void theUsersOldestSessionEndsWhenItsLimitIsReached() {
    Sessions.Session first = sessions.create("a");
    clock.advance(Duration.ofSeconds(1));
    Sessions.Session second = sessions.create("a");
    clock.advance(Duration.ofSeconds(1));
    Sessions.Session other = sessions.create("b");
    sessions.create("a");
    clock.advance(Duration.ofSeconds(1));
    sessions.create("a");
    assertThat(sessions.size()).isEqualTo(4);
    assertThat(sessions.find(first.id())).isEmpty();
    assertThat(sessions.find(second.id())).isPresent();
    assertThat(sessions.find(other.id())).isPresent();
  }

  @Test
  void settingsAreValidated() {
    assertThatThrownBy(() -> new Sessions.Settings(Duration.ofSeconds(5), Duration.ofHours(1), 10))
        .hasMessageContaining("idle timeout: PT5S");
    assertThatThrownBy(() -> new Sessions.Settings(Duration.ofHours(2), Duration.ofHours(1), 10))
        .hasMessageContaining("lifetime: PT1H");
    assertThatThrownBy(() -> new Sessions.Settings(Duration.ofHours(1), Duration.ofHours(2), 0))
        .hasMessageContaining("session limit per user: 0");
    assertThat(Sessions.Settings.DEFAULTS.idle()).isEqualTo(Duration.ofMinutes(30));
    assertThat(Sessions.Settings.DEFAULTS.absolute()).isEqualTo(Duration.ofHours(12));
    assertThat(Sessions.Settings.DEFAULTS.maxPerUser()).isEqualTo(10);
    assertThat(SETTINGS.touchInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(new Sessions.Settings(Duration.ofMinutes(1), Duration.ofHours(1), 1).touchInterval())
        .isEqualTo(Duration.ofSeconds(2));
  }
}
