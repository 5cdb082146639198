package io.tributary.batch;

import io.tributary.core.config.CrawlerSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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

  private final Supplier<Connection> metadataDb;
  private final Clock clock;
  private final Map<String, CrawlerSpec> crawlers = new ConcurrentHashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  /** Creates the registry table if missing and loads every crawler into memory. */
  public CrawlerRegistry(Supplier<Connection> metadataDb, Clock clock) {
    this.metadataDb = Objects.requireNonNull(metadataDb, "metadataDb is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
    try (Connection connection = metadataDb.get();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE IF NOT EXISTS "
              + TABLE
              + " (name VARCHAR(255) NOT NULL PRIMARY KEY, spec VARCHAR(65535) NOT NULL,"
              + " updated_at BIGINT NOT NULL)");
      try (ResultSet rows = statement.executeQuery("SELECT name, spec FROM " + TABLE)) {
        while (rows.next()) {
          String name = rows.getString(1);
          crawlers.put(name, CrawlerSpecs.fromJson(name, rows.getString(2)));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read table " + TABLE + ": " + e.getMessage(), e);
    }
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
    String json = CrawlerSpecs.toJson(spec).toString();
    long now = clock.millis();
    try (Connection connection = metadataDb.get()) {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE " + TABLE + " SET spec = ?, updated_at = ? WHERE name = ?");
          PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO " + TABLE + " (name, spec, updated_at) VALUES (?, ?, ?)")) {
        update.setString(1, json);
        update.setLong(2, now);
        update.setString(3, spec.name());
        if (update.executeUpdate() == 0) {
          insert.setString(1, spec.name());
          insert.setString(2, json);
          insert.setLong(3, now);
          insert.executeUpdate();
        }
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot save crawler '" + spec.name() + "' in " + TABLE + ": " + e.getMessage(), e);
    }
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
    try (Connection connection = metadataDb.get();
        PreparedStatement delete =
            connection.prepareStatement("DELETE FROM " + TABLE + " WHERE name = ?")) {
      delete.setString(1, name);
      delete.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot delete crawler '" + name + "' from " + TABLE + ": " + e.getMessage(), e);
    }
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
