package io.tributary.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two access services on one metadata database, as two nodes: each sees the other's changes. */
class AccessRefreshTest {
  @TempDir Path dir;
  final AccessTest.MutableClock clock =
      new AccessTest.MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  private Access node() {
    SecureRandom random = new SecureRandom();
    return new Access(
        AccessTest.store(dir),
        new PasswordHasher(AccessTest.CHEAP, random),
        new LoginLimiter(clock, 3, Duration.ofMinutes(5)),
        clock,
        random);
  }

  @Test
  void aNodeSeesAnotherNodesChangesOnlyAfterItRefreshes() {
    Access a = node();
    Access b = node();
    a.putUser("ana", User.Kind.HUMAN, Optional.of("ana-pass-1"));
    Grant read = Grant.parse("user:ana", "read", "table:raw.events");
    a.grant(read);
    assertThat(b.state().user("ana")).as("b's snapshot is stale until it refreshes").isEmpty();

    assertThat(b.refresh()).isTrue();
    assertThat(b.refresh()).as("nothing changed since").isFalse();
    Identity ana = b.identityOf("ana");
    assertThat(b.authorizer().allows(ana, Privilege.READ, Resource.parse("table:raw.events")))
        .isTrue();
    String token = a.issueToken("ana", Set.of(), Optional.empty()).secret();
    assertThat(b.refresh()).isTrue();
    assertThat(b.authenticateToken(token).user()).isEqualTo("ana");

    a.revoke(read);
    a.removeUser("ana");
    assertThat(b.refresh()).isTrue();
    assertThat(b.authorizer().allows(ana, Privilege.READ, Resource.parse("table:raw.events")))
        .isFalse();
    assertThatThrownBy(() -> b.authenticateToken(token)).hasMessageContaining("Not authenticated");
    assertThatThrownBy(() -> b.authenticatePassword("ana", "ana-pass-1", "10.0.0.1"))
        .hasMessageContaining("Not authenticated");
  }

  @Test
  void aRefreshThatLoadsAChangeTellsTheListeners() {
    Access a = node();
    Access b = node();
    AccessTest.RecordingListener listener = new AccessTest.RecordingListener();
    b.addListener(listener);
    a.putUser("bob", User.Kind.SERVICE, Optional.of("bob-pass-1"));
    b.refresh();
    assertThat(listener.states.get(listener.states.size() - 1).users()).containsKey("bob");
    a.removeUser("bob");
    b.refresh();
    assertThat(listener.states.get(listener.states.size() - 1).users()).doesNotContainKey("bob");
  }
}
