package io.tributary.access;

import io.tributary.core.migrate.SchemaMigrations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Users, groups, roles, grants and tokens in the platform's metadata database (SQLite by default,
 * PostgreSQL at scale): SQL common to both. Every change is one transaction that also bumps the
 * change counter ({@link #version()}); {@link #load()} reads the whole state.
 */
public final class AccessStore {
  private final Supplier<Connection> db;

  public AccessStore(Supplier<Connection> db) {
    this.db = Objects.requireNonNull(db, "db is null");
    SchemaMigrations.apply(db, "access");
  }

  private static IllegalStateException failure(String what, SQLException e) {
    return new IllegalStateException("Cannot " + what + ": " + e.getMessage(), e);
  }

  /** One change, run in a transaction. */
  private interface Change {
    void apply(Connection connection) throws SQLException;
  }

  private void inTransaction(String what, Change change) {
    try (Connection connection = db.get()) {
      connection.setAutoCommit(false);
      try {
        change.apply(connection);
        // every node polls this counter and reloads when it moved (see version())
        update(connection, "UPDATE access_version SET version = version + 1 WHERE id = 1");
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  private static void update(Connection connection, String sql, Object... values)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        if (values[i] == null) {
          // untyped: PostgreSQL infers the column's type (a VARCHAR null into BIGINT fails)
          statement.setNull(i + 1, Types.NULL);
        } else if (values[i] instanceof Long number) {
          statement.setLong(i + 1, number);
        } else {
          statement.setString(i + 1, values[i].toString());
        }
      }
      statement.executeUpdate();
    }
  }

  private static Long millis(Optional<Instant> instant) {
    return instant.map(Instant::toEpochMilli).orElse(null);
  }

  /**
   * The change counter: bumped by every change in the same transaction, so a node sharing this
   * database sees that its snapshot is stale when the counter moved since its last {@link #load()}.
   */
  public long version() {
    try (Connection connection = db.get();
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery("SELECT version FROM access_version WHERE id = 1")) {
      return result.next() ? result.getLong(1) : 0;
    } catch (SQLException e) {
      throw failure("read the access version", e);
    }
  }

  /** Creates or replaces the user (its memberships, grants and tokens stay). */
  public void putUser(User user) {
    inTransaction(
        "store user " + user.name(),
        connection -> {
          update(connection, "DELETE FROM access_users WHERE name = ?", user.name());
          update(
              connection,
              "INSERT INTO access_users (name, kind, argon2, scram, expires_ms, previous_argon2,"
                  + " previous_scram) VALUES (?, ?, ?, ?, ?, ?, ?)",
              user.name(),
              user.kind().label(),
              user.password().map(StoredPassword::argon2).orElse(null),
              user.password().map(password -> password.scram().encoded()).orElse(null),
              millis(user.expiresAt()),
              user.previousPassword().map(StoredPassword::argon2).orElse(null),
              user.previousPassword().map(password -> password.scram().encoded()).orElse(null));
        });
  }

  /** Removes the user, its memberships and direct grants, and revokes its tokens at {@code now}. */
  public void removeUser(String name, Instant now) {
    inTransaction(
        "remove user " + name,
        connection -> {
          update(connection, "DELETE FROM access_users WHERE name = ?", name);
          update(connection, "DELETE FROM access_group_members WHERE user_name = ?", name);
          String principal = Principal.user(name).toString();
          update(connection, "DELETE FROM access_role_members WHERE principal = ?", principal);
          update(connection, "DELETE FROM access_grants WHERE principal = ?", principal);
          update(
              connection,
              "UPDATE access_tokens SET revoked_ms = ? WHERE user_name = ? AND revoked_ms IS NULL",
              now.toEpochMilli(),
              name);
        });
  }

  /** Deletes the tokens that expired or were revoked before {@code cutoff}. */
  public void removeTokensEndedBefore(Instant cutoff) {
    inTransaction(
        "remove ended tokens",
        connection -> {
          update(
              connection,
              "DELETE FROM access_tokens WHERE expires_ms < ? OR revoked_ms < ?",
              cutoff.toEpochMilli(),
              cutoff.toEpochMilli());
        });
  }

  /** Creates or replaces the group with exactly {@code members}. */
  public void putGroup(String name, Set<String> members) {
    inTransaction(
        "store group " + name,
        connection -> {
          update(connection, "DELETE FROM access_groups WHERE name = ?", name);
          update(connection, "INSERT INTO access_groups (name) VALUES (?)", name);
          update(connection, "DELETE FROM access_group_members WHERE group_name = ?", name);
          for (String member : new TreeSet<>(members)) {
            update(
                connection,
                "INSERT INTO access_group_members (group_name, user_name) VALUES (?, ?)",
                name,
                member);
          }
        });
  }

  /** Removes the group, its memberships and its grants. */
  public void removeGroup(String name) {
    inTransaction(
        "remove group " + name,
        connection -> {
          update(connection, "DELETE FROM access_groups WHERE name = ?", name);
          update(connection, "DELETE FROM access_group_members WHERE group_name = ?", name);
          String principal = Principal.group(name).toString();
          update(connection, "DELETE FROM access_role_members WHERE principal = ?", principal);
          update(connection, "DELETE FROM access_grants WHERE principal = ?", principal);
        });
  }

  /** Creates or replaces the role with exactly {@code members} (users and groups). */
  public void putRole(String name, Set<Principal> members) {
    inTransaction(
        "store role " + name,
        connection -> {
          update(connection, "DELETE FROM access_roles WHERE name = ?", name);
          update(connection, "INSERT INTO access_roles (name) VALUES (?)", name);
          update(connection, "DELETE FROM access_role_members WHERE role_name = ?", name);
          for (String member : new TreeSet<>(members.stream().map(Principal::toString).toList())) {
            update(
                connection,
                "INSERT INTO access_role_members (role_name, principal) VALUES (?, ?)",
                name,
                member);
          }
        });
  }

  /** Removes the role, its memberships and its grants. */
  public void removeRole(String name) {
    inTransaction(
        "remove role " + name,
        connection -> {
          update(connection, "DELETE FROM access_roles WHERE name = ?", name);
          update(connection, "DELETE FROM access_role_members WHERE role_name = ?", name);
          update(
              connection,
              "DELETE FROM access_grants WHERE principal = ?",
              Principal.role(name).toString());
        });
  }

  /** Adds the grant (nothing when it exists). */
  public void addGrant(Grant grant) {
    inTransaction(
        "add grant " + grant,
        connection -> {
          removeGrant(connection, grant);
          update(
              connection,
              "INSERT INTO access_grants (principal, privilege, resource) VALUES (?, ?, ?)",
              grant.principal().toString(),
              grant.privilege().label(),
              grant.resource().toString());
        });
  }

  /** Removes the grant (nothing when it does not exist). */
  public void removeGrant(Grant grant) {
    inTransaction("remove grant " + grant, connection -> removeGrant(connection, grant));
  }

  private static void removeGrant(Connection connection, Grant grant) throws SQLException {
    update(
        connection,
        "DELETE FROM access_grants WHERE principal = ? AND privilege = ? AND resource = ?",
        grant.principal().toString(),
        grant.privilege().label(),
        grant.resource().toString());
  }

  /** Stores a new token, or replaces one of the same id. */
  public void putToken(ApiToken token) {
    inTransaction(
        "store token " + token.id(),
        connection -> {
          update(connection, "DELETE FROM access_tokens WHERE id = ?", token.id());
          update(
              connection,
              "INSERT INTO access_tokens (id, secret_hash, user_name, scopes, created_ms,"
                  + " expires_ms, revoked_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
              token.id(),
              token.secretHash(),
              token.user(),
              String.join(" ", new TreeSet<>(token.scopes())),
              token.createdAt().toEpochMilli(),
              millis(token.expiresAt()),
              millis(token.revokedAt()));
        });
  }

  /** Everything the store holds. */
  public AccessState load() {
    try (Connection connection = db.get();
        Statement statement = connection.createStatement()) {
      Map<String, User> users = new HashMap<>();
      try (ResultSet rows =
          statement.executeQuery(
              "SELECT name, kind, argon2, scram, expires_ms, previous_argon2, previous_scram"
                  + " FROM access_users")) {
        while (rows.next()) {
          Optional<StoredPassword> password = storedPassword(rows, 3);
          Optional<StoredPassword> previous = storedPassword(rows, 6);
          String name = rows.getString(1);
          users.put(
              name,
              new User(
                  name,
                  User.Kind.parse(rows.getString(2)),
                  password,
                  previous,
                  optionalMillis(rows, 5)));
        }
      }
      Map<String, Set<String>> groups = new HashMap<>();
      try (ResultSet rows = statement.executeQuery("SELECT name FROM access_groups")) {
        while (rows.next()) {
          groups.put(rows.getString(1), new HashSet<>());
        }
      }
      try (ResultSet rows =
          statement.executeQuery("SELECT group_name, user_name FROM access_group_members")) {
        while (rows.next()) {
          groups.computeIfAbsent(rows.getString(1), g -> new HashSet<>()).add(rows.getString(2));
        }
      }
      Map<String, Set<Principal>> roles = new HashMap<>();
      try (ResultSet rows = statement.executeQuery("SELECT name FROM access_roles")) {
        while (rows.next()) {
          roles.put(rows.getString(1), new HashSet<>());
        }
      }
      try (ResultSet rows =
          statement.executeQuery("SELECT role_name, principal FROM access_role_members")) {
        while (rows.next()) {
          roles
              .computeIfAbsent(rows.getString(1), r -> new HashSet<>())
              .add(Principal.parse(rows.getString(2)));
        }
      }
      Set<Grant> grants = new HashSet<>();
      try (ResultSet rows =
          statement.executeQuery("SELECT principal, privilege, resource FROM access_grants")) {
        while (rows.next()) {
          grants.add(Grant.parse(rows.getString(1), rows.getString(2), rows.getString(3)));
        }
      }
      Map<String, ApiToken> tokens = new HashMap<>();
      try (ResultSet rows =
          statement.executeQuery(
              "SELECT id, secret_hash, user_name, scopes, created_ms, expires_ms, revoked_ms"
                  + " FROM access_tokens")) {
        while (rows.next()) {
          ApiToken token =
              new ApiToken(
                  rows.getString(1),
                  rows.getString(2),
                  rows.getString(3),
                  Set.copyOf(List.of(rows.getString(4).split(" "))),
                  Instant.ofEpochMilli(rows.getLong(5)),
                  optionalMillis(rows, 6),
                  optionalMillis(rows, 7));
          tokens.put(token.secretHash(), token);
        }
      }
      return new AccessState(users, groups, roles, grants, tokens);
    } catch (SQLException e) {
      throw failure("read the access tables", e);
    }
  }

  /** The password stored in columns {@code column} (Argon2id) and the next (SCRAM), if any. */
  private static Optional<StoredPassword> storedPassword(ResultSet rows, int column)
      throws SQLException {
    String argon2 = rows.getString(column);
    return argon2 == null
        ? Optional.empty()
        : Optional.of(new StoredPassword(argon2, ScramVerifier.parse(rows.getString(column + 1))));
  }

  private static Optional<Instant> optionalMillis(ResultSet rows, int column) throws SQLException {
    long value = rows.getLong(column);
    return rows.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(value));
  }
}
