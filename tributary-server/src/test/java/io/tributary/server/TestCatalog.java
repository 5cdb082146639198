package io.tributary.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The metadata database of test platforms: SQLite in the data dir (the default) or, with {@code
 * -Dtributary.it.catalog=postgres}, a fresh PostgreSQL database per data dir in one cluster started
 * for the JVM (a platform restarted on the same dir finds its database again). A test that sets its
 * own {@code catalog} section later in its YAML overrides this one.
 */
final class TestCatalog {
  static final String PROPERTY = "tributary.it.catalog";

  private static final Map<Path, String> DATABASES = new ConcurrentHashMap<>();
  private static final AtomicInteger CREATED = new AtomicInteger();
  private static PostgresServer server;

  private TestCatalog() {}

  /** Whether test platforms run on PostgreSQL. */
  static boolean postgres() {
    String value = System.getProperty(PROPERTY, "sqlite");
    return switch (value) {
      case "sqlite" -> false;
      case "postgres" -> true;
      default ->
          throw new IllegalArgumentException(
              PROPERTY + " must be sqlite or postgres, not '" + value + "'");
    };
  }

  /** The YAML {@code catalog} section for a platform in {@code dir}: empty on SQLite. */
  static String yaml(Path dir) {
    if (!postgres()) {
      return "";
    }
    String database =
        DATABASES.computeIfAbsent(
            dir.toAbsolutePath().normalize(), d -> create(d, "it_" + CREATED.incrementAndGet()));
    return "\ncatalog: { uri: \""
        + cluster().jdbcUri(database)
        + "\", user: "
        + PostgresServer.USER
        + " }\n";
  }

  private static String create(Path dir, String database) {
    try (Connection connection =
            DriverManager.getConnection(cluster().jdbcUri(), PostgresServer.USER, "");
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + database);
      System.err.println("Test platform in " + dir + ": PostgreSQL database " + database);
      return database;
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot create test database " + database, e);
    }
  }

  private static synchronized PostgresServer cluster() {
    if (server == null) {
      Optional<Path> bin = PostgresServer.binaries();
      if (bin.isEmpty()) {
        throw new IllegalStateException(
            PROPERTY
                + "=postgres needs the PostgreSQL server binaries under /usr/lib/postgresql"
                + " (apt-get install postgresql)");
      }
      try {
        server = PostgresServer.start(bin.get());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      PostgresServer started = server;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      started.close();
                    } catch (IOException | InterruptedException e) {
                      // the JVM is exiting: the temporary cluster's files stay behind
                    }
                  }));
    }
    return server;
  }
}
