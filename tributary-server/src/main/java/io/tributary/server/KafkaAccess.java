package io.tributary.server;

import io.tributary.access.AccessListener;
import io.tributary.access.AccessState;
import io.tributary.access.Grant;
import io.tributary.access.Principal;
import io.tributary.access.Privilege;
import io.tributary.access.ResourceKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.scram.ScramCredential;

/**
 * Mirrors access into the embedded Kafka broker. Credentials: the broker asks {@link #credential}
 * at each SCRAM-SHA-256 login, which answers with the user's stored verifier (salt, StoredKey,
 * ServerKey, iterations), so every user with a password, temporary users and users created before
 * Kafka was secured included, has its Kafka credential without its password in clear, and loses it
 * the moment it is removed or expires. ACLs derived from the grants: {@code ingest} (or {@code
 * manage}) on a stream or topic gives WRITE and DESCRIBE on its Kafka topic, {@code admin} gives
 * ALL on the cluster, every topic, consumer group and transactional id; other grants have no Kafka
 * meaning, and ACLs no grant explains are deleted. {@link #changed} throws when Kafka cannot be
 * reached: run it behind an {@link AsyncAccessListener}, which retries, off the access lock.
 */
final class KafkaAccess implements AccessListener {
  private static final long TIMEOUT_SECONDS = 30;
  private static final String WILDCARD = ResourcePattern.WILDCARD_RESOURCE;

  private final Admin admin;

  KafkaAccess(Admin admin) {
    this.admin = Objects.requireNonNull(admin, "admin is null");
  }

  /**
   * The Kafka SCRAM-SHA-256 credentials of {@code user} at {@code now}: its current password's
   * verifier and, during a rotation window, its previous one (the broker accepts either); empty
   * when it has no password, is unknown or expired.
   */
  static List<ScramCredential> credential(AccessState state, String user, Instant now) {
    Base64.Decoder base64 = Base64.getDecoder();
    return state.user(user).filter(found -> !found.expiredAt(now)).stream()
        .flatMap(found -> found.scramVerifiers().stream())
        .map(
            verifier ->
                new ScramCredential(
                    verifier.saltBytes(),
                    base64.decode(verifier.storedKey()),
                    base64.decode(verifier.serverKey()),
                    verifier.iterations()))
        .toList();
  }

  /**
   * Makes the broker's ACLs those of {@code state}.
   *
   * @throws IllegalStateException naming the step when Kafka fails or does not answer
   */
  @Override
  public void changed(AccessState state) {
    syncAcls(aclsOf(state));
  }

  /** Nothing: the broker reads credentials through {@link #credential}, never a clear password. */
  @Override
  public void passwordSet(String user, String password) {}

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
