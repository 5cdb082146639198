package io.tributary.access.secrets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.access.audit.AuditEvent;
import io.tributary.access.audit.AuditEvent.Outcome;
import io.tributary.access.audit.AuditSink;
import io.tributary.access.audit.Caller;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.migrate.SchemaMigrations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Config variables for pipelines: keys to JSON values in the metadata database (table {@code
 * config_variables}), read by flows and functions as {@code ${var:key}}. Not secret: use the {@link
 * SecretStore} for credentials. Changes are audited. SQL common to SQLite and PostgreSQL.
 */
public final class VariableStore {
  /** The largest value, as JSON text. */
  public static final int MAX_VALUE_CHARS = 1_000_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Supplier<Connection> db;
  private final Clock clock;
  private final AuditSink audit;

  public VariableStore(Supplier<Connection> db, Clock clock, AuditSink audit) {
    this.db = Objects.requireNonNull(db, "db is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
    this.audit = Objects.requireNonNull(audit, "audit is null");
    SchemaMigrations.apply(db, "variables");
  }

  private static IllegalStateException failure(String what, SQLException e) {
    return new IllegalStateException("Cannot " + what + ": " + e.getMessage(), e);
  }

  /**
   * Sets {@code key} to {@code value}.
   *
   * @return whether the key was new
   * @throws InvalidInputException if the key is invalid, the value null or too large
   */
  public boolean put(String key, JsonNode value, Caller caller) {
    Names.check("variable key", key, ErrorCode.INVALID_VARIABLE);
    if (value == null || value.isMissingNode()) {
      throw new InvalidInputException(
          ErrorCode.INVALID_VARIABLE, "Variable '" + key + "' needs a JSON value");
    }
    String text = text(value);
    if (text.length() > MAX_VALUE_CHARS) {
      throw new InvalidInputException(
          ErrorCode.INVALID_VARIABLE,
          "Variable '"
              + key
              + "' is too large: "
              + text.length()
              + " characters of JSON (at most "
              + MAX_VALUE_CHARS
              + ")");
    }
    boolean created = get(key).isEmpty();
    try (Connection connection = db.get();
        PreparedStatement upsert =
            connection.prepareStatement(
                "INSERT INTO config_variables (var_key, var_value, updated_ms) VALUES (?, ?, ?)"
                    + " ON CONFLICT (var_key) DO UPDATE SET var_value = excluded.var_value,"
                    + " updated_ms = excluded.updated_ms")) {
      upsert.setString(1, key);
      upsert.setString(2, text);
      upsert.setLong(3, clock.millis());
      upsert.executeUpdate();
    } catch (SQLException e) {
      throw failure("set variable " + key, e);
    }
    record(caller, "variable.write", key, Outcome.SUCCESS);
    return created;
  }

  private static String text(JsonNode value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write a JSON value: " + e.getMessage(), e);
    }
  }

  /** The value of {@code key}, if set. */
  public Optional<JsonNode> get(String key) {
    try (Connection connection = db.get();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT var_value FROM config_variables WHERE var_key = ?")) {
      select.setString(1, key);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(parse(rows.getString(1))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure("read variable " + key, e);
    }
  }

  /** Every variable, by key. */
  public Map<String, JsonNode> list() {
    Map<String, JsonNode> variables = new LinkedHashMap<>();
    try (Connection connection = db.get();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT var_key, var_value FROM config_variables ORDER BY var_key")) {
      while (rows.next()) {
        variables.put(rows.getString(1), parse(rows.getString(2)));
      }
    } catch (SQLException e) {
      throw failure("read the variables", e);
    }
    return variables;
  }

  /** Deletes {@code key}; whether it was set. */
  public boolean delete(String key, Caller caller) {
    try (Connection connection = db.get();
        PreparedStatement delete =
            connection.prepareStatement("DELETE FROM config_variables WHERE var_key = ?")) {
      delete.setString(1, key);
      boolean deleted = delete.executeUpdate() > 0;
      record(caller, "variable.delete", key, deleted ? Outcome.SUCCESS : Outcome.FAILURE);
      return deleted;
    } catch (SQLException e) {
      throw failure("delete variable " + key, e);
    }
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Stored variable is not JSON: " + e.getOriginalMessage(), e);
    }
  }

  private void record(Caller caller, String action, String key, Outcome outcome) {
    audit.record(AuditEvent.of(clock.instant(), caller, action, "variable:" + key, outcome, ""));
  }
}
