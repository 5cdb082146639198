package io.tributary.server;

import io.tributary.access.Access;
import io.tributary.access.Identity;
import io.tributary.access.Privilege;
import io.tributary.access.Resource;
import io.tributary.core.TableId;
import io.tributary.flow.TaskFailedException;
import io.tributary.flow.TaskPrivileges;
import io.tributary.lake.SpecTable;
import java.sql.Connection;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Who owns each flow, and what its tasks may therefore do. The owner is the authenticated user who
 * last saved the flow over HTTP, or {@code admin} for flow files and flows saved with access off;
 * owners are kept in the metadata table {@code tributary_flow_owners}. At each try of an SQL task
 * the owner must still exist and hold {@code read} on every table the query reads and {@code write}
 * on its target; otherwise the try fails, not retried, with a {@code 403 forbidden} message in its
 * log. With access off, every task may do everything.
 */
final class FlowOwners implements TaskPrivileges {
  private final SpecTable table;
  private final Supplier<Optional<Access>> access;
  private final Clock clock;
  private final Map<String, String> owners = new ConcurrentHashMap<>();

  /**
   * @param access the access service; empty while access control is off (null before it starts)
   */
  FlowOwners(Supplier<Connection> metadataDb, Supplier<Optional<Access>> access, Clock clock) {
    this.table = new SpecTable(metadataDb, "tributary_flow_owners", "flow owner");
    this.access = Objects.requireNonNull(access, "access is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
    owners.putAll(table.readAll());
  }

  /** Records {@code user} as the owner of flow {@code flow}. */
  void own(String flow, String user) {
    table.write(flow, user, clock.millis());
    owners.put(flow, user);
  }

  /** The owner of {@code flow}: who saved it over HTTP, else {@code admin}. */
  String ownerOf(String flow) {
    return owners.getOrDefault(flow, Access.ADMIN_USER);
  }

  @Override
  public Predicate<TableId> readable(String flow) throws TaskFailedException {
    Optional<Access> service = service();
    if (service.isEmpty()) {
      return table -> true;
    }
    Identity owner = identity(service.get(), flow);
    return table -> service.get().authorizer().allows(owner, Privilege.READ, Resource.table(table));
  }

  @Override
  public void checkWrite(String flow, TableId target) throws TaskFailedException {
    Optional<Access> service = service();
    if (service.isEmpty()) {
      return;
    }
    Identity owner = identity(service.get(), flow);
    if (!service.get().authorizer().allows(owner, Privilege.WRITE, Resource.table(target))) {
      throw new TaskFailedException(
          "403 forbidden: flow "
              + flow
              + " runs as its owner "
              + owner.user()
              + ", who lacks write on table "
              + target,
          false);
    }
  }

  private Optional<Access> service() {
    Optional<Access> service = access.get();
    return service == null ? Optional.empty() : service;
  }

  private Identity identity(Access service, String flow) throws TaskFailedException {
    String owner = ownerOf(flow);
    if (service.state().user(owner).isEmpty()) {
      throw new TaskFailedException(
          "403 forbidden: flow "
              + flow
              + " runs as its owner "
              + owner
              + ", who no longer exists: save the flow again as another user",
          false);
    }
    return service.identityOf(owner);
  }
}
