package io.tributary.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tributary.core.config.PgWireTls;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on the endpoint: a generated certificate, TLS required, cleartext passwords inside TLS, TLS
 * off, GSSENCRequest refused, and unusable certificate files named at start.
 */
class TlsIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static PgWireFixture fixture(Path dir, PgWireTls tls) {
    ServerTls serverTls = ServerTls.of(tls, dir, Clock.systemUTC(), new SecureRandom());
    return new PgWireFixture(
        dir,
        TIMEOUT,
        new PgWireServer.Settings(
            "127.0.0.1", 0, 8, TIMEOUT, Duration.ZERO, Duration.ZERO, serverTls));
  }

  private static Connection connect(PgWireFixture fixture, String options) throws SQLException {
    return DriverManager.getConnection(
        fixture.jdbcUrl(options), fixture.credentials.user(), fixture.credentials.password());
  }

  private static long count(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM raw.t")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  @Test
  void aGeneratedCertificateServesTlsClients(@TempDir Path dir) throws Exception {
    try (PgWireFixture fixture = fixture(dir, PgWireTls.AUTO)) {
      Path key = dir.resolve(ServerTls.DIRECTORY).resolve("server.key");
      assertThat(Files.readString(dir.resolve(ServerTls.DIRECTORY).resolve("server.crt")))
          .startsWith("-----BEGIN CERTIFICATE-----");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
          .isEqualTo("rw-------");
      try (Connection tls = connect(fixture, "?sslmode=require")) {
        assertThat(count(tls)).isEqualTo(3);
        try (Statement statement = tls.createStatement()) {
          statement.execute("SET idle_session_timeout = '300ms'");
        }
        // the socket timeout reaches the TLS socket too: the silent session is disconnected
        await().atMost(Duration.ofSeconds(20)).until(() -> fixture.server.connectionCount() == 0);
      }
      try (Connection plain = connect(fixture, "?sslmode=disable")) {
        assertThat(count(plain)).isEqualTo(3);
      }
      List<String> psql =
          List.of(
              "psql",
              "-X",
              "-d",
              "host=127.0.0.1 port="
                  + fixture.server.port()
                  + " dbname=tributary sslmode=require user="
                  + fixture.credentials.user(),
              "-c",
              "\\conninfo");
      ProcessBuilder builder = new ProcessBuilder(psql).redirectErrorStream(true);
      builder.environment().put("PGPASSWORD", fixture.credentials.password());
      Process process = builder.start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(out).contains("SSL connection (protocol: TLSv1.3");
    }
    byte[] first = Files.readAllBytes(dir.resolve(ServerTls.DIRECTORY).resolve("server.crt"));
    ServerTls.of(PgWireTls.AUTO, dir, Clock.systemUTC(), new SecureRandom());
    assertThat(Files.readAllBytes(dir.resolve(ServerTls.DIRECTORY).resolve("server.crt")))
        .as("the certificate is generated once and kept")
        .isEqualTo(first);
  }

  @Test
  void requiredTlsRefusesPlaintextClearly(@TempDir Path dir) throws Exception {
    PgWireTls required = new PgWireTls(PgWireTls.Mode.AUTO, null, null, true, false);
    try (PgWireFixture fixture = fixture(dir, required)) {
      assertThatThrownBy(() -> connect(fixture, "?sslmode=disable"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("TLS is required")
          .extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo("28000");
      try (Connection tls = connect(fixture, "?sslmode=require")) {
        assertThat(count(tls)).isEqualTo(3);
      }
    }
  }

  @Test
  void cleartextPasswordsOnlyInsideTls(@TempDir Path dir) throws Exception {
    PgWireTls cleartext = new PgWireTls(PgWireTls.Mode.AUTO, null, null, false, true);
    try (PgWireFixture fixture = fixture(dir, cleartext)) {
      try (Connection tls = connect(fixture, "?sslmode=require")) {
        assertThat(count(tls)).isEqualTo(3);
      }
      assertThatThrownBy(
              () ->
                  DriverManager.getConnection(
                      fixture.jdbcUrl("?sslmode=require"), fixture.credentials.user(), "wrong"))
          .isInstanceOf(SQLException.class)
          .extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo("28P01");
      // a plaintext client still authenticates by SCRAM, never sending the password
      try (Connection plain = connect(fixture, "?sslmode=disable")) {
        assertThat(count(plain)).isEqualTo(3);
      }
    }
  }

  @Test
  void withoutTlsSslRequestAndGssEncRequestAreRefused(@TempDir Path dir) throws Exception {
    try (PgWireFixture fixture = fixture(dir, PgWireTls.OFF)) {
      assertThatThrownBy(() -> connect(fixture, "?sslmode=require"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("does not support SSL");
      try (Connection preferred = connect(fixture, "?sslmode=prefer&gssEncMode=prefer")) {
        assertThat(count(preferred)).isEqualTo(3);
      }
    }
  }

  @Test
  void unusableCertificateFilesAreNamedAtStart(@TempDir Path dir) throws Exception {
    Path cert = Files.writeString(dir.resolve("server.crt"), "not a certificate");
    Path key = Files.writeString(dir.resolve("server.key"), "not a key");
    PgWireTls files = new PgWireTls(PgWireTls.Mode.FILES, cert, key, false, false);
    assertThatThrownBy(() -> ServerTls.of(files, dir, Clock.systemUTC(), new SecureRandom()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pgwire.tls.cert")
        .hasMessageContaining(cert.toString());
    ServerTls.of(PgWireTls.AUTO, dir, Clock.systemUTC(), new SecureRandom());
    Path generated = dir.resolve(ServerTls.DIRECTORY).resolve("server.crt");
    PgWireTls wrongKey = new PgWireTls(PgWireTls.Mode.FILES, generated, cert, false, false);
    assertThatThrownBy(() -> ServerTls.of(wrongKey, dir, Clock.systemUTC(), new SecureRandom()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pgwire.tls.key");
    PgWireTls good =
        new PgWireTls(
            PgWireTls.Mode.FILES,
            generated,
            dir.resolve(ServerTls.DIRECTORY).resolve("server.key"),
            true,
            false);
    assertThat(ServerTls.of(good, dir, Clock.systemUTC(), new SecureRandom()).required()).isTrue();
  }
}
