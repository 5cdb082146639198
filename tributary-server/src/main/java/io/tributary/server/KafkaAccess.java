package io.tributary.server;

import io.tributary.access.AccessListener;
import io.tributary.access.AccessState;
import io.tributary.access.Grant;
import io.tributary.access.Principal;
import io.tributary.access.Privilege;
import io.tributary.access.ResourceKind;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors access into the embedded Kafka broker: a SCRAM-SHA-256 credential per user with a
 * password (set when the password is, since Kafka takes a salted password, not a stored verifier),
 * and ACLs derived from the grants: {@code ingest} (or {@code manage}) on a stream or topic gives
 * WRITE and DESCRIBE on its Kafka topic, {@code admin} gives ALL on the cluster, every topic,
 * consumer group and transactional id. Other grants have no Kafka meaning. Credentials of users
 * that are gone and ACLs no grant explains are deleted. A failure is logged and repaired by the
 * next change or start.
 */
final class KafkaAccess implements AccessListener {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaAccess.class);
  private static final int SCRAM_ITERATIONS = 4096;
  private static final long TIMEOUT_SECONDS = 30;
  private static final String WILDCARD = ResourcePattern.WILDCARD_RESOURCE;

  private final Admin admin;
  private final Clock clock;

  KafkaAccess(Admin admin, Clock clock) {
    this.admin = Objects.requireNonNull(admin, "admin is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
  }

  @Override
  public void changed(AccessState state) {
    try {
      syncCredentials(state);
      syncAcls(aclsOf(state));
    } catch (RuntimeException e) {
      LOG.warn("Cannot mirror access into Kafka (retried at the next change): {}", e.toString());
    }
  }

  @Override
  public void passwordSet(String user, String password) {
    try {
      await(
          admin
              .alterUserScramCredentials(
                  List.of(
                      new UserScramCredentialUpsertion(
                          user,
                          new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, SCRAM_ITERATIONS),
                          password)))
              .all(),
          "set the Kafka SCRAM credential of user " + user);
    } catch (RuntimeException e) {
      LOG.warn("{}", e.getMessage());
    }
  }

  /** The ACLs the grants give, each to a user (groups and roles expanded to their users). */
  static Set<AclBinding> aclsOf(AccessState state) {
    Set<AclBinding> acls = new HashSet<>();
    for (Grant grant : state.grants()) {
      List<ResourcePattern> patterns = new ArrayList<>();
      List<AclOperation> operations;
      if (grant.privilege() == Privilege.ADMIN) {
        patterns.add(literal(ResourceType.CLUSTER, "kafka-cluster"));
        patterns.add(literal(ResourceType.TOPIC, WILDCARD));
        patterns.add(literal(ResourceType.GROUP, WILDCARD));
        patterns.add(literal(ResourceType.TRANSACTIONAL_ID, WILDCARD));
        operations = List.of(AclOperation.ALL);
      } else if ((grant.resource().kind() == ResourceKind.STREAM
              || grant.resource().kind() == ResourceKind.TOPIC)
          && grant.privilege().includes(Privilege.INGEST)) {
        patterns.add(literal(ResourceType.TOPIC, grant.resource().name()));
        operations = List.of(AclOperation.WRITE, AclOperation.DESCRIBE);
      } else {
        continue;
      }
      for (String user : usersOf(state, grant.principal())) {
        for (ResourcePattern pattern : patterns) {
          for (AclOperation operation : operations) {
            acls.add(
                new AclBinding(
                    pattern,
                    new AccessControlEntry(
                        "User:" + user, "*", operation, AclPermissionType.ALLOW)));
          }
        }
      }
    }
    return acls;
  }

  private static ResourcePattern literal(ResourceType type, String name) {
    return new ResourcePattern(type, name, PatternType.LITERAL);
  }

  private static Set<String> usersOf(AccessState state, Principal principal) {
    return switch (principal.kind()) {
      case USER -> Set.of(principal.name());
      case GROUP -> state.groups().getOrDefault(principal.name(), Set.of());
      case ROLE ->
          state.roles().getOrDefault(principal.name(), Set.of()).stream()
              .flatMap(member -> usersOf(state, member).stream())
              .collect(Collectors.toSet());
    };
  }

  /** Deletes the credentials of users that are gone, have no password, or expired. */
  private void syncCredentials(AccessState state) {
    List<String> known =
        await(admin.describeUserScramCredentials().users(), "list the Kafka SCRAM users");
    List<UserScramCredentialAlteration> deletions = new ArrayList<>();
    for (String name : known) {
      boolean keep =
          state
              .user(name)
              .filter(user -> user.password().isPresent() && !user.expiredAt(clock.instant()))
              .isPresent();
      if (!keep) {
        deletions.add(new UserScramCredentialDeletion(name, ScramMechanism.SCRAM_SHA_256));
      }
    }
    if (!deletions.isEmpty()) {
      await(
          admin.alterUserScramCredentials(deletions).all(),
          "delete the Kafka SCRAM credentials of removed users");
    }
  }

  private void syncAcls(Set<AclBinding> wanted) {
    Set<AclBinding> existing =
        new HashSet<>(await(admin.describeAcls(AclBindingFilter.ANY).values(), "list Kafka ACLs"));
    List<AclBindingFilter> stale =
        existing.stream().filter(acl -> !wanted.contains(acl)).map(AclBinding::toFilter).toList();
    if (!stale.isEmpty()) {
      await(admin.deleteAcls(stale).all(), "delete Kafka ACLs no grant gives");
    }
    List<AclBinding> missing = wanted.stream().filter(acl -> !existing.contains(acl)).toList();
    if (!missing.isEmpty()) {
      await(admin.createAcls(missing).all(), "create Kafka ACLs for the grants");
    }
  }

  private static <T> T await(KafkaFuture<T> future, String action) {
    try {
      return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while trying to " + action, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "Cannot " + action + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "Cannot " + action + ": Kafka did not answer within " + TIMEOUT_SECONDS + "s", e);
    }
  }
}
