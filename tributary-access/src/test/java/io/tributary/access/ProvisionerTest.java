package io.tributary.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvisionerTest {
  static final String FILE =
      """
      users:
        - name: ana
          password: "ana-password"
        - name: bo
      service-accounts:
        - name: loader
      groups:
        - name: analysts
          members: [ana, bo]
      roles:
        - name: readers
          members: [group:analysts]
      grants:
        - {principal: role:readers, privilege: read, resource: namespace:raw}
        - {principal: user:loader, privilege: ingest, resource: stream:app_events}
        - {principal: user:bo, privilege: write, resource: "table:raw.*"}
      """;

  @TempDir Path dir;
  Access access;
  Provisioner provisioner;

  @BeforeEach
  void setUp() {
    SecureRandom random = new SecureRandom();
    AccessTest.MutableClock clock = new AccessTest.MutableClock(Instant.EPOCH);
    access =
        new Access(
            AccessTest.store(dir),
            new PasswordHasher(AccessTest.CHEAP, random),
            new LoginLimiter(clock, 5, Duration.ofMinutes(1)),
            clock,
            random);
    access.ensureAdmin("admin-password", "admin-token-0123456789");
    provisioner = new Provisioner(access, resource -> !resource.name().startsWith("missing"));
  }

  @Test
  void planChangesNothingAndApplyTwiceLeavesAnEmptyPlan() {
    AccessSpec spec = AccessSpec.parse(FILE);
    AccessPlan plan = provisioner.plan(spec);
    assertThat(plan.changes())
        .extracting(Object::toString)
        .contains(
            "create user ana (human)",
            "create user loader (service)",
            "create grant role:readers read namespace:raw");
    assertThat(access.state().users()).containsOnlyKeys("admin");

    provisioner.apply(spec);
    assertThat(access.authenticatePassword("ana", "ana-password", "127.0.0.1").principals())
        .contains(Principal.group("analysts"), Principal.role("readers"));
    assertThat(provisioner.plan(spec).isEmpty()).isTrue();
    assertThat(provisioner.apply(spec).changes()).isEmpty();
  }

  @Test
  void whatTheFileNoLongerNamesIsRemovedButTheAdminStays() {
    provisioner.apply(AccessSpec.parse(FILE));
    Access.IssuedToken token = access.issueToken("bo", Set.of(), java.util.Optional.empty());
    AccessSpec smaller =
        AccessSpec.parse(
            """
            users: [{name: ana, password: "new-password"}]
            groups: [{name: analysts, members: [ana]}]
            """);
    assertThat(provisioner.plan(smaller).changes())
        .extracting(Object::toString)
        .contains(
            "change user ana (password)",
            "change group analysts (members [ana])",
            "remove user bo (its tokens are revoked)",
            "remove role readers",
            "remove grant user:bo write table:raw.*");
    provisioner.apply(smaller);
    assertThat(access.state().users()).containsOnlyKeys("admin", "ana");
    assertThat(access.state().grants())
        .extracting(Object::toString)
        .containsExactly("user:admin admin platform");
    assertThatThrownBy(() -> access.authenticateToken(token.secret()))
        .hasMessageContaining("revoked");
    assertThat(provisioner.plan(smaller).isEmpty()).isTrue();
  }

  @Test
  void unknownNamesAreRefusedAtPlanTime() {
    assertThatThrownBy(
            () ->
                provisioner.plan(
                    AccessSpec.parse(
                        "grants: [{principal: user:nobody, privilege: read, resource: namespace:raw}]")))
        .hasMessageContaining("Unknown user 'nobody' in grant user:nobody read namespace:raw");
    assertThatThrownBy(
            () ->
                provisioner.plan(
                    AccessSpec.parse(
                        "users: [{name: ana}]\n"
                            + "grants: [{principal: user:ana, privilege: read, resource: table:missing.t}]")))
        .hasMessageContaining("Unknown table 'missing.t'");
    assertThatThrownBy(
            () -> provisioner.plan(AccessSpec.parse("groups: [{name: g, members: [x]}]")))
        .hasMessageContaining("Unknown user 'x' in group g");
  }

  @Test
  void malformedFilesAreRefusedNamingTheKey() {
    assertThatThrownBy(() -> AccessSpec.parse("userz: []"))
        .hasMessageContaining("Unknown key 'userz'");
    assertThatThrownBy(() -> AccessSpec.parse("users: [{name: a}, {name: a}]"))
        .hasMessageContaining("Duplicate user 'a'");
    assertThatThrownBy(() -> AccessSpec.parse("users: [{name: a, password: short}]"))
        .hasMessageContaining("at least 8 characters");
  }
}
