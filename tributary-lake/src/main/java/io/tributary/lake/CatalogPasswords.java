package io.tributary.lake;

import io.tributary.core.config.TributaryConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * The passwords the catalog's database may accept at this moment, tried in order for each new
 * connection: one normally; during a rotation of the catalog password (between setting the new one
 * in the database and making it current) the current one, then the pending one. Asked at every new
 * connection, so a rotation reaches new connections at once; connections already open keep working.
 * Empty: connect without a password.
 */
@FunctionalInterface
public interface CatalogPasswords {
  /** PostgreSQL's SQLSTATE for a wrong password. */
  String INVALID_PASSWORD = "28P01";

  List<String> candidates();

  /** The password of the config, if any. */
  static CatalogPasswords of(TributaryConfig.Catalog settings) {
    List<String> fixed = settings.password() == null ? List.of() : List.of(settings.password());
    return () -> fixed;
  }

  /**
   * A connection to {@code uri} with {@code properties} (no password in them) and the first
   * candidate the database accepts.
   *
   * @throws SQLException the last refusal when none is accepted, or any other failure at once
   */
  static Connection connect(String uri, Properties properties, CatalogPasswords passwords)
      throws SQLException {
    List<String> candidates = passwords.candidates();
    if (candidates.isEmpty()) {
      return DriverManager.getConnection(uri, properties);
    }
    Set<String> tried = new HashSet<>();
    SQLException refused = null;
    // a rotation may change the role's password between reading the candidates and logging in:
    // it records the new one before it alters the role, so candidates read again include it
    while (!tried.containsAll(candidates)) {
      for (String candidate : candidates) {
        if (!tried.add(candidate)) {
          continue;
        }
        Properties withPassword = new Properties();
        withPassword.putAll(properties);
        withPassword.put("password", candidate);
        try {
          return DriverManager.getConnection(uri, withPassword);
        } catch (SQLException e) {
          if (!INVALID_PASSWORD.equals(e.getSQLState())) {
            throw e;
          }
          refused = e;
        }
      }
      candidates = passwords.candidates();
    }
    throw refused;
  }
}
