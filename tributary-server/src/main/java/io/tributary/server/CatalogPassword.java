package io.tributary.server;

import io.tributary.access.ScramVerifier;
import io.tributary.access.audit.Caller;
import io.tributary.access.secrets.GeneratedPasswordRotator;
import io.tributary.access.secrets.LocalSecretFile;
import io.tributary.access.secrets.MasterKey;
import io.tributary.access.secrets.RotationSchedule;
import io.tributary.access.secrets.SecretStore;
import io.tributary.access.secrets.SecretValue;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.config.ConfigException;
import io.tributary.core.config.TributaryConfig;
import io.tributary.lake.CatalogPasswords;
import io.tributary.lake.Lake;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PostgreSQL catalog's password when {@code catalog.password} is {@code ${secret:name}}: the
 * lake's password source and the built-in {@value #ROTATOR} rotator's target. The secret store
 * lives in the catalog's database, so the password it needs first is kept in a local sealed file
 * too ({@value #FILE}; the first start takes it from {@value #INITIAL_VARIABLE}).
 *
 * <p>Rotation follows the single-user strategy: the one database role gets a new password. Set
 * stores the pending value in the local file (new connections then try current, then pending) and
 * runs {@code ALTER ROLE CURRENT_USER PASSWORD} with the pending value's SCRAM-SHA-256 verifier
 * (never the password in clear) through a connection opened with the current one; test opens a new
 * connection with the pending value; once the store made it current, new connections use it alone.
 * Connections already open keep working: PostgreSQL checks a password at login only.
 */
final class CatalogPassword implements GeneratedPasswordRotator.Target, CatalogPasswords {
  /** The name secrets that rotate the catalog's password give in their schedule. */
  static final String ROTATOR = "catalog-password";

  /** Where the first start finds the catalog's password. */
  static final String INITIAL_VARIABLE = "TRIBUTARY_CATALOG_PASSWORD";

  static final String FILE = "catalog-password.sealed";

  /** The schedule the secret gets when the platform creates it. */
  static final RotationSchedule DEFAULT_SCHEDULE =
      new RotationSchedule(Duration.ofDays(30), Duration.ofMinutes(5), ROTATOR);

  private static final Pattern REFERENCE =
      Pattern.compile("\\$\\{secret:([A-Za-z_][A-Za-z0-9_-]{0,99})}");

  private final TributaryConfig.Catalog settings;
  private final String secret;
  private final LocalSecretFile local;
  private final SecureRandom random;
  private volatile Lake lake;

  private CatalogPassword(
      TributaryConfig.Catalog settings, String secret, LocalSecretFile local, SecureRandom random) {
    this.settings = settings;
    this.secret = secret;
    this.local = local;
    this.random = random;
  }

  /** The secret {@code catalog.password} names, for a PostgreSQL catalog. */
  static Optional<String> secretName(TributaryConfig.Catalog settings) {
    if (!settings.uri().startsWith("jdbc:postgresql:") || settings.password() == null) {
      return Optional.empty();
    }
    Matcher matcher = REFERENCE.matcher(settings.password());
    return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
  }

  /**
   * Opens the local copy of secret {@code secret} (generating the master key on the first start).
   *
   * @throws ConfigException if there is no copy yet and {@value #INITIAL_VARIABLE} is not set
   */
  static CatalogPassword open(
      TributaryConfig.Catalog settings,
      String secret,
      Path dataDir,
      UnaryOperator<String> environment,
      SecureRandom random) {
    Path keyFile = dataDir.resolve("master.key");
    MasterKey master =
        MasterKey.find(environment, keyFile).orElseGet(() -> MasterKey.generate(keyFile, random));
    LocalSecretFile local = LocalSecretFile.open(dataDir.resolve(FILE), master, random);
    if (local.current().isEmpty()) {
      String initial = environment.apply(INITIAL_VARIABLE);
      if (initial == null || initial.isEmpty()) {
        throw new ConfigException(
            "catalog.password is ${secret:"
                + secret
                + "} but the platform holds no value for it yet: set environment variable "
                + INITIAL_VARIABLE
                + " to the database password for the first start");
      }
      local.write(SecretValue.of(initial), Optional.empty());
    }
    return new CatalogPassword(settings, secret, local, random);
  }

  @Override
  public List<String> candidates() {
    return local.candidates().stream().map(SecretValue::reveal).toList();
  }

  /**
   * Once the lake and the store are open: the store holds the secret (created from the local copy
   * with {@link #DEFAULT_SCHEDULE} on the first start), and the local copy follows a value the
   * store made current while it was behind (the previous one stays a candidate).
   */
  void attach(Lake opened, SecretStore store) {
    this.lake = Objects.requireNonNull(opened, "opened is null");
    SecretValue known = local.current().orElseThrow();
    if (store.info(secret).isEmpty()) {
      store.put(secret, known, Caller.PLATFORM);
      store.schedule(secret, Optional.of(DEFAULT_SCHEDULE), Caller.PLATFORM);
      return;
    }
    SecretValue stored = store.current(secret, Caller.PLATFORM);
    if (!stored.equals(known)) {
      local.write(stored, Optional.of(known));
    }
  }

  @Override
  public void set(String name, SecretValue password) {
    requireOwn(name);
    SecretValue current = local.current().orElseThrow();
    local.write(current, Optional.of(password)); // new connections may try it from now on
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    String verifier =
        ScramVerifier.derive(password.reveal(), salt, ScramVerifier.DEFAULT_ITERATIONS).encoded();
    try (Connection connection = lake().openMetadataConnection();
        Statement statement = connection.createStatement()) {
      // a SCRAM verifier is stored as is: the password never reaches the server or its logs
      statement.execute("ALTER ROLE CURRENT_USER PASSWORD '" + verifier + "'");
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot set the new password of the catalog's database role: " + e.getMessage(), e);
    }
  }

  @Override
  public void test(String name, SecretValue password) {
    requireOwn(name);
    Properties properties = new Properties();
    if (settings.user() != null) {
      properties.put("user", settings.user());
    }
    properties.put("password", password.reveal());
    try (Connection connection = DriverManager.getConnection(settings.uri(), properties);
        Statement statement = connection.createStatement()) {
      statement.executeQuery("SELECT 1").close();
    } catch (SQLException e) {
      throw new IllegalStateException(
          "The catalog's database refuses the new password: " + e.getMessage(), e);
    }
  }

  @Override
  public void promoted(String name, SecretValue password) {
    requireOwn(name);
    local.write(password, Optional.empty());
  }

  private Lake lake() {
    Lake opened = lake;
    if (opened == null) {
      throw new IllegalStateException("The catalog is not open yet");
    }
    return opened;
  }

  private void requireOwn(String name) {
    if (!name.equals(secret)) {
      throw new InvalidInputException(
          ErrorCode.INVALID_SECRET,
          "Cannot rotate secret '"
              + name
              + "' with rotator "
              + ROTATOR
              + ": catalog.password is ${secret:"
              + secret
              + "}");
    }
  }

  /**
   * The target of the {@value #ROTATOR} rotator when {@code catalog.password} names no secret:
   * refuses every rotation, saying why.
   */
  static GeneratedPasswordRotator.Target unused() {
    return new GeneratedPasswordRotator.Target() {
      @Override
      public void set(String name, SecretValue password) {
        throw refused(name);
      }

      @Override
      public void test(String name, SecretValue password) {
        throw refused(name);
      }
    };
  }

  private static InvalidInputException refused(String name) {
    return new InvalidInputException(
        ErrorCode.INVALID_SECRET,
        "Cannot rotate secret '"
            + name
            + "' with rotator "
            + ROTATOR
            + ": catalog.password is not ${secret:"
            + name
            + "} of a PostgreSQL catalog");
  }

  @Override
  public String toString() {
    return "CatalogPassword[secret " + secret + "]";
  }
}
