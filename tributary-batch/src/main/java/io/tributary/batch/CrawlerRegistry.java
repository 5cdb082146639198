package io.tributary.batch;

import io.tributary.core.config.CrawlerSpec;
import io.tributary.lake.SpecTable;
import java.sql.Connection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The set of crawlers: declared in config or created over HTTP, kept in table {@code
 * tributary_crawlers} of the metadata database so they survive restarts. Changes are written to the
 * database first, then to the in-memory view, then announced to {@link Listener}s.
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

  private final SpecTable table;
  private final Clock clock;
  private final Map<String, CrawlerSpec> crawlers = new ConcurrentHashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  /** Creates the registry table if missing and loads every crawler into memory. */
  public CrawlerRegistry(Supplier<Connection> metadataDb, Clock clock) {
    this.table = new SpecTable(metadataDb, TABLE, "crawler");
    this.clock = Objects.requireNonNull(clock, "clock is null");
    table.readAll().forEach((name, json) -> crawlers.put(name, CrawlerSpecs.fromJson(name, json)));
  }

  /**
   * Upserts the crawlers declared in config (config wins over earlier HTTP changes); crawlers only
   * created over HTTP stay.
   */
  public void declare(List<CrawlerSpec> fromConfig) {
    fromConfig.forEach(this::put);
  }

  /** Creates or changes a crawler, persists it and notifies listeners. */
  public synchronized CrawlerSpec put(CrawlerSpec spec) {
    Objects.requireNonNull(spec, "spec is null");
    if (spec.equals(crawlers.get(spec.name()))) {
      return spec;
    }
    table.write(spec.name(), CrawlerSpecs.toJson(spec).toString(), clock.millis());
    crawlers.put(spec.name(), spec);
    listeners.forEach(listener -> listener.crawlerPut(spec));
    return spec;
  }

  /** The crawler named {@code name}, if any. */
  public Optional<CrawlerSpec> get(String name) {
    return Optional.ofNullable(crawlers.get(name));
  }

  /** Every crawler, sorted by name. */
  public List<CrawlerSpec> list() {
    List<CrawlerSpec> result = new ArrayList<>(crawlers.values());
    result.sort(Comparator.comparing(CrawlerSpec::name));
    return result;
  }

  /**
   * Deletes the crawler's registry entry; its tables, run history and load ledger stay.
   *
   * @return whether the crawler existed
   */
  public synchronized boolean delete(String name) {
    if (!crawlers.containsKey(name)) {
      return false;
    }
    table.delete(name);
    crawlers.remove(name);
    listeners.forEach(listener -> listener.crawlerDeleted(name));
    return true;
  }

  /** Adds a listener, called on the changing thread after each change is durable. */
  public void addListener(Listener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener is null"));
  }

  @Override
  public void close() {
    listeners.clear();
  }
}
