package io.tributary.batch;

import io.tributary.batch.internal.CrawlJob;
import io.tributary.core.config.TributaryConfig;
import io.tributary.lake.Lake;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch component: landing zone (uploads and a watcher announcing copied-in files), the crawler
 * registry and the crawlers, wired to the landing events. Closing stops the watcher and the
 * crawlers, then the events.
 */
public final class Batch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Batch.class);
  private static final Duration WATCH_INTERVAL = Duration.ofSeconds(1);

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final LandingZone landing;
  private final CrawlerRegistry registry;
  private final Crawlers crawlers;

  private Batch(
      TributaryConfig config,
      Lake lake,
      LandingEvents events,
      Supplier<Connection> metadataDb,
      String node,
      Clock clock) {
    try {
      resources.push(events);
      S3Landing remote =
          config.lake().s3Landing() == null
              ? null
              : new S3Landing(lake.s3Client().orElseThrow(), config.lake().s3Landing());
      landing = opened(new LandingZone(config.dataDir().resolve("landing"), events, remote));
      registry = opened(new CrawlerRegistry(metadataDb, clock));
      registry.declare(config.crawlers());
      crawlers =
          opened(
              new Crawlers(
                  lake,
                  landing,
                  registry,
                  metadataDb,
                  clock,
                  node,
                  2,
                  Crawlers.LoadPath.DUCKDB_WHEN_CLEAN,
                  CrawlJob.CrashPoints.NONE));
      events.subscribe(crawlers::landed);
      landing.watch(WATCH_INTERVAL);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Starts the landing zone under {@code <data-dir>/landing}, declares the configured crawlers and
   * starts their schedules and event subscriptions, as node {@code node} of those sharing {@code
   * metadataDb} (a crawler runs on one of them at a time). Takes ownership of {@code events}.
   */
  public static Batch start(
      TributaryConfig config,
      Lake lake,
      LandingEvents events,
      Supplier<Connection> metadataDb,
      String node,
      Clock clock) {
    return new Batch(config, lake, events, metadataDb, node, clock);
  }

  private <T extends AutoCloseable> T opened(T resource) {
    resources.push(resource);
    return resource;
  }

  public LandingZone landing() {
    return landing;
  }

  public CrawlerRegistry registry() {
    return registry;
  }

  public Crawlers crawlers() {
    return crawlers;
  }

  @Override
  public void close() {
    while (!resources.isEmpty()) {
      AutoCloseable resource = resources.pop();
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("Failed to close {}: {}", resource, e.toString());
      }
    }
  }
}
