package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.access.Access;
import io.tributary.access.AccessStore;
import io.tributary.access.Grant;
import io.tributary.access.LoginLimiter;
import io.tributary.access.PasswordHasher;
import io.tributary.access.User;
import io.tributary.core.TableId;
import io.tributary.core.config.EgressPolicy;
import io.tributary.flow.TaskAction;
import io.tributary.flow.TaskContext;
import io.tributary.flow.TaskFailedException;
import io.tributary.lake.MaintenanceOptions;
import io.tributary.lake.RowLoad;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What each task type needs of its flow's owner, checked at each try against real grants. */
class FlowOwnersTest {
  private static final TableId EVENTS = new TableId("raw", "events");
  private static final TableId DAILY = new TableId("marts", "daily");

  @TempDir Path dir;
  private Access access;
  private FlowOwners owners;
  private final List<String> log = new ArrayList<>();

  @BeforeEach
  void setUp() {
    Supplier<Connection> db = this::connection;
    SecureRandom random = new SecureRandom();
    Clock clock = Clock.systemUTC();
    access =
        new Access(
            new AccessStore(db),
            new PasswordHasher(new PasswordHasher.Cost(64, 1, 4096), random),
            new LoginLimiter(clock, 3, Duration.ofMinutes(5)),
            clock,
            random);
    access.putUser("ana", User.Kind.HUMAN, Optional.of("ana-pass-1"));
    EgressPolicy egress =
        new EgressPolicy(
            List.of(EgressPolicy.HostRule.parse("203.0.113.5")), Map.of(), Set.of(7070));
    owners =
        new FlowOwners(
            db,
            () -> Optional.of(access),
            crawler -> crawler.equals("files") ? Optional.of("landing") : Optional.empty(),
            egress,
            text -> text,
            clock);
    owners.own("daily", "ana");
  }

  private Connection connection() {
    try {
      return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("catalog.db"));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private void check(TaskAction action) throws TaskFailedException {
    owners.checkTask(
        action, new TaskContext("daily", "run1", "t", 1, Map.of("ds", "2026-01-01"), log::add));
  }

  private void grant(String privilege, String resource) {
    access.grant(Grant.parse("user:ana", privilege, resource));
  }

  private void assertRefused(TaskAction action, String missing) {
    assertThatThrownBy(() -> check(action))
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining("403 forbidden: flow daily runs as its owner ana")
        .hasMessageContaining(missing)
        .satisfies(e -> assertThat(((TaskFailedException) e).isRetriable()).isTrue());
    assertThat(log).last().asString().contains(missing);
  }

  @Test
  void aCrawlNeedsRunOnTheCrawlerAndWriteOnItsNamespace() throws Exception {
    TaskAction crawl = new TaskAction.Crawl("files");
    assertRefused(crawl, "lacks the 'run' privilege on crawler:files");
    grant("run", "crawler:files");
    assertRefused(crawl, "lacks the 'write' privilege on namespace:landing");
    grant("write", "namespace:landing");
    assertThatCode(() -> check(crawl)).doesNotThrowAnyException();
  }

  @Test
  void maintainingATableNeedsManageNotWrite() {
    TaskAction maintain = new TaskAction.Maintain(EVENTS, MaintenanceOptions.DEFAULTS);
    grant("write", "table:raw.events");
    assertRefused(maintain, "lacks the 'manage' privilege on table:raw.events");
    grant("manage", "namespace:raw");
    assertThatCode(() -> check(maintain)).doesNotThrowAnyException();
  }

  @Test
  void aSparkTaskNeedsWriteOnItsTarget() {
    TaskAction spark =
        new TaskAction.Spark("SELECT 1", DAILY, RowLoad.Mode.REPLACE, List.of(), Optional.empty());
    assertRefused(spark, "lacks the 'write' privilege on table:marts.daily");
    grant("write", "table:marts.daily");
    assertThatCode(() -> check(spark)).doesNotThrowAnyException();
  }

  @Test
  void aJavaTaskNeedsRunOnItsFlow() {
    TaskAction java = new TaskAction.Java("com.example.Task", Map.of());
    assertRefused(java, "lacks the 'run' privilege on flow:daily");
    grant("run", "flow:daily");
    assertThatCode(() -> check(java)).doesNotThrowAnyException();
  }

  @Test
  void anHttpTaskMayCallOnlyTheHostsEgressAllows() {
    TaskAction allowed = new TaskAction.Http("GET", "http://203.0.113.5/ping", "", Map.of());
    assertThatCode(() -> check(allowed)).doesNotThrowAnyException();
    TaskAction elsewhere =
        new TaskAction.Http("POST", "http://198.51.100.7/{{ ds }}", "", Map.of());
    assertThatThrownBy(() -> check(elsewhere))
        .hasMessageContaining(
            "403 forbidden: flow daily may not call http://198.51.100.7/2026-01-01")
        .hasMessageContaining("egress.allowed-hosts");
  }

  @Test
  void aRemovedOwnerFailsEveryTaskType() {
    grant("run", "flow:daily");
    access.removeUser("ana");
    for (TaskAction action :
        List.of(
            new TaskAction.Java("com.example.Task", Map.of()),
            new TaskAction.Http("GET", "http://203.0.113.5/ping", "", Map.of()),
            new TaskAction.Crawl("files"))) {
      assertThatThrownBy(() -> check(action)).hasMessageContaining("ana, who no longer exists");
    }
  }

  @Test
  void anOwnerRecordedOnAnotherNodeIsTheOneChecked() {
    FlowOwners otherNode =
        new FlowOwners(
            this::connection,
            () -> Optional.of(access),
            crawler -> Optional.empty(),
            EgressPolicy.NONE,
            text -> text,
            Clock.systemUTC());
    otherNode.own("weekly", "ana");
    assertThat(owners.ownerOf("weekly")).isEqualTo("ana");
    assertThatThrownBy(
            () ->
                owners.checkTask(
                    new TaskAction.Java("com.example.Task", Map.of()),
                    new TaskContext("weekly", "r", "t", 1, Map.of(), log::add)))
        .hasMessageContaining("owner ana, who lacks the 'run' privilege on flow:weekly");
  }

  @Test
  void withAccessOffOnlyEgressIsChecked() throws Exception {
    FlowOwners open =
        new FlowOwners(
            this::connection,
            Optional::empty,
            crawler -> Optional.of("landing"),
            EgressPolicy.NONE,
            text -> text,
            Clock.systemUTC());
    TaskContext context = new TaskContext("daily", "r", "t", 1, Map.of(), log::add);
    open.checkTask(new TaskAction.Crawl("files"), context);
    open.checkTask(new TaskAction.Maintain(EVENTS, MaintenanceOptions.DEFAULTS), context);
    assertThatThrownBy(
            () ->
                open.checkTask(
                    new TaskAction.Http("GET", "http://203.0.113.5/", "", Map.of()), context))
        .hasMessageContaining("may not call");
  }
}
