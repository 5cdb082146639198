package io.tributary.server;

import io.tributary.access.Access;
import io.tributary.access.AccessState;
import io.tributary.access.Authorizer;
import io.tributary.access.Identity;
import io.tributary.access.Privilege;
import io.tributary.access.Resource;
import io.tributary.access.ResourceKind;
import io.tributary.access.User;
import io.tributary.lake.SpecTable;
import io.tributary.stream.function.FunctionPrivileges;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who owns each function, and where it may therefore emit. The owner is the authenticated user who
 * last saved the function over HTTP, or {@code admin} for functions in the config and those saved
 * with access off; owners are kept in the metadata table {@code tributary_function_owners}. For
 * each record it emits, the owner must still exist and hold {@code ingest} on the target stream or
 * topic; otherwise the record is dead-lettered with code {@code forbidden} and a 403 message. With
 * access off, every function may emit anywhere.
 *
 * <p>Owners are read again from the table at most every {@link #REREAD} (one small query), so a
 * function saved on another node over the same metadata database runs as the owner recorded there
 * within a second; a failed read keeps the owners last read.
 */
final class FunctionOwners implements FunctionPrivileges {
  static final Duration REREAD = Duration.ofSeconds(1);
  private static final Logger LOG = LoggerFactory.getLogger(FunctionOwners.class);
  private final SpecTable table;
  private final Supplier<Optional<Access>> access;
  private final Predicate<String> isTopic;
  private final Clock clock;
  private volatile Map<String, String> owners;
  private volatile long readAtMillis;
  private final Map<String, Decision> decisions = new ConcurrentHashMap<>();

  /**
   * @param access the access service; empty while access control is off (null before it starts)
   * @param isTopic whether a target is a topic (else a stream)
   */
  FunctionOwners(
      Supplier<Connection> metadataDb,
      Supplier<Optional<Access>> access,
      Predicate<String> isTopic,
      Clock clock) {
    this.table = new SpecTable(metadataDb, "tributary_function_owners", "function owner");
    this.access = Objects.requireNonNull(access, "access is null");
    this.isTopic = Objects.requireNonNull(isTopic, "isTopic is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
    this.owners = Map.copyOf(table.readAll());
    this.readAtMillis = clock.millis();
  }

  /** Records {@code user} as the owner of function {@code function}. */
  synchronized void own(String function, String user) {
    table.write(function, user, clock.millis());
    Map<String, String> updated = new HashMap<>(owners);
    updated.put(function, user);
    owners = Map.copyOf(updated);
  }

  /** The owner of {@code function}: who saved it over HTTP, else {@code admin}. */
  String ownerOf(String function) {
    if (clock.millis() - readAtMillis >= REREAD.toMillis()) {
      reread();
    }
    return owners.getOrDefault(function, Access.ADMIN_USER);
  }

  private synchronized void reread() {
    long now = clock.millis();
    if (now - readAtMillis < REREAD.toMillis()) {
      return; // another thread just did
    }
    readAtMillis = now;
    try {
      owners = Map.copyOf(table.readAll());
    } catch (IllegalStateException e) {
      LOG.warn("Cannot read function owners again; keeping those last read: {}", e.getMessage());
    }
  }

  @Override
  public Optional<String> denial(String function, String target) {
    Optional<Access> service = access.get();
    if (service == null || service.isEmpty()) {
      return Optional.empty();
    }
    Access granted = service.get();
    AccessState state = granted.state();
    Authorizer authorizer = granted.authorizer();
    String owner = ownerOf(function);
    Optional<User> user = state.user(owner);
    if (user.isEmpty()) {
      return Optional.of(
          "403 forbidden: function "
              + function
              + " runs as its owner "
              + owner
              + ", who no longer exists: save the function again as another user");
    }
    Resource resource =
        new Resource(isTopic.test(target) ? ResourceKind.TOPIC : ResourceKind.STREAM, target);
    String key = function + '\0' + target;
    Decision known = decisions.get(key);
    if (known != null
        && known.matches(state, authorizer, owner, resource)
        && !user.get().expiredAt(granted.clock().instant())) {
      return known.denial();
    }
    Identity identity = granted.identityOf(owner); // refuses an owner who has expired
    Optional<String> denial =
        authorizer.allows(identity, Privilege.INGEST, resource)
            ? Optional.empty()
            : Optional.of(
                "403 forbidden: function "
                    + function
                    + " runs as its owner "
                    + owner
                    + ", who lacks ingest on "
                    + resource.kind().label()
                    + ":"
                    + target);
    decisions.put(key, new Decision(state, authorizer, owner, resource, denial));
    return denial;
  }

  /**
   * A decision for one function and target, over one snapshot of the access state and its
   * authorizer (both replaced at each change, so a change of grants, groups or roles is never
   * answered from here), for one owner: functions ask for every record they emit.
   */
  private record Decision(
      AccessState state,
      Authorizer authorizer,
      String owner,
      Resource resource,
      Optional<String> denial) {
    boolean matches(AccessState state, Authorizer authorizer, String owner, Resource resource) {
      return this.state == state
          && this.authorizer == authorizer
          && this.owner.equals(owner)
          && this.resource.equals(resource);
    }
  }
}
