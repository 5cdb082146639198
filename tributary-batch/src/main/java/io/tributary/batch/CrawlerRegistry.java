package io.tributary.batch;

import io.tributary.core.config.CrawlerSpec;
import io.tributary.lake.Registry;
import java.sql.Connection;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The set of crawlers: a {@link Registry} (table {@code tributary_crawlers}) of crawler specs,
 * declared in config or created over HTTP.
 *
 * <p>Thread-safe. {@code metadataDb} is called once per database access; the registry closes each
 * connection it gets.
 */
public final class CrawlerRegistry implements AutoCloseable {
  private static final String TABLE = "tributary_crawlers";

  /** Told about every change, after it is durable. */
  public interface Listener {
    /** A crawler was created or changed. */
    void crawlerPut(CrawlerSpec spec);

    /** A crawler was deleted. */
    void crawlerDeleted(String name);
  }

  private final Registry<CrawlerSpec> registry;

  /** Creates the registry table if missing and loads every crawler into memory. */
  public CrawlerRegistry(Supplier<Connection> metadataDb, Clock clock) {
    this.registry =
        new Registry<>(
            "crawler",
            metadataDb,
            TABLE,
            Registry.Codec.of(
                CrawlerSpec::name,
                spec -> CrawlerSpecs.toJson(spec).toString(),
                CrawlerSpecs::fromJson),
            null,
            clock);
  }

  /**
   * Upserts the crawlers declared in config (config wins over earlier HTTP changes); crawlers only
   * created over HTTP stay.
   */
  public void declare(List<CrawlerSpec> fromConfig) {
    fromConfig.forEach(this::put);
  }

  /** Creates or changes a crawler, persists it and notifies listeners. */
  public CrawlerSpec put(CrawlerSpec spec) {
    return registry.put(spec);
  }

  /** The crawler named {@code name}, if any. */
  public Optional<CrawlerSpec> get(String name) {
    return registry.get(name);
  }

  /** Every crawler, sorted by name. */
  public List<CrawlerSpec> list() {
    return registry.list();
  }

  /**
   * Deletes the crawler's registry entry; its tables, run history and load ledger stay.
   *
   * @return whether the crawler existed
   */
  public boolean delete(String name) {
    return registry.delete(name);
  }

  /** Adds a listener, called on the changing thread after each change is durable. */
  public void addListener(Listener listener) {
    Objects.requireNonNull(listener, "listener is null");
    registry.addListener(
        new Registry.Listener<>() {
          @Override
          public void put(CrawlerSpec spec) {
            listener.crawlerPut(spec);
          }

          @Override
          public void deleted(String name) {
            listener.crawlerDeleted(name);
          }
        });
  }

  @Override
  public void close() {
    registry.close();
  }
}
