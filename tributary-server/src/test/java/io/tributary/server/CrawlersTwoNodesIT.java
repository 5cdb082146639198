package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tributary.batch.CrawlRun;
import io.tributary.batch.CrawlerRegistry;
import io.tributary.batch.Crawlers;
import io.tributary.batch.LandingEvent;
import io.tributary.batch.LandingEvents;
import io.tributary.batch.LandingZone;
import io.tributary.batch.internal.CrawlJob;
import io.tributary.core.config.CrawlerSpec;
import io.tributary.core.config.TributaryConfig;
import io.tributary.lake.Lake;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes' crawlers on one real PostgreSQL metadata database: a run goes on on one node at a
 * time, a start on the other answers that run, a waiting run there waits for it first, and a node
 * starting meanwhile leaves it running.
 */
class CrawlersTwoNodesIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void aCrawlerRunsOnOneNodeAtATimeAndAStartingNodeLeavesTheOthersRunAlone() throws Exception {
    Optional<Path> bin = PostgresServer.binaries();
    assumeTrue(
        bin.isPresent(),
        "PostgreSQL server binaries not found under /usr/lib/postgresql: skipping");
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean held = new AtomicBoolean();
    CrawlJob.CrashPoints hold =
        point -> {
          if (held.compareAndSet(false, true)) {
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException(e);
            }
          }
        };
    try (PostgresServer postgres = PostgresServer.start(bin.get());
        Lake lake =
            Lake.open(
                new TributaryConfig.Catalog(
                    "jdbc:sqlite:" + dir.resolve("catalog.db"), null, null, dir.resolve("lake")));
        LandingZone landing = new LandingZone(dir.resolve("landing"), new NoEvents())) {
      Supplier<Connection> db = connections(postgres);
      Files.createDirectories(dir.resolve("landing/orders"));
      Files.writeString(dir.resolve("landing/orders/a.csv"), "id,amount\n1,10\n2,20\n");
      try (CrawlerRegistry registryA = new CrawlerRegistry(db, Clock.systemUTC());
          CrawlerRegistry registryB = new CrawlerRegistry(db, Clock.systemUTC());
          Crawlers nodeA = crawlers(lake, landing, registryA, db, "node-a", hold)) {
        // declared in the configuration of both nodes
        CrawlerSpec orders =
            TributaryConfig.fromYaml("crawlers:\n  - { name: orders }", "test").crawlers().get(0);
        registryA.put(orders);
        registryB.put(orders);
        CrawlRun first = nodeA.start("orders");
        await().atMost(WAIT).untilTrue(held);
        try (Crawlers nodeB =
            crawlers(lake, landing, registryB, db, "node-b", CrawlJob.CrashPoints.NONE)) {
          assertThat(nodeB.find("orders", first.id()))
              .as("node-b's start leaves node-a's live run alone")
              .map(CrawlRun::status)
              .contains(CrawlRun.Status.RUNNING);
          assertThat(nodeB.start("orders").id()).as("the run in progress").isEqualTo(first.id());
          assertThat(nodeA.running()).containsEntry("orders", first.id());
          assertThat(nodeB.running()).isEmpty();

          CompletableFuture<CrawlRun> waiting =
              CompletableFuture.supplyAsync(() -> nodeB.run("orders"));

          release.countDown();
          CrawlRun second = waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS);
          assertThat(second.id()).as("a run after node-a's").isNotEqualTo(first.id());
          assertThat(second.status()).isEqualTo(CrawlRun.Status.SUCCEEDED);
          CrawlRun firstDone = nodeB.find("orders", first.id()).orElseThrow();
          assertThat(firstDone.status()).isEqualTo(CrawlRun.Status.SUCCEEDED);
          assertThat(firstDone.counts().rowsLoaded()).isEqualTo(2);
          assertThat(nodeA.find("orders", second.id()).orElseThrow().status())
              .isEqualTo(CrawlRun.Status.SUCCEEDED);
        }
      } finally {
        release.countDown();
      }
    }
  }

  private static Crawlers crawlers(
      Lake lake,
      LandingZone landing,
      CrawlerRegistry registry,
      Supplier<Connection> db,
      String node,
      CrawlJob.CrashPoints crashPoints) {
    return new Crawlers(
        lake,
        landing,
        registry,
        db,
        Clock.systemUTC(),
        node,
        1,
        Crawlers.LoadPath.ROW_READER,
        crashPoints);
  }

  private static Supplier<Connection> connections(PostgresServer postgres) {
    return () -> {
      try {
        return DriverManager.getConnection(postgres.jdbcUri(), PostgresServer.USER, "");
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    };
  }

  /** Landing events nobody listens to: the runs here are started by hand. */
  private static final class NoEvents implements LandingEvents {
    @Override
    public void publish(LandingEvent event) {}

    @Override
    public void subscribe(Consumer<LandingEvent> subscriber) {}

    @Override
    public void close() {}
  }
}
