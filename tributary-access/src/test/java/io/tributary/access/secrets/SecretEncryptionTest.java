package io.tributary.access.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.access.audit.Caller;
import io.tributary.core.ErrorCode;
import io.tributary.core.PlatformException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretEncryptionTest {
  private static final Caller ADMIN = new Caller("ana", "127.0.0.1");

  @TempDir Path dir;

  private final TestClock clock = new TestClock(Instant.parse("2026-12-01T00:00:00Z"));
  private final SecureRandom random = new SecureRandom();

  private SecretStore open(UnaryOperator<String> environment) {
    return SecretStore.open(
        TestDb.sqlite(dir),
        environment,
        dir.resolve("master.key"),
        clock,
        random,
        new TestDb.RecordingSink());
  }

  private SecretStore open() {
    return open(name -> null);
  }

  @Test
  void valuesAreSealedAtRestAndOpenWithTheKey() throws Exception {
    SecretStore store = open();
    store.put("db_password", SecretValue.of("hunter2-hunter2"), ADMIN);

    assertThat(store.current("db_password", ADMIN).reveal()).isEqualTo("hunter2-hunter2");
    assertThat(Files.readString(dir.resolve("master.key")).strip()).hasSize(44);
    String stored = column("SELECT wrapped_key || sealed_value FROM secret_versions");
    assertThat(stored).doesNotContain("hunter2");
    assertThat(Files.readAllBytes(dir.resolve("catalog.db"))).asString().doesNotContain("hunter2");
    // a second store on the same key file reads it
    assertThat(open().current("db_password", ADMIN).reveal()).isEqualTo("hunter2-hunter2");
  }

  @Test
  void theGeneratedKeyFileIsReadableByItsOwnerOnly() throws Exception {
    open();
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("master.key"))))
        .isEqualTo("rw-------");
  }

  @Test
  void aTamperedValueFailsItsTagCheck() throws Exception {
    SecretStore store = open();
    store.put("api_key", SecretValue.of("k-123456789"), ADMIN);
    String sealed = column("SELECT sealed_value FROM secret_versions");
    byte[] bytes = Base64.getDecoder().decode(sealed);
    bytes[bytes.length - 1] ^= 1;
    execute(
        "UPDATE secret_versions SET sealed_value = '"
            + Base64.getEncoder().encodeToString(bytes)
            + "'");

    assertThatThrownBy(() -> store.current("api_key", ADMIN))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("version 1 of secret 'api_key'")
        .hasMessageContaining("tag mismatch")
        .hasMessageNotContaining("k-123456789");
  }

  @Test
  void aValueMovedToAnotherVersionDoesNotOpen() throws Exception {
    SecretStore store = open();
    store.put("token", SecretValue.of("first-value"), ADMIN);
    store.put("token", SecretValue.of("second-value"), ADMIN);
    // copy version 1's sealed data over version 2: the associated data binds name and version
    execute(
        "UPDATE secret_versions SET (wrapped_key, sealed_value) = (SELECT wrapped_key,"
            + " sealed_value FROM secret_versions WHERE version = 1) WHERE version = 2");

    assertThatThrownBy(() -> store.current("token", ADMIN))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("version 2 of secret 'token'");
  }

  @Test
  void aWrongKeyIsRefusedAtOpenNamingItsSource() {
    open().put("db_password", SecretValue.of("hunter2-hunter2"), ADMIN);
    String other = Base64.getEncoder().encodeToString(new byte[32]);

    assertThatThrownBy(() -> open(Map.of(MasterKey.ENVIRONMENT_VARIABLE, other)::get))
        .isInstanceOf(PlatformException.class)
        .satisfies(
            e ->
                assertThat(((PlatformException) e).errorCode())
                    .isEqualTo(ErrorCode.MASTER_KEY_INVALID))
        .hasMessageContaining("environment variable TRIBUTARY_MASTER_KEY")
        .hasMessageContaining("not the key the secrets were sealed with");
  }

  @Test
  void aMissingKeyIsRefusedWhenSecretsExist() throws Exception {
    open().put("db_password", SecretValue.of("hunter2-hunter2"), ADMIN);
    Files.delete(dir.resolve("master.key"));

    assertThatThrownBy(this::open)
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("no master key was found")
        .hasMessageContaining("TRIBUTARY_MASTER_KEY")
        .hasMessageContaining(dir.resolve("master.key").toString());
    assertThat(dir.resolve("master.key")).doesNotExist();
  }

  @Test
  void aLostKeyIsReplacedOnceNothingIsSealedUnderIt() throws Exception {
    SecretStore first = open();
    first.put("old", SecretValue.of("old-value"), ADMIN);
    first.delete("old", ADMIN);
    Files.delete(dir.resolve("master.key"));

    SecretStore second = open();
    second.put("new", SecretValue.of("new-value"), ADMIN);
    assertThat(open().current("new", ADMIN).reveal()).isEqualTo("new-value");
  }

  @Test
  void aMalformedKeyIsRefusedNamingItsSource() throws Exception {
    Files.writeString(dir.resolve("master.key"), "c2hvcnQ=\n");

    assertThatThrownBy(this::open)
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("Invalid master key in key file " + dir.resolve("master.key"))
        .hasMessageContaining("got 5 bytes");
  }

  @Test
  void theEnvironmentKeyWinsOverTheFile() {
    byte[] key = new byte[32];
    new Random(7).nextBytes(key);
    String text = Base64.getEncoder().encodeToString(key);
    SecretStore store = open(Map.of(MasterKey.ENVIRONMENT_VARIABLE, text)::get);

    assertThat(store.masterKeySource()).isEqualTo("environment variable TRIBUTARY_MASTER_KEY");
    assertThat(dir.resolve("master.key")).doesNotExist();
  }

  @Test
  void valuesNeverShowInToString() {
    SecretValue value = SecretValue.of("s3cr3t-value");
    assertThat(value.toString()).doesNotContain("s3cr3t");
    assertThat(String.valueOf(Map.of("v", value))).doesNotContain("s3cr3t");
    SecretStore store = open();
    assertThat(store.put("x", value, ADMIN).toString()).doesNotContain("s3cr3t");
  }

  private String column(String sql) throws Exception {
    Supplier<Connection> db = TestDb.sqlite(dir);
    try (Connection connection = db.get();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getString(1);
    }
  }

  private void execute(String sql) throws Exception {
    try (Connection connection = TestDb.sqlite(dir).get();
        Statement statement = connection.createStatement()) {
      statement.executeUpdate(sql);
    }
  }
}
