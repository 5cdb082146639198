package io.tributary.batch.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.tributary.batch.CrawlRun;
import io.tributary.core.migrate.SchemaMigrations;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Crawl run history in table {@code tributary_crawler_runs} of the metadata database, and the
 * crawlers' leases in {@code tributary_crawler_leases}: several nodes share the database, and a run
 * starts only on the node whose insert of the crawler's lease row wins ({@link #claim}); the lease
 * is renewed while the run goes on and released at its end.
 */
public final class RunStore {
  /** How long a lease lasts without renewal: a node gone longer has lost its crawler runs. */
  public static final Duration LEASE = Duration.ofSeconds(30);

  private static final String TABLE = "tributary_crawler_runs";
  private static final String LEASES = "tributary_crawler_leases";
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Supplier<Connection> metadataDb;
  private final String node;
  private final Clock clock;

  /**
   * Migrates the tables; the runs this node {@code node} left running when it stopped, and those of
   * other nodes whose lease expired (node gone), become interrupted. Live runs of other nodes are
   * left alone.
   */
  public RunStore(Supplier<Connection> metadataDb, String node, Clock clock) {
    this.metadataDb = Objects.requireNonNull(metadataDb, "metadataDb is null");
    this.node = Objects.requireNonNull(node, "node is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
    if (node.isBlank()) {
      throw new IllegalArgumentException("node is blank");
    }
    SchemaMigrations.apply(metadataDb, "crawler-runs");
    try (Connection connection = metadataDb.get();
        PreparedStatement release =
            connection.prepareStatement("DELETE FROM " + LEASES + " WHERE node = ?");
        PreparedStatement interrupt =
            connection.prepareStatement(
                "UPDATE "
                    + TABLE
                    + " SET status = 'INTERRUPTED' WHERE status = 'RUNNING' AND (node IS NULL"
                    + " OR node = ? OR id NOT IN (SELECT run_id FROM "
                    + LEASES
                    + " WHERE expires >= ?))")) {
      release.setString(1, node);
      release.executeUpdate();
      interrupt.setString(1, node);
      interrupt.setLong(2, clock.millis());
      interrupt.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot interrupt the runs in " + TABLE + ": " + e.getMessage(), e);
    }
  }

  /** The node this store claims runs for. */
  public String node() {
    return node;
  }

  /**
   * Claims {@code crawler} for run {@code runId} on this node for {@link #LEASE}: true if this node
   * won (no other live lease), false if another run holds it ({@link #holder}).
   */
  public boolean claim(String crawler, String runId) {
    long now = clock.millis();
    try (Connection connection = metadataDb.get()) {
      try (PreparedStatement expired =
          connection.prepareStatement(
              "DELETE FROM " + LEASES + " WHERE crawler = ? AND expires < ?")) {
        expired.setString(1, crawler);
        expired.setLong(2, now);
        expired.executeUpdate();
      }
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO " + LEASES + " (crawler, run_id, node, expires) VALUES (?, ?, ?, ?)")) {
        insert.setString(1, crawler);
        insert.setString(2, runId);
        insert.setString(3, node);
        insert.setLong(4, now + LEASE.toMillis());
        insert.executeUpdate();
        return true;
      } catch (SQLException e) {
        if (holder(connection, crawler).isPresent()) {
          return false; // the primary key refused a second lease
        }
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot claim crawler " + crawler + " in " + LEASES + ": " + e.getMessage(), e);
    }
  }

  /** The run holding {@code crawler}'s unexpired lease, if any. */
  public Optional<String> holder(String crawler) {
    try (Connection connection = metadataDb.get();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT run_id FROM " + LEASES + " WHERE crawler = ? AND expires >= ?")) {
      select.setString(1, crawler);
      select.setLong(2, clock.millis());
      try (ResultSet result = select.executeQuery()) {
        return result.next() ? Optional.of(result.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read " + LEASES + ": " + e.getMessage(), e);
    }
  }

  private static Optional<String> holder(Connection connection, String crawler)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT run_id FROM " + LEASES + " WHERE crawler = ?")) {
      select.setString(1, crawler);
      try (ResultSet result = select.executeQuery()) {
        return result.next() ? Optional.of(result.getString(1)) : Optional.empty();
      }
    }
  }

  /**
   * Extends run {@code runId}'s lease of {@code crawler}: false if it has lost it, to another node
   * or because it expired (the node stalled longer than {@link #LEASE}: another node may be
   * claiming it right now, so an expired lease is never taken back).
   */
  public boolean renew(String crawler, String runId) {
    long now = clock.millis();
    try (Connection connection = metadataDb.get();
        PreparedStatement statement =
            connection.prepareStatement(
                "UPDATE "
                    + LEASES
                    + " SET expires = ? WHERE crawler = ? AND run_id = ? AND node = ?"
                    + " AND expires >= ?")) {
      statement.setLong(1, now + LEASE.toMillis());
      statement.setString(2, crawler);
      statement.setString(3, runId);
      statement.setString(4, node);
      statement.setLong(5, now);
      return statement.executeUpdate() > 0;
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot update the lease of crawler " + crawler + " in " + LEASES + ": " + e.getMessage(),
          e);
    }
  }

  /** Gives up run {@code runId}'s lease of {@code crawler}. */
  public void release(String crawler, String runId) {
    leaseUpdate(
        "DELETE FROM " + LEASES + " WHERE crawler = ? AND run_id = ? AND node = ?",
        null,
        crawler,
        runId);
  }

  private boolean leaseUpdate(String sql, Long expires, String crawler, String runId) {
    try (Connection connection = metadataDb.get();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      int i = 1;
      if (expires != null) {
        statement.setLong(i++, expires);
      }
      statement.setString(i++, crawler);
      statement.setString(i++, runId);
      statement.setString(i, node);
      return statement.executeUpdate() > 0;
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot update the lease of crawler " + crawler + " in " + LEASES + ": " + e.getMessage(),
          e);
    }
  }

  /** Inserts or replaces {@code run}. */
  public void save(CrawlRun run) {
    String report;
    try {
      report = JSON.writeValueAsString(run);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    try (Connection connection = metadataDb.get()) {
      try (PreparedStatement update =
          connection.prepareStatement(
              "UPDATE " + TABLE + " SET status = ?, report = ? WHERE id = ?")) {
        update.setString(1, run.status().name());
        update.setString(2, report);
        update.setString(3, run.id());
        if (update.executeUpdate() > 0) {
          return;
        }
      }
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO "
                  + TABLE
                  + " (id, crawler, started, status, report, node) VALUES (?, ?, ?, ?, ?, ?)")) {
        insert.setString(1, run.id());
        insert.setString(2, run.crawler());
        insert.setLong(3, run.started().toEpochMilli());
        insert.setString(4, run.status().name());
        insert.setString(5, report);
        insert.setString(6, node);
        insert.executeUpdate();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot save crawl run " + run.id() + " in " + TABLE + ": " + e.getMessage(), e);
    }
  }

  /** The newest {@code limit} runs of {@code crawler}, newest first. */
  public List<CrawlRun> list(String crawler, int limit) {
    return query(
        "SELECT status, report FROM "
            + TABLE
            + " WHERE crawler = ? ORDER BY started DESC, id DESC LIMIT "
            + Math.max(1, limit),
        crawler);
  }

  /** The run with {@code id}, if any. */
  public Optional<CrawlRun> get(String id) {
    return query("SELECT status, report FROM " + TABLE + " WHERE id = ?", id).stream().findFirst();
  }

  private List<CrawlRun> query(String sql, String parameter) {
    List<CrawlRun> runs = new ArrayList<>();
    try (Connection connection = metadataDb.get();
        PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, parameter);
      try (ResultSet result = select.executeQuery()) {
        while (result.next()) {
          CrawlRun run = JSON.readValue(result.getString(2), CrawlRun.class);
          CrawlRun.Status status = CrawlRun.Status.valueOf(result.getString(1));
          if (status != run.status()) {
            run =
                new CrawlRun(
                    run.id(),
                    run.crawler(),
                    status,
                    run.started(),
                    run.finished(),
                    run.counts(),
                    run.progress(),
                    run.tables(),
                    run.files(),
                    run.error());
          }
          runs.add(run);
        }
      }
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("Cannot read " + TABLE + ": " + e.getMessage(), e);
    }
    return runs;
  }
}
