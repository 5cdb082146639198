package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.access.AccessState;
import io.tributary.access.Grant;
import io.tributary.access.Principal;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.acl.AclBinding;
import org.junit.jupiter.api.Test;

class KafkaAccessTest {
  private static AccessState state(Set<Grant> grants) {
    return new AccessState(
        Map.of(),
        Map.of("ops", Set.of("bo", "cy")),
        Map.of("loaders", Set.of(Principal.user("di"), Principal.group("ops"))),
        grants,
        Map.of());
  }

  private static Set<String> described(Set<AclBinding> acls) {
    return acls.stream()
        .map(
            acl ->
                acl.entry().principal()
                    + " "
                    + acl.entry().operation()
                    + " "
                    + acl.pattern().resourceType()
                    + ":"
                    + acl.pattern().name())
        .collect(java.util.stream.Collectors.toSet());
  }

  @Test
  void aUsersKafkaCredentialIsItsStoredVerifierUntilItExpires() {
    io.tributary.access.StoredPassword password =
        new io.tributary.access.PasswordHasher(
                new io.tributary.access.PasswordHasher.Cost(64, 1, 4096),
                new java.security.SecureRandom())
            .hash("temporary-password");
    java.time.Instant until = java.time.Instant.parse("2026-01-01T00:15:00Z");
    AccessState state =
        new AccessState(
            Map.of(
                "tmp_a",
                new io.tributary.access.User(
                    "tmp_a",
                    io.tributary.access.User.Kind.SERVICE,
                    java.util.Optional.of(password),
                    java.util.Optional.of(until)),
                "tokens_only",
                new io.tributary.access.User(
                    "tokens_only",
                    io.tributary.access.User.Kind.SERVICE,
                    java.util.Optional.empty(),
                    java.util.Optional.empty())),
            Map.of(),
            Map.of(),
            Set.of(),
            Map.of());
    org.apache.kafka.common.security.scram.ScramCredential credential =
        KafkaAccess.credential(state, "tmp_a", until.minusSeconds(1)).get(0);
    assertThat(credential.salt()).isEqualTo(password.scram().saltBytes());
    assertThat(credential.iterations()).isEqualTo(password.scram().iterations());
    assertThat(java.util.Base64.getEncoder().encodeToString(credential.storedKey()))
        .isEqualTo(password.scram().storedKey());
    assertThat(java.util.Base64.getEncoder().encodeToString(credential.serverKey()))
        .isEqualTo(password.scram().serverKey());
    assertThat(KafkaAccess.credential(state, "tmp_a", until)).as("expired").isEmpty();
    assertThat(KafkaAccess.credential(state, "tokens_only", until)).isEmpty();
    assertThat(KafkaAccess.credential(state, "nobody", until)).isEmpty();
  }

  @Test
  void ingestOnAStreamOrTopicIsWriteAndDescribeOnItsTopic() {
    Set<AclBinding> acls =
        KafkaAccess.aclsOf(
            state(
                Set.of(
                    Grant.parse("user:ana", "ingest", "stream:orders"),
                    Grant.parse("group:ops", "manage", "topic:alerts"))));
    assertThat(described(acls))
        .containsExactlyInAnyOrder(
            "User:ana WRITE TOPIC:orders",
            "User:ana DESCRIBE TOPIC:orders",
            "User:bo WRITE TOPIC:alerts",
            "User:bo DESCRIBE TOPIC:alerts",
            "User:cy WRITE TOPIC:alerts",
            "User:cy DESCRIBE TOPIC:alerts");
  }

  @Test
  void aRoleReachesItsUsersAndItsGroupsUsers() {
    Set<AclBinding> acls =
        KafkaAccess.aclsOf(state(Set.of(Grant.parse("role:loaders", "ingest", "stream:*"))));
    assertThat(described(acls))
        .contains("User:di WRITE TOPIC:*", "User:bo WRITE TOPIC:*", "User:cy DESCRIBE TOPIC:*")
        .hasSize(6);
  }

  @Test
  void adminIsAllOnTheClusterAndEveryTopicGroupAndTransaction() {
    Set<AclBinding> acls =
        KafkaAccess.aclsOf(state(Set.of(Grant.parse("user:admin", "admin", "platform"))));
    assertThat(described(acls))
        .containsExactlyInAnyOrder(
            "User:admin ALL CLUSTER:kafka-cluster",
            "User:admin ALL TOPIC:*",
            "User:admin ALL GROUP:*",
            "User:admin ALL TRANSACTIONAL_ID:*");
  }

  @Test
  void tableAndNamespaceGrantsHaveNoKafkaMeaning() {
    assertThat(
            KafkaAccess.aclsOf(
                state(
                    Set.of(
                        Grant.parse("user:ana", "read", "table:raw.orders"),
                        Grant.parse("user:ana", "write", "namespace:raw"),
                        Grant.parse("user:ana", "run", "function:enrich")))))
        .isEmpty();
  }
}
