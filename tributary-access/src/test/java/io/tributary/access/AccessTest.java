package io.tributary.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.ErrorCode;
import io.tributary.core.OverloadedException;
import io.tributary.core.TributaryException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessTest {
  static final PasswordHasher.Cost CHEAP = new PasswordHasher.Cost(64, 1, 4096);
  @TempDir Path dir;
  MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  Access access;

  static AccessStore store(Path dir) {
    String url = "jdbc:sqlite:" + dir.resolve("catalog.db");
    return new AccessStore(
        () -> {
          try {
            return DriverManager.getConnection(url);
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @BeforeEach
  void setUp() {
    access = open();
  }

  Access open() {
    SecureRandom random = new SecureRandom();
    return new Access(
        store(dir),
        new PasswordHasher(CHEAP, random),
        new LoginLimiter(clock, 3, Duration.ofMinutes(5)),
        clock,
        random);
  }

  static ErrorCode code(Throwable e) {
    return ((TributaryException) e).errorCode();
  }

  @Test
  void passwordsAreStoredAsArgon2idAndScramAndAuthenticate() {
    access.putUser("ana", User.Kind.HUMAN, Optional.of("correct horse"));
    StoredPassword stored = access.state().user("ana").orElseThrow().password().orElseThrow();
    assertThat(stored.argon2()).startsWith("$argon2id$").doesNotContain("correct horse");
    assertThat(stored.scram().matches("correct horse")).isTrue();
    assertThat(stored.scram().matches("wrong horse")).isFalse();
    assertThat(ScramVerifier.parse(stored.scram().encoded())).isEqualTo(stored.scram());

    assertThat(access.authenticatePassword("ana", "correct horse", "10.0.0.1").user())
        .isEqualTo("ana");
    assertThatThrownBy(() -> access.authenticatePassword("ana", "wrong horse", "10.0.0.1"))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.UNAUTHENTICATED));
    assertThat(open().state().user("ana")).isPresent(); // persisted
  }

  /** Records what a listener is told, as the Kafka mirror would see it. */
  static final class RecordingListener implements AccessListener {
    final java.util.List<AccessState> states = new java.util.ArrayList<>();
    final java.util.List<String> passwords = new java.util.ArrayList<>();

    @Override
    public void changed(AccessState state) {
      states.add(state);
    }

    @Override
    public void passwordSet(String user, String password) {
      passwords.add(user + "=" + password);
    }
  }

  @Test
  void listenersHearTheStateAtOnceEachChangeAndEachPasswordInClear() {
    RecordingListener listener = new RecordingListener();
    access.addListener(listener);
    assertThat(listener.states).hasSize(1);

    String generated = access.putUser("ana", User.Kind.HUMAN, Optional.empty());
    assertThat(listener.passwords).containsExactly("ana=" + generated);
    assertThat(listener.states.get(listener.states.size() - 1).users()).containsKey("ana");

    int before = listener.states.size();
    access.grant(Grant.parse("user:ana", "ingest", "stream:orders"));
    assertThat(listener.states).hasSize(before + 1);
    access.issueToken("ana", Set.of(), Optional.empty());
    assertThat(listener.states).as("a token changes no user, group or grant").hasSize(before + 1);

    access.removeUser("ana");
    assertThat(listener.states.get(listener.states.size() - 1).users()).doesNotContainKey("ana");
    assertThat(listener.passwords).hasSize(1);
  }

  @Test
  void aRotatedPasswordKeepsTheReplacedOneValidUntilTheNextRotation() {
    access.putUser("svc", User.Kind.SERVICE, Optional.of("password-one"));
    access.rotatePassword("svc", "password-two");
    access.rotatePassword("svc", "password-two"); // a resumed step: nothing changes
    assertThat(access.authenticatePassword("svc", "password-one", "10.0.0.1").user())
        .isEqualTo("svc");
    assertThat(access.authenticatePassword("svc", "password-two", "10.0.0.1").user())
        .isEqualTo("svc");
    assertThat(
            access
                .state()
                .user("svc")
                .orElseThrow()
                .password()
                .orElseThrow()
                .scram()
                .matches("password-two"))
        .isTrue();

    // the window survives a restart: the replaced password is stored, not held in memory
    Access reopened = open();
    assertThat(reopened.authenticatePassword("svc", "password-one", "10.0.0.1").user())
        .isEqualTo("svc");

    access.rotatePassword("svc", "password-three");
    assertThat(access.authenticatePassword("svc", "password-two", "10.0.0.1").user())
        .isEqualTo("svc");
    assertThatThrownBy(() -> access.authenticatePassword("svc", "password-one", "10.0.0.1"))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.UNAUTHENTICATED));

    access.putUser("svc", User.Kind.SERVICE, Optional.of("password-four"));
    assertThatThrownBy(() -> access.authenticatePassword("svc", "password-three", "10.0.0.2"))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.UNAUTHENTICATED));
    assertThatThrownBy(() -> access.rotatePassword("nobody", "password-five"))
        .isInstanceOf(io.tributary.core.NotFoundException.class);
  }

  @Test
  void aRotationKeepsTheScramSaltSoOneExchangeChecksTheCurrentAndThePreviousPassword() {
    access.putUser("svc", User.Kind.SERVICE, Optional.of("password-one"));
    ScramVerifier first = access.state().user("svc").orElseThrow().scramVerifiers().get(0);
    access.rotatePassword("svc", "password-two");

    java.util.List<ScramVerifier> verifiers =
        open().state().user("svc").orElseThrow().scramVerifiers();
    assertThat(verifiers).hasSize(2);
    assertThat(verifiers.get(0).matches("password-two")).isTrue();
    assertThat(verifiers.get(1)).isEqualTo(first);
    assertThat(verifiers)
        .allSatisfy(
            verifier -> {
              assertThat(verifier.salt()).isEqualTo(first.salt());
              assertThat(verifier.iterations()).isEqualTo(first.iterations());
            });

    access.rotatePassword("svc", "password-three");
    assertThat(access.state().user("svc").orElseThrow().scramVerifiers())
        .extracting(verifier -> verifier.matches("password-one"))
        .containsExactly(false, false);
    access.putUser("svc", User.Kind.SERVICE, Optional.of("password-four"));
    assertThat(access.state().user("svc").orElseThrow().scramVerifiers()).hasSize(1);
  }

  @Test
  void anAccessTableOfAnEarlierVersionGainsThePreviousPasswordColumns() throws SQLException {
    try (java.sql.Connection connection =
            DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("old.db"));
        java.sql.Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE access_users (name VARCHAR(63) NOT NULL PRIMARY KEY,"
              + " kind VARCHAR(16) NOT NULL, argon2 VARCHAR(255), scram VARCHAR(255),"
              + " expires_ms BIGINT)");
    }
    AccessStore old =
        new AccessStore(
            () -> {
              try {
                return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("old.db"));
              } catch (SQLException e) {
                throw new IllegalStateException(e);
              }
            });
    Access upgraded =
        new Access(
            old,
            new PasswordHasher(CHEAP, new SecureRandom()),
            new LoginLimiter(clock, 3, Duration.ofMinutes(5)),
            clock,
            new SecureRandom());
    upgraded.putUser("svc", User.Kind.SERVICE, Optional.of("password-one"));
    upgraded.rotatePassword("svc", "password-two");
    assertThat(old.load().user("svc").orElseThrow().previousPassword()).isPresent();
  }

  @Test
  void failedLoginsAreLimitedPerUserAndAddress() {
    access.putUser("ana", User.Kind.HUMAN, Optional.of("correct horse"));
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> access.authenticatePassword("ana", "guess", "10.0.0.9"))
          .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.UNAUTHENTICATED));
    }
    assertThatThrownBy(() -> access.authenticatePassword("ana", "correct horse", "10.0.0.9"))
        .isInstanceOf(OverloadedException.class)
        .hasMessageContaining("ana from 10.0.0.9");
    assertThat(access.authenticatePassword("ana", "correct horse", "10.0.0.1").user())
        .isEqualTo("ana");
    clock.advance(Duration.ofMinutes(5));
    assertThat(access.authenticatePassword("ana", "correct horse", "10.0.0.9").user())
        .isEqualTo("ana");
  }

  @Test
  void tokensAuthenticateUntilExpiredOrRevokedAndRemovingTheUserRevokesThem() {
    access.putUserWithoutPassword("loader", User.Kind.SERVICE);
    Access.IssuedToken lasting = access.issueToken("loader", Set.of(), Optional.empty());
    Access.IssuedToken brief =
        access.issueToken("loader", Set.of("ingest"), Optional.of(Duration.ofMinutes(1)));
    assertThat(access.state().tokensOf("loader"))
        .allSatisfy(t -> assertThat(t.secretHash()).isNotIn(lasting.secret(), brief.secret()));
    assertThat(access.authenticateToken(lasting.secret()).scopes()).containsExactly("all");
    assertThat(access.authenticateToken(brief.secret()).scopes()).containsExactly("ingest");

    clock.advance(Duration.ofMinutes(1));
    assertThatThrownBy(() -> access.authenticateToken(brief.secret()))
        .hasMessageContaining("expired");
    access.removeUser("loader");
    assertThatThrownBy(() -> access.authenticateToken(lasting.secret()))
        .hasMessageContaining("revoked");
    assertThatThrownBy(() -> access.authenticateToken("trb_nonsense"))
        .hasMessageContaining("unknown token");
  }

  @Test
  void grantsReachUsersThroughGroupsAndRoles() {
    access.putUser("ana", User.Kind.HUMAN, Optional.of("password1"));
    access.putUser("bo", User.Kind.HUMAN, Optional.of("password2"));
    access.putGroup("analysts", Set.of("ana"));
    access.putRole("readers", Set.of(Principal.group("analysts")));
    access.grant(Grant.parse("role:readers", "read", "namespace:raw"));
    access.grant(Grant.parse("user:bo", "ingest", "stream:app_events"));
    Identity ana = access.identityOf("ana");
    Identity bo = access.identityOf("bo");
    Authorizer authorizer = access.authorizer();
    Resource events = Resource.parse("table:raw.app_events");
    assertThat(authorizer.allows(ana, Privilege.READ, events)).isTrue();
    assertThat(authorizer.allows(bo, Privilege.READ, events)).isFalse();
    assertThat(authorizer.allows(bo, Privilege.INGEST, Resource.parse("stream:app_events")))
        .isTrue();
    assertThatThrownBy(() -> authorizer.require(bo, Privilege.READ, events))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.FORBIDDEN))
        .hasMessageContaining("'read' privilege on table:raw.app_events");
    assertThat(
            authorizer.visible(
                ana,
                Privilege.READ,
                java.util.List.of(events, Resource.parse("table:curated.daily"))))
        .containsExactly(events);
  }

  @Test
  void aTokenScopedElsewhereIsRefused() {
    access.putUserWithoutPassword("loader", User.Kind.SERVICE);
    access.grant(Grant.parse("user:loader", "manage", "namespace:raw"));
    Access.IssuedToken token = access.issueToken("loader", Set.of("ingest"), Optional.empty());
    Identity identity = access.authenticateToken(token.secret());
    assertThat(access.authorizer().allows(identity, Privilege.READ, Resource.parse("table:raw.t")))
        .isFalse();
  }

  @Test
  void aGrantOrMembershipNamingAnUnknownPrincipalIsRefused() {
    assertThatThrownBy(() -> access.grant(Grant.parse("user:nobody", "read", "namespace:raw")))
        .hasMessageContaining("Unknown user 'nobody'");
    assertThatThrownBy(() -> access.putGroup("g", Set.of("nobody")))
        .hasMessageContaining("Unknown user 'nobody' in group g");
  }

  @Test
  void temporaryCredentialsCarryTheOwnersGrantsAndExpire() {
    access.ensureAdmin("admin-password", "admin-token-0123456789");
    assertThatThrownBy(() -> access.temporaryCredentials("admin", Duration.ofMinutes(5)))
        .hasMessageContaining("15 to 60 minutes");
    Access.TemporaryCredentials temporary =
        access.temporaryCredentials("admin", Duration.ofMinutes(15));
    Identity identity =
        access.authenticatePassword(temporary.user(), temporary.password(), "127.0.0.1");
    assertThat(access.authorizer().isAdmin(identity)).isTrue();
    clock.advance(Duration.ofMinutes(15));
    assertThatThrownBy(
            () -> access.authenticatePassword(temporary.user(), temporary.password(), "127.0.0.1"))
        .hasMessageContaining("wrong user or password");
    assertThat(access.removeExpired()).isEqualTo(1);
    assertThat(access.state().user(temporary.user())).isEmpty();
  }

  @Test
  void endedTokensAnswerWhyForADayThenTheSweepDeletesThem() {
    access.ensureAdmin("admin-password", "admin-token-0123456789");
    Access.IssuedToken hourly =
        access.issueToken("admin", Set.of(), Optional.of(Duration.ofHours(1)));
    clock.advance(Duration.ofHours(2));
    assertThatThrownBy(() -> access.authenticateToken(hourly.secret()))
        .hasMessageContaining("expired");
    access.removeExpired();
    assertThatThrownBy(() -> access.authenticateToken(hourly.secret()))
        .hasMessageContaining("expired");
    clock.advance(Access.ENDED_TOKENS_KEPT);
    access.removeExpired();
    assertThat(access.state().tokensByHash().values())
        .noneMatch(token -> token.id().equals(hourly.id()));
    assertThat(access.authenticateToken("admin-token-0123456789").user()).isEqualTo("admin");
  }

  @Test
  void ensureAdminIsIdempotentAndTheAdminCannotBeRemoved() {
    access.ensureAdmin("admin-password", "admin-token-0123456789");
    access.ensureAdmin("admin-password", "admin-token-0123456789");
    assertThat(access.state().tokensOf("admin")).hasSize(1);
    Identity admin = access.authenticateToken("admin-token-0123456789");
    assertThat(access.authorizer().isAdmin(admin)).isTrue();
    assertThatThrownBy(() -> access.removeUser("admin")).hasMessageContaining("Cannot remove");
  }

  /** A clock the test moves. */
  static final class MutableClock extends java.time.Clock {
    private Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void theCredentialStampChangesWhenThePasswordIsSet() {
    assertThat(access.credentialStamp("nobody")).isEmpty();
    access.putUser("ana", User.Kind.HUMAN, Optional.of("correct horse"));
    String first = access.credentialStamp("ana");
    assertThat(first).hasSize(64).isEqualTo(access.credentialStamp("ana"));
    access.rotatePassword("ana", "correct horse"); // the same password: nothing changes
    assertThat(access.credentialStamp("ana")).isEqualTo(first);
    access.rotatePassword("ana", "battery staple");
    assertThat(access.credentialStamp("ana")).hasSize(64).isNotEqualTo(first);
    access.putUserWithoutPassword("bob", User.Kind.SERVICE);
    assertThat(access.credentialStamp("bob")).isEmpty();
  }
}
