package io.tributary.server;

import io.tributary.access.Access;
import io.tributary.access.Identity;
import io.tributary.access.Privilege;
import io.tributary.access.Resource;
import io.tributary.access.ResourceKind;
import io.tributary.core.InvalidInputException;
import io.tributary.core.TableId;
import io.tributary.core.config.EgressPolicy;
import io.tributary.flow.TaskAction;
import io.tributary.flow.TaskContext;
import io.tributary.flow.TaskFailedException;
import io.tributary.flow.TaskPrivileges;
import io.tributary.lake.SpecTable;
import java.net.InetAddress;
import java.net.URI;
import java.sql.Connection;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Who owns each flow, and what its tasks may therefore do. The owner is the authenticated user who
 * last saved the flow over HTTP, or {@code admin} for flow files and flows saved with access off;
 * owners are kept in the metadata table {@code tributary_flow_owners}. At each try the owner must
 * still exist and hold what the task's type needs:
 *
 * <ul>
 *   <li>{@code sql}: {@code read} on every table the query reads, {@code write} on its target;
 *   <li>{@code crawl}: {@code run} on the crawler and {@code write} on its target namespace (the
 *       crawler's writes land there);
 *   <li>{@code maintain}: {@code manage} on the table (as {@code POST /v1/tables/{t}/maintenance}:
 *       expiring snapshots drops history, as a Polaris table's full-metadata privilege);
 *   <li>{@code spark}: {@code write} on its target; Spark reads through the REST catalog with a
 *       token of the owner, so the catalog checks {@code read} on each input;
 *   <li>{@code java}: {@code run} on the flow (the class runs in the platform with no lake or query
 *       handle of its own);
 *   <li>{@code http}: the URL's host allowed by {@code egress.allowed-hosts} (as for functions),
 *       with access on or off.
 * </ul>
 *
 * Otherwise the try fails with a {@code 403 forbidden} message in its log naming the owner and the
 * missing privilege, retried under the task's policy (the grant may come back). With access off,
 * every task may do everything the egress policy allows.
 */
final class FlowOwners implements TaskPrivileges {
  private final SpecTable table;
  private final Supplier<Optional<Access>> access;
  private final Clock clock;
  private final Function<String, Optional<String>> crawlerNamespaces;
  private final EgressPolicy egress;
  private final UnaryOperator<String> references;

  /**
   * @param access the access service; empty while access control is off (null before it starts)
   * @param crawlerNamespaces by crawler name, the namespace it writes, if it exists
   * @param egress where {@code http} tasks may send requests
   * @param references resolves {@code ${secret:..}} and {@code ${var:..}} in a URL as they are now
   */
  FlowOwners(
      Supplier<Connection> metadataDb,
      Supplier<Optional<Access>> access,
      Function<String, Optional<String>> crawlerNamespaces,
      EgressPolicy egress,
      UnaryOperator<String> references,
      Clock clock) {
    this.table = new SpecTable(metadataDb, "tributary_flow_owners", "flow owner");
    this.access = Objects.requireNonNull(access, "access is null");
    this.crawlerNamespaces = Objects.requireNonNull(crawlerNamespaces, "crawlerNamespaces is null");
    this.egress = Objects.requireNonNull(egress, "egress is null");
    this.references = Objects.requireNonNull(references, "references is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
  }

  /** Records {@code user} as the owner of flow {@code flow}. */
  void own(String flow, String user) {
    table.write(flow, user, clock.millis());
  }

  /**
   * The owner of {@code flow}: who saved it over HTTP, else {@code admin}. Read from the metadata
   * table each time (a small table, read once per try): a flow saved on another node sharing the
   * database runs as the owner that node recorded, never as {@code admin} by default.
   */
  String ownerOf(String flow) {
    return table.readAll().getOrDefault(flow, Access.ADMIN_USER);
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
          true);
    }
  }

  @Override
  public void checkTask(TaskAction action, TaskContext context) throws TaskFailedException {
    if (action instanceof TaskAction.Http http) {
      checkEgress(http, context);
    }
    Optional<Access> service = service();
    if (service.isEmpty()) {
      return;
    }
    if (action instanceof TaskAction.Crawl crawl) {
      require(
          service.get(),
          context,
          Privilege.RUN,
          new Resource(ResourceKind.CRAWLER, crawl.crawler()));
      Optional<String> namespace = crawlerNamespaces.apply(crawl.crawler());
      if (namespace.isPresent()) {
        require(
            service.get(),
            context,
            Privilege.WRITE,
            new Resource(ResourceKind.NAMESPACE, namespace.get()));
      }
    } else if (action instanceof TaskAction.Maintain maintain) {
      require(service.get(), context, Privilege.MANAGE, Resource.table(maintain.table()));
    } else if (action instanceof TaskAction.Spark spark) {
      require(service.get(), context, Privilege.WRITE, Resource.table(spark.target()));
    } else if (action instanceof TaskAction.Java) {
      require(
          service.get(), context, Privilege.RUN, new Resource(ResourceKind.FLOW, context.flow()));
    } else {
      identity(service.get(), context.flow()); // the owner must still exist
    }
  }

  private void require(Access service, TaskContext context, Privilege privilege, Resource resource)
      throws TaskFailedException {
    Identity owner = identity(service, context.flow());
    if (!service.authorizer().allows(owner, privilege, resource)) {
      String message =
          "403 forbidden: flow "
              + context.flow()
              + " runs as its owner "
              + owner.user()
              + ", who lacks the '"
              + privilege.label()
              + "' privilege on "
              + resource;
      context.log().accept(message);
      throw new TaskFailedException(message, true);
    }
  }

  /** Refuses an {@code http} task's URL unless the egress policy allows it, as for functions. */
  private void checkEgress(TaskAction.Http http, TaskContext context) throws TaskFailedException {
    String shown;
    URI uri;
    try {
      shown = context.render(http.url());
      uri = URI.create(references.apply(shown));
    } catch (IllegalArgumentException | InvalidInputException e) {
      return; // the runner fails the try, naming what is wrong
    }
    Optional<EgressPolicy.Denial> denial =
        egress.checkRequest(uri, http.headers(), InetAddress::getAllByName);
    if (denial.isPresent()) {
      String message =
          "403 forbidden: flow "
              + context.flow()
              + " may not call "
              + shown
              + ": "
              + denial.get().message().replace(uri.toString(), shown)
              + " (egress.allowed-hosts)";
      context.log().accept(message);
      throw new TaskFailedException(message, true);
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
          true);
    }
    return service.identityOf(owner);
  }
}
