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
