package io.tributary.batch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.batch.CrawlRun;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two nodes' run stores on one SQLite metadata database: a crawler runs on one node at a time. */
class RunStoreNodesTest {
  @TempDir Path dir;

  private Supplier<Connection> db;
  private final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));

  @BeforeEach
  void open() {
    String url = "jdbc:sqlite:" + dir.resolve("metadata.db");
    db =
        () -> {
          try {
            return DriverManager.getConnection(url);
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        };
  }

  private CrawlRun running(String id, String crawler) {
    return new CrawlRun(
        id,
        crawler,
        CrawlRun.Status.RUNNING,
        clock.instant(),
        null,
        CrawlRun.Counts.NONE,
        CrawlRun.Progress.NONE,
        List.of(),
        List.of(),
        null);
  }

  @Test
  void oneNodeWinsTheClaimAndTheOtherSeesItsRun() {
    RunStore a = new RunStore(db, "node-a", clock);
    RunStore b = new RunStore(db, "node-b", clock);

    assertThat(a.claim("orders", "run-a")).isTrue();
    a.save(running("run-a", "orders"));

    assertThat(b.claim("orders", "run-b")).isFalse();
    assertThat(b.holder("orders")).contains("run-a");
    assertThat(b.get("run-a")).map(CrawlRun::status).contains(CrawlRun.Status.RUNNING);
    assertThat(b.claim("customers", "run-c")).as("another crawler is free").isTrue();

    a.release("orders", "run-a");
    assertThat(b.claim("orders", "run-b")).isTrue();
  }

  @Test
  void aStartingNodeLeavesTheOtherNodesLiveRunAlone() {
    RunStore a = new RunStore(db, "node-a", clock);
    a.claim("orders", "run-a");
    a.save(running("run-a", "orders"));

    new RunStore(db, "node-b", clock);

    assertThat(a.get("run-a")).map(CrawlRun::status).contains(CrawlRun.Status.RUNNING);
    assertThat(a.renew("orders", "run-a")).isTrue();
  }

  @Test
  void aRunWhoseLeaseExpiredIsInterruptedAndItsCrawlerFree() {
    RunStore a = new RunStore(db, "node-a", clock);
    a.claim("orders", "run-a");
    a.save(running("run-a", "orders"));

    clock.advance(RunStore.LEASE.plusSeconds(1)); // node-a stopped renewing: gone
    RunStore b = new RunStore(db, "node-b", clock);

    assertThat(b.get("run-a")).map(CrawlRun::status).contains(CrawlRun.Status.INTERRUPTED);
    assertThat(b.claim("orders", "run-b")).isTrue();
    assertThat(a.renew("orders", "run-a")).as("node-a lost its lease").isFalse();
  }

  @Test
  void aRestartingNodeInterruptsItsOwnRunsAndFreesTheirCrawlers() {
    RunStore before = new RunStore(db, "node-a", clock);
    before.claim("orders", "run-a");
    before.save(running("run-a", "orders"));

    RunStore after = new RunStore(db, "node-a", clock);

    assertThat(after.get("run-a")).map(CrawlRun::status).contains(CrawlRun.Status.INTERRUPTED);
    assertThat(new RunStore(db, "node-b", clock).claim("orders", "run-b")).isTrue();
  }

  @Test
  void anExpiredLeaseIsNotTakenBackEvenWhenNoOtherNodeClaimedIt() {
    RunStore a = new RunStore(db, "node-a", clock);
    a.claim("orders", "run-a");
    clock.advance(RunStore.LEASE.minusSeconds(1));
    assertThat(a.renew("orders", "run-a")).as("renewed in time").isTrue();

    clock.advance(RunStore.LEASE.plusSeconds(1)); // node-a stalled past its lease

    assertThat(a.renew("orders", "run-a")).as("another node may be claiming it now").isFalse();
    assertThat(new RunStore(db, "node-b", clock).claim("orders", "run-b")).isTrue();
  }

  /** A clock the test moves forward. */
  private static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
