package io.tributary.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.core.migrate.SchemaMigrations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes of one platform, in the metadata database's {@code tributary_nodes} table: each node
 * writes its row (id, HTTP address, start time, what it owns) at start and every {@link
 * #HEARTBEAT}, and deletes it when it stops; a node not seen for {@link #EXPIRY} is gone (killed,
 * or cut off).
 */
final class ClusterNodes implements AutoCloseable {
  static final Duration HEARTBEAT = Duration.ofSeconds(5);
  static final Duration EXPIRY = Duration.ofSeconds(20);
  private static final Logger LOG = LoggerFactory.getLogger(ClusterNodes.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One live node and what it owns (delivery partitions per stream, ...). */
  record Node(String id, String httpAddress, Instant started, Instant lastSeen, JsonNode owns) {
    Node {
      Objects.requireNonNull(id, "id is null");
      Objects.requireNonNull(httpAddress, "httpAddress is null");
      Objects.requireNonNull(owns, "owns is null");
    }
  }

  private final Supplier<Connection> db;
  private final String id;
  private final String httpAddress;
  private final Supplier<Map<String, Object>> owns;
  private final Clock clock;
  private final Instant started;
  private final ScheduledExecutorService heartbeats;

  /**
   * Migrates the table (component {@code cluster-nodes}), writes this node's row and starts its
   * heartbeats.
   *
   * @param owns what this node owns now, written with each heartbeat
   */
  ClusterNodes(
      Supplier<Connection> db,
      String id,
      String httpAddress,
      Supplier<Map<String, Object>> owns,
      Clock clock) {
    this.db = db;
    this.id = id;
    this.httpAddress = httpAddress;
    this.owns = owns;
    this.clock = clock;
    this.started = clock.instant();
    SchemaMigrations.apply(db, "cluster-nodes");
    heartbeat();
    heartbeats =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "node-heartbeat");
              thread.setDaemon(true);
              return thread;
            });
    heartbeats.scheduleWithFixedDelay(
        this::beat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
  }

  String id() {
    return id;
  }

  /**
   * This node's id, kept in {@code node-id} in the data dir: created at the first start as the host
   * name and a random suffix, so restarts keep it and two nodes on one host differ.
   */
  static String localId(Path dataDir, Random random) {
    Path file = dataDir.resolve("node-id");
    try {
      if (Files.exists(file)) {
        return Files.readString(file).strip();
      }
      String host;
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        host = "node";
      }
      String id = host + "-" + HexFormat.of().toHexDigits(random.nextInt());
      Files.createDirectories(dataDir);
      Files.writeString(file, id + "\n");
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or write the node id in " + file, e);
    }
  }

  private void beat() {
    try {
      heartbeat();
    } catch (RuntimeException e) {
      LOG.warn("Node {}: heartbeat failed: {}", id, e.toString());
    }
  }

  /** Writes this node's row now. */
  void heartbeat() {
    String ownsJson;
    try {
      ownsJson = JSON.writeValueAsString(owns.get());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write what node " + id + " owns: " + e, e);
    }
    long now = clock.millis();
    try (Connection connection = db.get()) {
      try (PreparedStatement update =
          connection.prepareStatement(
              "UPDATE tributary_nodes SET http_address = ?, started_at = ?, last_seen = ?,"
                  + " owns = ? WHERE id = ?")) {
        update.setString(1, httpAddress);
        update.setLong(2, started.toEpochMilli());
        update.setLong(3, now);
        update.setString(4, ownsJson);
        update.setString(5, id);
        if (update.executeUpdate() > 0) {
          return;
        }
      }
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO tributary_nodes (id, http_address, started_at, last_seen, owns)"
                  + " VALUES (?, ?, ?, ?, ?)")) {
        insert.setString(1, id);
        insert.setString(2, httpAddress);
        insert.setLong(3, started.toEpochMilli());
        insert.setLong(4, now);
        insert.setString(5, ownsJson);
        insert.executeUpdate();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot write node " + id + " to tributary_nodes: " + e.getMessage(), e);
    }
  }

  /** The nodes seen within {@link #EXPIRY}, by id. */
  List<Node> live() {
    List<Node> nodes = new ArrayList<>();
    try (Connection connection = db.get();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT id, http_address, started_at, last_seen, owns FROM tributary_nodes"
                    + " WHERE last_seen >= ? ORDER BY id")) {
      select.setLong(1, clock.millis() - EXPIRY.toMillis());
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          nodes.add(
              new Node(
                  rows.getString(1),
                  rows.getString(2),
                  Instant.ofEpochMilli(rows.getLong(3)),
                  Instant.ofEpochMilli(rows.getLong(4)),
                  JSON.readTree(rows.getString(5))));
        }
      }
    } catch (SQLException | JsonProcessingException e) {
      throw new IllegalStateException("Cannot read tributary_nodes: " + e.getMessage(), e);
    }
    return nodes;
  }

  /** Stops the heartbeats and removes this node's row: the others see it gone at once. */
  @Override
  public void close() {
    heartbeats.shutdownNow();
    try (Connection connection = db.get();
        PreparedStatement delete =
            connection.prepareStatement("DELETE FROM tributary_nodes WHERE id = ?")) {
      delete.setString(1, id);
      delete.executeUpdate();
    } catch (SQLException | RuntimeException e) {
      LOG.warn("Node {}: cannot remove its row from tributary_nodes: {}", id, e.toString());
    }
  }
}
