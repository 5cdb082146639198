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
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/** Crawl run history in table {@code tributary_crawler_runs} of the metadata database. */
public final class RunStore {
  private static final String TABLE = "tributary_crawler_runs";
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Supplier<Connection> metadataDb;

  /** Creates the table if missing; runs left running by a stopped process become interrupted. */
  public RunStore(Supplier<Connection> metadataDb) {
    this.metadataDb = Objects.requireNonNull(metadataDb, "metadataDb is null");
    SchemaMigrations.apply(metadataDb, "crawler-runs");
    try (Connection connection = metadataDb.get();
        Statement statement = connection.createStatement()) {
      statement.executeUpdate(
          "UPDATE " + TABLE + " SET status = 'INTERRUPTED' WHERE status = 'RUNNING'");
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot interrupt the runs in " + TABLE + ": " + e.getMessage(), e);
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
                  + " (id, crawler, started, status, report) VALUES (?, ?, ?, ?, ?)")) {
        insert.setString(1, run.id());
        insert.setString(2, run.crawler());
        insert.setLong(3, run.started().toEpochMilli());
        insert.setString(4, run.status().name());
        insert.setString(5, report);
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
