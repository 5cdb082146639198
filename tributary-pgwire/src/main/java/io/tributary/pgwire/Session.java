package io.tributary.pgwire;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One connection's session: its settings and transaction state, and the statements the endpoint
 * answers itself (transaction control, SET, SHOW, RESET, DISCARD, DEALLOCATE) rather than sending
 * them to the query engine. Transactions only group statements: every statement reads the lake's
 * current snapshots, and nothing can be written. Not thread-safe.
 */
final class Session {
  /** The settings clients read at startup and after each SET, sent as ParameterStatus. */
  static final Map<String, String> REPORTED =
      Map.of(
          "server_encoding", "UTF8",
          "client_encoding", "UTF8",
          "DateStyle", "ISO, MDY",
          "IntervalStyle", "postgres",
          "TimeZone", "UTC",
          "integer_datetimes", "on",
          "standard_conforming_strings", "on",
          "is_superuser", "off",
          "default_transaction_read_only", "on",
          "in_hot_standby", "off");

  private static final Map<String, String> DEFAULTS = defaults();
  private static final Pattern SET =
      Pattern.compile(
          "SET\\s+(?:SESSION\\s+|LOCAL\\s+)?([A-Za-z_][A-Za-z0-9_.]*)\\s*(?:=|\\s+TO\\s+|\\s)\\s*(.*)",
          Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  private static final Pattern SET_TIME_ZONE =
      Pattern.compile(
          "SET\\s+(?:SESSION\\s+|LOCAL\\s+)?TIME\\s+ZONE\\s+(.*)",
          Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  private static final Pattern SHOW =
      Pattern.compile(
          "SHOW\\s+([A-Za-z_][A-Za-z0-9_.]*|TRANSACTION\\s+ISOLATION\\s+LEVEL)",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern RESET =
      Pattern.compile("RESET\\s+([A-Za-z_][A-Za-z0-9_.]*)", Pattern.CASE_INSENSITIVE);

  /** PostgreSQL's transaction status, as ReadyForQuery reports it. */
  enum Transaction {
    IDLE('I'),
    IN_BLOCK('T'),
    FAILED('E');

    final char indicator;

    Transaction(char indicator) {
      this.indicator = indicator;
    }
  }

  /**
   * What a statement the session answers produced: a command tag, and for SHOW a one-column row;
   * {@code changed} names a reported setting whose new value must be sent.
   */
  record Outcome(String tag, String column, String value, String changed) {
    static Outcome tag(String tag) {
      return new Outcome(tag, null, null, null);
    }
  }

  private static final Pattern DURATION =
      Pattern.compile("(\\d{1,12})\\s*(us|ms|s|min|h|d)?", Pattern.CASE_INSENSITIVE);
  private static final Set<String> DURATIONS =
      Set.of(
          "statement_timeout",
          "lock_timeout",
          "idle_in_transaction_session_timeout",
          "idle_session_timeout");

  /** The units a duration is shown in, largest first, in milliseconds. */
  private static final Map<String, Long> SHOWN_UNITS = shownUnits();

  private final Map<String, String> settings = new LinkedHashMap<>();
  private final Map<String, String> defaults;
  private Transaction transaction = Transaction.IDLE;

  /**
   * A session of the client {@code applicationName}, whose settings start from PostgreSQL's
   * defaults overridden by {@code configured} (the endpoint's own, e.g. {@code statement_timeout}).
   */
  Session(String applicationName, Map<String, String> configured) {
    Map<String, String> merged = new LinkedHashMap<>(DEFAULTS);
    configured.forEach(
        (key, value) -> {
          String name = canonical(key);
          merged.put(name, DURATIONS.contains(name) ? shown(parseDuration(name, value)) : value);
        });
    this.defaults = Map.copyOf(merged);
    settings.put("application_name", applicationName == null ? "" : applicationName);
  }

  /**
   * A duration setting ({@code statement_timeout}...) as PostgreSQL reads it: a number of
   * milliseconds, or with a unit us, ms, s, min, h or d; 0 means none.
   */
  Duration duration(String name) {
    String value = setting(name);
    return value == null ? Duration.ZERO : parseDuration(name, value);
  }

  private static Duration parseDuration(String name, String value) {
    Matcher matcher = DURATION.matcher(value.strip());
    if (!matcher.matches()) {
      throw new PgException(
          SqlStates.INVALID_PARAMETER_VALUE,
          "invalid value for parameter \"" + name + "\": \"" + value + "\"");
    }
    long amount = Long.parseLong(matcher.group(1));
    String unit = matcher.group(2) == null ? "ms" : matcher.group(2).toLowerCase(Locale.ROOT);
    return switch (unit) {
      case "us" -> Duration.ofNanos(amount * 1000);
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "min" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }

  /**
   * A duration setting's value as PostgreSQL shows it: whole milliseconds (rounded to the nearest,
   * as PostgreSQL does) in the largest of the units d, h, min, s and ms that holds it exactly, e.g.
   * {@code 5s}, {@code 1500ms}, {@code 2min}; zero as {@code 0}.
   */
  static String shown(Duration duration) {
    long millis = (long) Math.rint(duration.toNanos() / 1e6);
    if (millis == 0) {
      return "0";
    }
    for (Map.Entry<String, Long> unit : SHOWN_UNITS.entrySet()) {
      if (millis % unit.getValue() == 0) {
        return millis / unit.getValue() + unit.getKey();
      }
    }
    return millis + "ms";
  }

  Transaction transaction() {
    return transaction;
  }

  /** A statement failed: an explicit transaction can only be rolled back now. */
  void failed() {
    if (transaction == Transaction.IN_BLOCK) {
      transaction = Transaction.FAILED;
    }
  }

  /** The value of a setting, or {@code null} when it is unknown. */
  String setting(String name) {
    String key = canonical(name);
    String value = settings.get(key);
    return value != null ? value : defaults.get(key);
  }

  /**
   * The outcome of {@code sql} when the session answers it itself, or {@code null} when it is for
   * the query engine.
   *
   * @throws PgException for a statement refused in a failed transaction or a setting refused
   */
  Outcome answer(String sql) {
    String statement = SqlText.stripLeadingComments(sql).strip();
    String word = firstWord(statement);
    if (transaction == Transaction.FAILED
        && !word.equals("commit")
        && !word.equals("end")
        && !word.equals("rollback")
        && !word.equals("abort")) {
      throw new PgException(
          SqlStates.IN_FAILED_TRANSACTION,
          "current transaction is aborted, commands ignored until end of transaction block");
    }
    return switch (word) {
      case "begin", "start" -> {
        transaction = Transaction.IN_BLOCK;
        yield Outcome.tag("BEGIN");
      }
      case "commit", "end" -> {
        String tag = transaction == Transaction.FAILED ? "ROLLBACK" : "COMMIT";
        transaction = Transaction.IDLE;
        yield Outcome.tag(tag);
      }
      case "rollback", "abort" -> {
        transaction = Transaction.IDLE;
        yield Outcome.tag("ROLLBACK");
      }
      case "savepoint" -> Outcome.tag("SAVEPOINT");
      case "release" -> Outcome.tag("RELEASE");
      case "set" -> set(statement);
      case "show" -> show(statement);
      case "reset" -> reset(statement);
      case "discard" -> {
        settings.keySet().removeIf(key -> !key.equals("application_name"));
        yield Outcome.tag("DISCARD ALL");
      }
      case "deallocate" -> Outcome.tag("DEALLOCATE");
      case "listen", "unlisten", "notify" ->
          throw new PgException(
              SqlStates.FEATURE_NOT_SUPPORTED, word.toUpperCase(Locale.ROOT) + " is not supported");
      default -> null;
    };
  }

  /** Whether the session answers {@code sql} itself. */
  static boolean isLocal(String sql) {
    String statement = SqlText.stripLeadingComments(sql).strip();
    return switch (firstWord(statement)) {
      case "begin",
          "start",
          "commit",
          "end",
          "rollback",
          "abort",
          "savepoint",
          "release",
          "set",
          "reset",
          "discard",
          "deallocate",
          "listen",
          "unlisten",
          "notify" ->
          true;
      case "show" -> showColumn(sql) != null;
      default -> false;
    };
  }

  /** The column SHOW answers for {@code sql}, or {@code null} when it is no SHOW of a setting. */
  static String showColumn(String sql) {
    Matcher show = SHOW.matcher(SqlText.stripLeadingComments(sql).strip());
    if (!show.matches()) {
      return null;
    }
    String name = show.group(1);
    if (name.toUpperCase(Locale.ROOT).startsWith("TRANSACTION")) {
      return "transaction_isolation";
    }
    if (name.equalsIgnoreCase("tables")
        || name.equalsIgnoreCase("databases")
        || name.contains(".")) {
      return null;
    }
    return name.toLowerCase(Locale.ROOT);
  }

  private Outcome set(String statement) {
    String upper = statement.toUpperCase(Locale.ROOT);
    if (upper.matches("SET\\s+(SESSION\\s+CHARACTERISTICS|TRANSACTION)\\b.*")
        || upper.matches(
            "SET\\s+(SESSION\\s+|LOCAL\\s+)?(SESSION\\s+AUTHORIZATION|ROLE)\\s+DEFAULT\\b.*")) {
      return Outcome.tag("SET");
    }
    Matcher timeZone = SET_TIME_ZONE.matcher(statement);
    if (timeZone.matches()) {
      return assign("timezone", timeZone.group(1));
    }
    Matcher set = SET.matcher(statement);
    if (!set.matches()) {
      throw new PgException(SqlStates.SYNTAX_ERROR, "syntax error in SET: " + statement);
    }
    return assign(set.group(1), set.group(2));
  }

  private Outcome assign(String name, String rawValue) {
    String key = canonical(name);
    String value = unquote(rawValue.strip());
    switch (key) {
      case "client_encoding" -> {
        if (!value.equalsIgnoreCase("UTF8") && !value.equalsIgnoreCase("UNICODE")) {
          throw new PgException(
              SqlStates.FEATURE_NOT_SUPPORTED,
              "client_encoding " + value + " is not supported; use UTF8");
        }
        value = "UTF8";
      }
      case "TimeZone" -> {
        if (!value.matches("(?i)UTC|GMT|Etc/UTC|Etc/GMT|Z|Zulu|UCT|[+-]?0+(:00)?|DEFAULT|LOCAL")) {
          throw new PgException(
              SqlStates.FEATURE_NOT_SUPPORTED,
              "TimeZone " + value + " is not supported: times are sent in UTC");
        }
        value = "UTC";
      }
      case "transaction_read_only", "default_transaction_read_only" -> {
        if (value.equalsIgnoreCase("off") || value.equalsIgnoreCase("false")) {
          throw new PgException(
              SqlStates.READ_ONLY, "the endpoint is read-only: " + key + " stays on");
        }
        value = "on";
      }
      default -> {
        if (DURATIONS.contains(key) && !value.equalsIgnoreCase("DEFAULT")) {
          value = shown(parseDuration(key, value));
        }
        if (value.equalsIgnoreCase("DEFAULT")) {
          settings.remove(key);
          return new Outcome("SET", null, null, reported(key));
        }
      }
    }
    settings.put(key, value);
    return new Outcome("SET", null, null, reported(key));
  }

  private Outcome show(String statement) {
    String name = showColumn(statement);
    if (name == null) {
      return null; // DuckDB's SHOW TABLES, SHOW schema.table
    }
    String value = setting(name);
    if (value == null) {
      throw new PgException(
          SqlStates.UNDEFINED_OBJECT, "unrecognized configuration parameter \"" + name + "\"");
    }
    return new Outcome("SHOW", name, value, null);
  }

  private Outcome reset(String statement) {
    Matcher reset = RESET.matcher(statement);
    if (!reset.matches()) {
      throw new PgException(SqlStates.SYNTAX_ERROR, "syntax error in RESET: " + statement);
    }
    String key = canonical(reset.group(1));
    if (key.equalsIgnoreCase("all")) {
      settings.keySet().removeIf(setting -> !setting.equals("application_name"));
      return Outcome.tag("RESET");
    }
    settings.remove(key);
    return new Outcome("RESET", null, null, reported(key));
  }

  private static String reported(String key) {
    return REPORTED.containsKey(key) || key.equals("application_name") ? key : null;
  }

  private static String canonical(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (String reported : REPORTED.keySet()) {
      if (reported.toLowerCase(Locale.ROOT).equals(lower)) {
        return reported;
      }
    }
    return lower;
  }

  private static String unquote(String value) {
    if (value.length() >= 2
        && ((value.startsWith("'") && value.endsWith("'"))
            || (value.startsWith("\"") && value.endsWith("\"")))) {
      char quote = value.charAt(0);
      return value.substring(1, value.length() - 1).replace("" + quote + quote, "" + quote);
    }
    return value;
  }

  private static String firstWord(String statement) {
    int end = 0;
    while (end < statement.length() && Character.isLetter(statement.charAt(end))) {
      end++;
    }
    return statement.substring(0, end).toLowerCase(Locale.ROOT);
  }

  private static Map<String, Long> shownUnits() {
    Map<String, Long> units = new LinkedHashMap<>();
    units.put("d", 86_400_000L);
    units.put("h", 3_600_000L);
    units.put("min", 60_000L);
    units.put("s", 1_000L);
    return units;
  }

  private static Map<String, String> defaults() {
    Map<String, String> defaults = new LinkedHashMap<>(REPORTED);
    defaults.put("server_version", PgWireServer.SERVER_VERSION);
    defaults.put("server_version_num", "160000");
    defaults.put("transaction_isolation", "read committed");
    defaults.put("default_transaction_isolation", "read committed");
    defaults.put("transaction_read_only", "on");
    defaults.put("search_path", "\"$user\", public");
    defaults.put("extra_float_digits", "1");
    defaults.put("max_identifier_length", "63");
    defaults.put("lc_collate", "C");
    defaults.put("lc_ctype", "C");
    defaults.put("bytea_output", "hex");
    defaults.put("statement_timeout", "0");
    defaults.put("lock_timeout", "0");
    defaults.put("idle_in_transaction_session_timeout", "0");
    defaults.put("idle_session_timeout", "0");
    return Map.copyOf(defaults);
  }
}
